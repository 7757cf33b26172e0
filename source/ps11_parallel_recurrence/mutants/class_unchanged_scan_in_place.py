"""Exercise 1, wrong: subtracts s from log_b in place (to save a tensor), so the caller's log_b is
changed: the values returned are right."""

INPUT_CLASS = "unchanged"
EXPECT = {"lose": ["log_scan"], "output_has": "log_scan changed its input log_b"}
EDITS = {"log_scan": [("torch.logcumsumexp(log_b - s, dim=1)", "torch.logcumsumexp(log_b.sub_(s), dim=1)")]}
