"""Exercise 1, wrong: the joined A as the sum of the two A (a log-add-exp) where the map composes them into
a product (a sum of logs)."""

EXPECT = {"lose": ["log_join"]}
EDITS = {"log_join": [("return log_A1 + log_A2,", "return torch.logaddexp(log_A1, log_A2),")]}
