"""Exercise 1: the whole h_0, with its layer dimension, used as every layer's start state instead
of h_0[k]: the layer dimension broadcasts into the results."""

EXPECT = {"lose": ["manual_rnn"]}
EDITS = {"manual_rnn": [("if h_0 is None else h_0[k]", "if h_0 is None else h_0")]}
