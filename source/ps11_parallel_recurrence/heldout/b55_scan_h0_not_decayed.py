"""Wrong: adds the h0 term after the shift by s_t, so h0 is never multiplied by a_1...a_t (h_t = A_t-part + h0 instead of A_t h0 + ...)."""

MISTAKE = "h0 term not decayed by the product of a"
EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": '''def log_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a, log b (batch, seq_len, hidden) and log h0
    (batch, hidden) or None (h0 = 0), with no loop over the steps."""
    s = torch.cumsum(log_a, dim=1)
    log_h = s + torch.logcumsumexp(log_b - s, dim=1)
    if log_h0 is not None:
        # add the starting state
        log_h = torch.logaddexp(log_h, log_h0.unsqueeze(1))
    return log_h
'''
}
