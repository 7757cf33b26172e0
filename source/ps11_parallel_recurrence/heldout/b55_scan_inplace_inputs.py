"""Wrong: the first result is right, but it overwrites log_b in place (-=, out=), so the caller's tensor is changed, a second call on it is wrong, and autograd fails on leaves that need grad."""

MISTAKE = "in-place changes of the inputs"
EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": '''def log_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a, log b (batch, seq_len, hidden) and log h0
    (batch, hidden) or None (h0 = 0), with no loop over the steps."""
    s = torch.cumsum(log_a, dim=1)
    log_b -= s                                   # log b_k - s_k, reusing the buffer
    torch.logcumsumexp(log_b, dim=1, out=log_b)
    if log_h0 is not None:
        torch.logaddexp(log_b, log_h0.unsqueeze(1), out=log_b)
    return s + log_b
'''
}
