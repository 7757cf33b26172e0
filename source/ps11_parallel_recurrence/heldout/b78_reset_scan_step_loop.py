"""Right values, but a Python loop over the steps, which the exercise forbids."""

MISTAKE = "Python loop over the steps"
EXPECT = {"lose": ["reset_scan"]}
CELLS = {
    "reset_scan": '''def reset_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a (-inf where a document begins), log b
    (batch, seq_len, hidden) and log h0 (batch, hidden) or None (h0 = 0), with no loop over the steps."""

    outputs = []
    h = log_h0
    for t in range(log_a.shape[1]):
        if h is None:
            h = log_b[:, t]
        else:
            h = torch.logaddexp(log_a[:, t] + h, log_b[:, t])
        outputs.append(h)
    return torch.stack(outputs, dim=1)
'''
}
