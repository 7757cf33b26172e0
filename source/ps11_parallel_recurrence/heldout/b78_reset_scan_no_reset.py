"""Removes the NaN by turning -inf into 0 (a = 1) before the lecture's formula, so a boundary carries everything instead of resetting."""

MISTAKE = "boundary turned into a = 1, no reset"
EXPECT = {"lose": ["reset_scan"]}
CELLS = {
    "reset_scan": '''def reset_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a (-inf where a document begins), log b
    (batch, seq_len, hidden) and log h0 (batch, hidden) or None (h0 = 0), with no loop over the steps."""

    log_a = torch.nan_to_num(log_a, neginf=0.0)
    a_star = torch.cumsum(log_a, dim=1)
    if log_h0 is not None:
        log_b = torch.cat([log_h0.unsqueeze(1), log_b], dim=1)
        a_star = torch.cat([torch.zeros_like(a_star[:, :1]), a_star], dim=1)
        return (a_star + torch.logcumsumexp(log_b - a_star, dim=1))[:, 1:]
    return a_star + torch.logcumsumexp(log_b - a_star, dim=1)
'''
}
