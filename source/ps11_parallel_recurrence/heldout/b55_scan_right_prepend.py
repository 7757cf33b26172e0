"""Right: treats log h0 as an extra step 0 (with s_0 = 0), concatenates it in front along time, takes one logcumsumexp and drops step 0."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "log_scan": '''def log_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a, log b (batch, seq_len, hidden) and log h0
    (batch, hidden) or None (h0 = 0), with no loop over the steps."""
    dtype = log_a.dtype
    a_star = log_a.cumsum(1)
    terms = log_b.to(dtype) - a_star
    if log_h0 is None:
        return a_star + terms.logcumsumexp(1)
    # h0 is step 0: its own s is 0, so its term is just log h0
    terms = torch.cat([log_h0.to(dtype)[:, None, :], terms], dim=1)
    total = terms.logcumsumexp(1)[:, 1:]
    return a_star + total
'''
}
