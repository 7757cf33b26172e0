"""Exercise 1, wrong: the cumulative log-sum-exp runs over the last dimension, the hidden units, instead
of over time (dim=1 of the batch-first layout): unit j of step t mixes the b of units 0..j of step t."""

EXPECT = {"lose": ["log_scan"]}
EDITS = {"log_scan": [("torch.logcumsumexp(log_b - s, dim=1)", "torch.logcumsumexp(log_b - s, dim=-1)")]}
