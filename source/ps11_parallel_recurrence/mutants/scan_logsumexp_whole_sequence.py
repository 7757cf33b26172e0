"""Exercise 1, wrong: a log-sum-exp over the whole sequence (torch.logsumexp) where a cumulative one is
needed: every step adds up the terms of all steps, the later ones too, as if h_t knew the future."""

EXPECT = {"lose": ["log_scan"]}
EDITS = {"log_scan": [("torch.logcumsumexp(log_b - s, dim=1)", "torch.logsumexp(log_b - s, dim=1, keepdim=True)")]}
