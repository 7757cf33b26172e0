"""Exercise 1, wrong: takes log(x + y) for log x + log y, so the joined B is the product A2 B1 B2."""

EXPECT = {"lose": ["log_join"]}
EDITS = {"log_join": [("torch.logaddexp(log_A2 + log_B1, log_B2)", "log_A2 + log_B1 + log_B2")]}
