"""Exercise 4, wrong: the tanh derivative taken at the state the step read, 1 - h_(t-1)^2, instead of
at the state it produced, 1 - h_t^2."""

EXPECT = {"lose": ["rnn_backward"]}
EDITS = {"rnn_backward": [("* (1 - h[t] ** 2)", "* (1 - h[t - 1] ** 2)")]}
