"""Wrong: joins log_h0 (batch, hidden) to the (batch, seq_len, hidden) terms without a time dimension, so broadcasting lines batch up with time: right only for batch 1, an error or wrong values otherwise."""

MISTAKE = "log_h0 broadcast without unsqueeze(1)"
EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": '''def log_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a, log b (batch, seq_len, hidden) and log h0
    (batch, hidden) or None (h0 = 0), with no loop over the steps."""
    s = log_a.cumsum(dim=1)
    lse = (log_b - s).logcumsumexp(dim=1)
    if log_h0 is not None:
        lse = torch.logaddexp(log_h0, lse)
    return s + lse
'''
}
