"""Exercise 2, wrong: takes the log of h0 in place (h0.log_(), to save a tensor), so the caller's h0
holds its logarithm afterwards: the states returned are right."""

INPUT_CLASS = "unchanged"
EXPECT = {"lose": ["min_gru"], "output_has": "MinGRU changed its input h0"}
EDITS = {"min_gru": [("torch.log(h0)", "h0.log_()")]}
