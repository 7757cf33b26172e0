"""Exercise 1, wrong: the padded scores set to 0 before the softmax instead of -inf, so padding
keeps a share of the weight (a score of 0 is not a probability of 0)."""

EXPECT = {"lose": ["attention_weights"]}
EDITS = {"attention_weights": [('scores.masked_fill(~real, float("-inf"))', "scores.masked_fill(~real, 0.0)")]}
