"""Exercise 4, wrong: W_hh's gradient as h_(t-1)^T delta_t, the transpose of the right one (the shapes
agree, W_hh being square)."""

EXPECT = {"lose": ["rnn_backward"]}
EDITS = {"rnn_backward": [("dW_hh += delta.T @ h[t - 1]", "dW_hh += h[t - 1].T @ delta")]}
