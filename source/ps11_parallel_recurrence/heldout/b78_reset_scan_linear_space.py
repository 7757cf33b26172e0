"""A Hillis-Steele scan in linear space (exp, scan, log): h overflows to inf or underflows to 0 with log b near +-800."""

MISTAKE = "scan in linear space"
EXPECT = {"lose": ["reset_scan"]}
CELLS = {
    "reset_scan": '''def reset_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a (-inf where a document begins), log b
    (batch, seq_len, hidden) and log h0 (batch, hidden) or None (h0 = 0), with no loop over the steps."""

    A, B = log_a.exp(), log_b.exp()
    seq_len = log_a.shape[1]
    shift = 1
    while shift < seq_len:
        new_B = torch.cat([B[:, :shift], A[:, shift:] * B[:, :-shift] + B[:, shift:]], dim=1)
        A = torch.cat([A[:, :shift], A[:, shift:] * A[:, :-shift]], dim=1)
        B = new_B
        shift *= 2
    if log_h0 is not None:
        B = A * log_h0.exp().unsqueeze(1) + B
    return torch.log(B)
'''
}
