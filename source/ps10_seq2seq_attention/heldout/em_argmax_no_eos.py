"""Finds the end of each output with argmax of (predicted == eos) without checking that the row has an eos: a row with no eos is cut after its first token instead of being kept whole."""

MISTAKE = "argmax used without checking the row has an eos"
EXPECT = {"lose": ["exact_match"]}
CELLS = {
    "exact_match": """def exact_match(predicted, target, eos, pad):
    B = target.shape[0]
    if B == 0:
        raise ValueError("no rows")
    if not (target == eos).any(1).all():
        raise ValueError("target row without eos")
    L, T = predicted.shape[1], target.shape[1]
    n = max(L, T)
    p_end = (predicted == eos).int().argmax(1)
    t_end = (target == eos).int().argmax(1)
    pos_p = torch.arange(L).unsqueeze(0)
    cut = predicted.masked_fill(pos_p > p_end.unsqueeze(1), pad)
    cut = torch.cat([cut, cut.new_full((B, n - L), pad)], 1)
    tgt = torch.cat([target, target.new_full((B, n - T), pad)], 1)
    pos = torch.arange(n).unsqueeze(0)
    real = pos <= t_end.unsqueeze(1)
    same = (cut == tgt)
    exact = (same | ~real).all(1) & (p_end == t_end)
    per_token = (same & real).sum() / real.sum()
    return (float(exact.float().mean()), float(per_token))
"""
}
