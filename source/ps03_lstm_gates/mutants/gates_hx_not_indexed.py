"""Exercise 2: h_0 and c_0 used with their layer dimension, (1, batch, hidden), instead of their
one layer's slice: with hx given, every result gets an extra dimension of size 1."""

EXPECT = {"lose": ["lstm_all_gates"]}
EDITS = {"lstm_all_gates": [("h, c = hx[0][0], hx[1][0]", "h, c = hx")]}
