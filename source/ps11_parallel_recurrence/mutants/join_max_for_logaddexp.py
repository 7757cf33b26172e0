"""Exercise 1, wrong: the larger of the two terms instead of the log of their sum (log-sum-exp read as a
maximum): close when one term dominates, off by up to log 2 when they are alike."""

EXPECT = {"lose": ["log_join"]}
EDITS = {"log_join": [("torch.logaddexp(log_A2 + log_B1, log_B2)", "torch.maximum(log_A2 + log_B1, log_B2)")]}
