"""Exercise 2, wrong: the levels computed on a = exp(log a) and b = exp(log b) in linear space, then the
log of the result. A boundary's a = 0 does no harm there, but log b near 800 overflows to inf and near
-800 underflows to 0, whose log is -inf."""

EXPECT = {"lose": ["reset_scan"]}
CELLS = {
    "reset_scan": """
def reset_scan(log_a, log_b, log_h0=None):
    A, B = log_a.exp(), log_b.exp()
    span = 1
    while span < A.shape[1]:
        A, B = (torch.cat([A[:, :span], A[:, span:] * A[:, :-span]], dim=1),
                torch.cat([B[:, :span], A[:, span:] * B[:, :-span] + B[:, span:]], dim=1))
        span *= 2
    h = B if log_h0 is None else A * log_h0.exp().unsqueeze(1) + B
    return h.log()
"""
}
