"""Exercise 2: hx unpacked as (c_0, h_0) instead of (h_0, c_0)."""

EXPECT = {"lose": ["lstm_all_gates"]}
EDITS = {"lstm_all_gates": [("h, c = hx[0][0], hx[1][0]", "c, h = hx[0][0], hx[1][0]")]}
