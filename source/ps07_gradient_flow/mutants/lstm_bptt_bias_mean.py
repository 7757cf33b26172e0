"""Exercise 4, wrong: the biases' gradients averaged over the batch instead of summed (the loss is a
sum over the batch)."""

EXPECT = {"lose": ["lstm_sequence_grads"]}
EDITS = {"lstm_sequence_grads": [("db += dz.sum(0)", "db += dz.mean(0)")]}
