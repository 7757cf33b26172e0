"""Exercise 4, wrong: the hidden state's gradient taken from the loss alone, without what the next
step sends back through W_hh."""

EXPECT = {"lose": ["lstm_sequence_grads"]}
EDITS = {"lstm_sequence_grads": [("dh = grad_output[t - 1] + dh_later", "dh = grad_output[t - 1]")]}
