"""Exercise 2, wrong: never uses log_h0, so every row starts from h0 = 0 (right only for log_h0=None)."""

EXPECT = {"lose": ["reset_scan"]}
EDITS = {"reset_scan": [("    return torch.logaddexp(log_A + log_h0.unsqueeze(1), log_B)", "    return log_B")]}
