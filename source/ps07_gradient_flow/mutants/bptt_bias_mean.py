"""Exercise 4, wrong: the biases' gradients averaged over the batch instead of summed: right for a
batch of one only."""

EXPECT = {"lose": ["rnn_backward"]}
EDITS = {"rnn_backward": [("db += delta.sum(0)", "db += delta.mean(0)")]}
