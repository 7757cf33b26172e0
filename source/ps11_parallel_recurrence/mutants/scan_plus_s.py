"""Exercise 1, wrong: log b_k + s_k inside the log-sum-exp instead of log b_k - s_k, a sign slip: each
term is multiplied by the decays up to its own step where it must be divided by them."""

EXPECT = {"lose": ["log_scan"]}
EDITS = {"log_scan": [("torch.logcumsumexp(log_b - s, dim=1)", "torch.logcumsumexp(log_b + s, dim=1)")]}
