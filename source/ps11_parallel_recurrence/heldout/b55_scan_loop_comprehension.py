"""Wrong: right values, but the log-sum-exp of every prefix is taken in a list comprehension over the steps, a Python loop in disguise."""

MISTAKE = "loop over steps hidden in a comprehension"
EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": '''def log_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a, log b (batch, seq_len, hidden) and log h0
    (batch, hidden) or None (h0 = 0), with no loop over the steps."""
    s = torch.cumsum(log_a, dim=1)
    v = log_b - s
    if log_h0 is not None:
        v = torch.cat([log_h0.unsqueeze(1), v], dim=1)
        s = torch.cat([torch.zeros_like(s[:, :1]), s], dim=1)
    lse = torch.stack([torch.logsumexp(v[:, : t + 1], dim=1) for t in range(v.shape[1])], dim=1)
    out = s + lse
    return out if log_h0 is None else out[:, 1:]
'''
}
