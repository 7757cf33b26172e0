"""Exercise 4, wrong: W_hh's term at a step made with the hidden state the step produced, not the one
it read."""

EXPECT = {"lose": ["lstm_sequence_grads"]}
EDITS = {"lstm_sequence_grads": [("dW_hh += dz.T @ h[t - 1]", "dW_hh += dz.T @ h[t]")]}
