"""Exercise 4, wrong: the pre-activations split as i, f, o, g, not PyTorch's i, f, g, o."""

EXPECT = {"lose": ["lstm_sequence_grads"]}
EDITS = {"lstm_sequence_grads": [("z_i, z_f, z_g, z_o = z.chunk(4, dim=1)", "z_i, z_f, z_o, z_g = z.chunk(4, dim=1)")]}
