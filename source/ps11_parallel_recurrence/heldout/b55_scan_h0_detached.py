"""Wrong: rebuilds log_h0 with torch.tensor(...) to fix its dtype, which copies it out of the graph, so no gradient reaches h0."""

MISTAKE = "torch.tensor copy detaches log_h0"
EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": '''def log_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a, log b (batch, seq_len, hidden) and log h0
    (batch, hidden) or None (h0 = 0), with no loop over the steps."""
    s = torch.cumsum(log_a, dim=1)
    log_sum = torch.logcumsumexp(log_b - s, dim=1)
    if log_h0 is not None:
        h0_term = torch.tensor(log_h0, dtype=log_a.dtype).unsqueeze(1)
        log_sum = torch.logaddexp(h0_term, log_sum)
    return s + log_sum
'''
}
