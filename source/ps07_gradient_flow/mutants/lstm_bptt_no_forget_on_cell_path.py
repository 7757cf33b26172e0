"""Exercise 4, wrong: the cell's gradient passed back to the cell before unchanged, without the
product with the forget gate (c_t = f c_(t-1) + i g)."""

EXPECT = {"lose": ["lstm_sequence_grads"]}
EDITS = {"lstm_sequence_grads": [("dh_later, dc_later = dz @ W_hh, dc * f", "dh_later, dc_later = dz @ W_hh, dc")]}
