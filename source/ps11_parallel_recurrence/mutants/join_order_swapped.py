"""Exercise 1, wrong: applies the stretches in the other order, the later one's A to the earlier one's B
(the lecture shows that joining is associative, not commutative)."""

EXPECT = {"lose": ["log_join"]}
EDITS = {"log_join": [("torch.logaddexp(log_A2 + log_B1, log_B2)", "torch.logaddexp(log_A1 + log_B2, log_B1)")]}
