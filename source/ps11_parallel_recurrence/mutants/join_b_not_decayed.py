"""Exercise 1, wrong: adds the two B without the later stretch's A, as if the earlier state did not fade
over the later steps."""

EXPECT = {"lose": ["log_join"]}
EDITS = {"log_join": [("torch.logaddexp(log_A2 + log_B1, log_B2)", "torch.logaddexp(log_B1, log_B2)")]}
