"""Wrong: subtracts the exclusive cumulative sum s_{k-1} from log b_k, so each b_k is also multiplied by its own a_k (h_t = a_t (h_{t-1} + b_t))."""

MISTAKE = "cumsum shifted by one step"
EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": '''def log_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a, log b (batch, seq_len, hidden) and log h0
    (batch, hidden) or None (h0 = 0), with no loop over the steps."""
    s = torch.cumsum(log_a, dim=1)
    s_before = s - log_a                      # s_{t-1}: the product of the a's before step t
    terms = log_b - s_before
    if log_h0 is not None:
        terms = torch.cat([log_h0.unsqueeze(1), terms], dim=1)
        return s + torch.logcumsumexp(terms, dim=1)[:, 1:]
    return s + torch.logcumsumexp(terms, dim=1)
'''
}
