"""A right answer, written as a Hillis-Steele scan over (log A, log B) pairs with a log-space join, h0 applied at the end."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "reset_scan": '''def reset_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a (-inf where a document begins), log b
    (batch, seq_len, hidden) and log h0 (batch, hidden) or None (h0 = 0), with no loop over the steps."""

    def join(earlier, later):
        return earlier[0] + later[0], torch.logaddexp(later[0] + earlier[1], later[1])

    log_A, log_B = log_a, log_b
    seq_len = log_a.shape[1]
    shift = 1
    while shift < seq_len:
        joined_A, joined_B = join((log_A[:, :-shift], log_B[:, :-shift]), (log_A[:, shift:], log_B[:, shift:]))
        log_A = torch.cat([log_A[:, :shift], joined_A], dim=1)
        log_B = torch.cat([log_B[:, :shift], joined_B], dim=1)
        shift *= 2

    if log_h0 is None:
        return log_B
    return torch.logaddexp(log_A + log_h0.unsqueeze(1), log_B)
'''
}
