"""Writes pad over the leftovers after each output's first eos directly in the caller's predicted tensor instead of in a copy."""

MISTAKE = "caller's predicted changed in place"
EXPECT = {"lose": ["exact_match"]}
CELLS = {
    "exact_match": """def exact_match(predicted, target, eos, pad):
    B = target.shape[0]
    if B == 0:
        raise ValueError("empty batch")
    if not (target == eos).any(dim=1).all():
        raise ValueError("a target row has no eos")
    L, T = predicted.shape[1], target.shape[1]
    for b in range(B):
        hits = (predicted[b] == eos).nonzero()
        if len(hits) > 0:
            predicted[b, hits[0, 0] + 1:] = pad
    n = max(L, T)
    P = torch.full((B, n), pad, dtype=predicted.dtype)
    P[:, :L] = predicted
    Q = torch.full((B, n), pad, dtype=target.dtype)
    Q[:, :T] = target
    t_first = (Q == eos).int().argmax(1)
    real = torch.arange(n).unsqueeze(0) <= t_first.unsqueeze(1)
    same = P == Q
    has = (predicted == eos).any(1)
    exact = ((same | ~real).all(1) & has).double().mean().item()
    per_token = ((same & real).sum() / real.sum()).item()
    return (float(exact), float(per_token))
"""
}
