"""Right values from an in-place Hillis-Steele scan on clones, but writing into B after logaddexp saved it breaks the backward pass."""

MISTAKE = "in-place writes break autograd"
EXPECT = {"lose": ["reset_scan"]}
CELLS = {
    "reset_scan": '''def reset_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a (-inf where a document begins), log b
    (batch, seq_len, hidden) and log h0 (batch, hidden) or None (h0 = 0), with no loop over the steps."""

    A = log_a.clone()
    B = log_b.clone()
    seq_len = log_a.shape[1]
    shift = 1
    while shift < seq_len:
        B[:, shift:] = torch.logaddexp(A[:, shift:] + B[:, :-shift], B[:, shift:])
        A[:, shift:] = A[:, shift:] + A[:, :-shift]
        shift *= 2
    if log_h0 is None:
        return B
    return torch.logaddexp(A + log_h0.unsqueeze(1), B)
'''
}
