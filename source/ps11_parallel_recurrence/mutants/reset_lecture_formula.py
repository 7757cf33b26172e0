"""Exercise 2, wrong: the lecture's log-space formula (a cumulative sum of log a, a cumulative
log-sum-exp of log b - s), written out. Right on a row with no boundary; after the first -inf of log_a,
s is -inf, log b - s is +inf, and s plus that is NaN at every later step."""

EXPECT = {"lose": ["reset_scan"]}
CELLS = {
    "reset_scan": """
def reset_scan(log_a, log_b, log_h0=None):
    s = torch.cumsum(log_a, dim=1)
    inner = torch.logcumsumexp(log_b - s, dim=1)
    if log_h0 is not None:
        inner = torch.logaddexp(inner, log_h0.unsqueeze(1))
    return s + inner
"""
}
