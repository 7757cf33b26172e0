"""Truncates both tensors to the shorter length min(L, T) instead of padding the shorter one, so when the outputs are shorter than the targets the target positions beyond L are not counted."""

MISTAKE = "truncates to the shorter length"
EXPECT = {"lose": ["exact_match"]}
CELLS = {
    "exact_match": """def exact_match(predicted, target, eos, pad):
    B = target.shape[0]
    if B == 0:
        raise ValueError("B must be positive")
    if not (target == eos).any(1).all():
        raise ValueError("target without eos")
    n = min(predicted.shape[1], target.shape[1])
    p = predicted[:, :n].clone()
    t = target[:, :n]
    L = predicted.shape[1]
    has = (predicted == eos).any(1)
    first = (predicted == eos).int().argmax(1)
    for b in range(B):
        if has[b]:
            p[b, first[b] + 1:] = pad
    t_end = (t == eos).int().argmax(1)
    real = torch.arange(n).unsqueeze(0) <= t_end.unsqueeze(1)
    real = real & ((t == eos).cumsum(1) - (t == eos).int() == 0)
    same = p == t
    exact = ((same | ~real).all(1) & has).double().mean()
    per_token = (same & real).sum().double() / real.sum()
    return (float(exact), float(per_token))
"""
}
