"""Counts every target position, padding included, in the per-token accuracy, instead of only the real positions up to and including each eos."""

MISTAKE = "padding positions counted in per-token accuracy"
EXPECT = {"lose": ["exact_match"]}
CELLS = {
    "exact_match": """def exact_match(predicted, target, eos, pad):
    B, T = target.shape
    if B == 0:
        raise ValueError("empty batch")
    if not (target == eos).any(1).all():
        raise ValueError("every target row needs an eos")
    L = predicted.shape[1]
    has = (predicted == eos).any(1)
    first = torch.where(has, (predicted == eos).int().argmax(1), torch.full((B,), L))
    cut = predicted.clone()
    cut[torch.arange(L).unsqueeze(0) > first.unsqueeze(1)] = pad
    n = max(L, T)
    P = torch.full((B, n), pad, dtype=torch.long)
    P[:, :L] = cut
    Tt = torch.full((B, n), pad, dtype=torch.long)
    Tt[:, :T] = target
    same = P == Tt
    exact = (same.all(1) & has).double().mean()
    per_token = same[:, :T].double().mean()
    return (float(exact), float(per_token))
"""
}
