"""Wrong: runs cumsum over time but logcumsumexp over the last (hidden) dimension, so the sum never runs over earlier steps and mixes the units instead."""

MISTAKE = "logcumsumexp over the hidden dimension"
EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": '''def log_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a, log b (batch, seq_len, hidden) and log h0
    (batch, hidden) or None (h0 = 0), with no loop over the steps."""
    a_star = torch.cumsum(log_a, dim=1)
    log_h0_plus_b_star = torch.logcumsumexp(log_b - a_star, dim=-1)
    if log_h0 is not None:
        log_h0_plus_b_star = torch.logaddexp(log_h0_plus_b_star, log_h0.unsqueeze(1))
    return a_star + log_h0_plus_b_star
'''
}
