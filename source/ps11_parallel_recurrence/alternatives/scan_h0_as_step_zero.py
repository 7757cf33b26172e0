"""Exercise 1, right, written differently: h0 put in front of the sequence as a step 0 of its own
(log a = 0 there, log b = log h0, or -inf for h0 = 0), one cumulative sum and one cumulative
log-sum-exp over the longer sequence, step 0 cut off again."""

EXPECT = {"full": True}
CELLS = {
    "log_scan": """
def log_scan(log_a, log_b, log_h0=None):
    batch, _, hidden = log_a.shape
    if log_h0 is None:
        log_h0 = torch.full((batch, hidden), float("-inf"), dtype=log_b.dtype)
    log_a = torch.cat([torch.zeros(batch, 1, hidden, dtype=log_a.dtype), log_a], dim=1)
    log_b = torch.cat([log_h0.unsqueeze(1), log_b], dim=1)
    s = log_a.cumsum(1)
    return (s + (log_b - s).logcumsumexp(1))[:, 1:]
"""
}
