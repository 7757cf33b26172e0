"""Right: cumulative sum of log a, logcumsumexp of log b - s over time, the h0 term joined with logaddexp after unsqueezing a time dimension."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "log_scan": '''def log_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a, log b (batch, seq_len, hidden) and log h0
    (batch, hidden) or None (h0 = 0), with no loop over the steps."""
    s = torch.cumsum(log_a, dim=1)                      # s_t = log a_1 + ... + log a_t
    acc = torch.logcumsumexp(log_b - s, dim=1)          # logsumexp(log b_k - s_k, k <= t)
    if log_h0 is not None:
        acc = torch.logaddexp(acc, log_h0.unsqueeze(1))  # the h0 term, the same for every t
    return (s + acc).to(log_a.dtype)
'''
}
