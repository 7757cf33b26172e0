"""Exercise 2, wrong: adds h0 to every step in full, without the decays A_t = a_1 ... a_t that the
recurrence multiplies it by (and so also after a boundary)."""

EXPECT = {"lose": ["reset_scan"]}
EDITS = {
    "reset_scan": [
        ("torch.logaddexp(log_A + log_h0.unsqueeze(1), log_B)", "torch.logaddexp(log_h0.unsqueeze(1), log_B)")
    ]
}
