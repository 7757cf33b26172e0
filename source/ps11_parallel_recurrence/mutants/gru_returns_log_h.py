"""Exercise 2, wrong: returns the scan's result, log h, without taking its exponential."""

EXPECT = {"lose": ["min_gru"]}
EDITS = {"min_gru": [("h = torch.exp(log_h)", "h = log_h")]}
