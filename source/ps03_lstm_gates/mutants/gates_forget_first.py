"""Exercise 2, wrong: gate order f, i, g, o (the forget gate first)."""

EXPECT = {"lose": ["lstm_all_gates"]}
EDITS = {"lstm_all_gates": [("z_i, z_f, z_g, z_o = z.chunk(4, dim=1)", "z_f, z_i, z_g, z_o = z.chunk(4, dim=1)")]}
