"""Wrong: casts everything to float32 "for speed", so float64 inputs come back as float32 and lose precision."""

MISTAKE = "float32 cast, dtype not kept"
EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": '''def log_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a, log b (batch, seq_len, hidden) and log h0
    (batch, hidden) or None (h0 = 0), with no loop over the steps."""
    log_a = log_a.float()
    log_b = log_b.float()
    s = torch.cumsum(log_a, 1)
    out = torch.logcumsumexp(log_b - s, 1)
    if log_h0 is not None:
        out = torch.logaddexp(out, log_h0.float().unsqueeze(1))
    return s + out
'''
}
