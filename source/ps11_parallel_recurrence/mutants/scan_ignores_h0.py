"""Exercise 1, wrong: never uses log_h0, so every sequence starts from h0 = 0 whatever state it is given
(right only for log_h0=None)."""

EXPECT = {"lose": ["log_scan"]}
EDITS = {
    "log_scan": [("    if log_h0 is not None:\n        inner = torch.logaddexp(inner, log_h0.unsqueeze(1))\n", "")]
}
