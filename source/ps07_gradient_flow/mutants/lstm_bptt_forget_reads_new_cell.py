"""Exercise 4, wrong: the forget gate's gradient made with the cell state the step produced instead
of the one it read."""

EXPECT = {"lose": ["lstm_sequence_grads"]}
EDITS = {"lstm_sequence_grads": [("dc * c[t - 1] * f * (1 - f)", "dc * c[t] * f * (1 - f)")]}
