"""A right answer, written with h0 folded into the first step's b and levels that pad the shifted sequence with the identity stretch (log A = 0, log B = -inf)."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "reset_scan": '''def reset_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a (-inf where a document begins), log b
    (batch, seq_len, hidden) and log h0 (batch, hidden) or None (h0 = 0), with no loop over the steps."""

    batch, seq_len, hidden = log_a.shape
    if log_h0 is not None:
        first = torch.logaddexp(log_a[:, :1] + log_h0.unsqueeze(1), log_b[:, :1])
        log_b = torch.cat([first, log_b[:, 1:]], dim=1)
    A, B = log_a, log_b
    shift = 1
    while shift < seq_len:
        prev_A = torch.cat([A.new_zeros(batch, shift, hidden), A[:, :-shift]], dim=1)
        prev_B = torch.cat([B.new_full((batch, shift, hidden), float("-inf")), B[:, :-shift]], dim=1)
        B = torch.logaddexp(A + prev_B, B)
        A = A + prev_A
        shift *= 2
    return B
'''
}
