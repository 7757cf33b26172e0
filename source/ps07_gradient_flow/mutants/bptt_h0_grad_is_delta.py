"""Exercise 4, wrong: the gradient for h0 is delta_1, the first step's pre-activation gradient,
without the product with W_hh that carries it back to h_0."""

EXPECT = {"lose": ["rnn_backward"]}
EDITS = {"rnn_backward": [('"h0": from_later', '"h0": delta')]}
