"""A loop-free segment-wise log-sum-exp over a (t, k) mask, but the documents are found from row 0 only, as if the batch held one row."""

MISTAKE = "boundaries of the first row used for every row"
EXPECT = {"lose": ["reset_scan"]}
CELLS = {
    "reset_scan": '''def reset_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a (-inf where a document begins), log b
    (batch, seq_len, hidden) and log h0 (batch, hidden) or None (h0 = 0), with no loop over the steps."""

    batch, seq_len, hidden = log_a.shape
    cum = torch.cumsum(log_a.masked_fill(torch.isneginf(log_a), 0.0), dim=1)
    document = torch.cumsum(torch.isneginf(log_a[0, :, 0]).long(), dim=0)
    steps = torch.arange(seq_len)
    allowed = (document[:, None] == document[None, :]) & (steps[None, :] <= steps[:, None])
    terms = (log_b - cum).unsqueeze(1).expand(batch, seq_len, seq_len, hidden)
    terms = terms.masked_fill(~allowed[None, :, :, None], float("-inf"))
    log_h = cum + torch.logsumexp(terms, dim=2)
    if log_h0 is None:
        return log_h
    from_h0 = (log_h0.unsqueeze(1) + cum).masked_fill((document != 0)[None, :, None], float("-inf"))
    return torch.logaddexp(from_h0, log_h)
'''
}
