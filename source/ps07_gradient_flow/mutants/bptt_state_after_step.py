"""Exercise 4, wrong: W_hh's term of step t uses h_t, the state the step produced, instead of
h_(t-1), the state it read (off by one step)."""

EXPECT = {"lose": ["rnn_backward"]}
EDITS = {"rnn_backward": [("dW_hh += delta.T @ h[t - 1]", "dW_hh += delta.T @ h[t]")]}
