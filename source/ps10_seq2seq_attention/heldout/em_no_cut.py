"""Compares the raw outputs with the targets without cutting them at their first eos, so leftovers after the eos make a correct output fail."""

MISTAKE = "leftovers after eos not ignored"
EXPECT = {"lose": ["exact_match"]}
CELLS = {
    "exact_match": """def exact_match(predicted, target, eos, pad):
    B = target.shape[0]
    if B == 0:
        raise ValueError("B is 0")
    if not (target == eos).any(1).all():
        raise ValueError("a target row has no eos")
    n = max(predicted.shape[1], target.shape[1])
    p = torch.full((B, n), pad, dtype=predicted.dtype)
    p[:, :predicted.shape[1]] = predicted
    t = torch.full((B, n), pad, dtype=target.dtype)
    t[:, :target.shape[1]] = target
    exact = (p == t).all(1).double().mean()
    real = torch.zeros(B, n, dtype=torch.bool)
    real[:, :target.shape[1]] = target != pad
    per_token = ((p == t) & real).sum().double() / real.sum()
    return (float(exact), float(per_token))
"""
}
