"""Exercise 1: the pre-activations read in the order i, f, o, g in the forward pass, while the
backward pass puts the gradients side by side in the order i, f, g, o of the hint."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {"lstm_step_backward": [("z_i, z_f, z_g, z_o = z.chunk(4, dim=1)", "z_i, z_f, z_o, z_g = z.chunk(4, dim=1)")]}
