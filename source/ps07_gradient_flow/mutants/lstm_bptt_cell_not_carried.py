"""Exercise 4, wrong: the cell's gradient built from the hidden state's alone, nothing carried back
along the cells from the later steps (the loss never reads a cell, so it looks as if none came)."""

EXPECT = {"lose": ["lstm_sequence_grads"]}
EDITS = {"lstm_sequence_grads": [("dc = dc_later + dh * o * (1 - tanh_c ** 2)", "dc = dh * o * (1 - tanh_c ** 2)")]}
