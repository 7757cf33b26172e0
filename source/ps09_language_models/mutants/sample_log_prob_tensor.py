"""Exercise 3, wrong: the log-probabilities summed as tensors, so log_prob is a 0-d tensor, not
the Python float the exercise asks for."""

EXPECT = {"lose": ["sample_tokens"]}
EDITS = {"sample_tokens": [("log_prob += math.log(float(probs[token]))", "log_prob += torch.log(probs[token])")]}
