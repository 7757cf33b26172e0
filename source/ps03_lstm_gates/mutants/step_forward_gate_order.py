"""Exercise 1: the pre-activations read in the order i, f, o, g (the order of the equations in
many textbooks) instead of PyTorch's i, f, g, o; the backward pass follows the same order."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {
    "lstm_step_backward": [
        ("z_i, z_f, z_g, z_o = z.chunk(4, dim=1)", "z_i, z_f, z_o, z_g = z.chunk(4, dim=1)"),
        ("d_g * (1 - g ** 2), d_o * o * (1 - o)", "d_o * o * (1 - o), d_g * (1 - g ** 2)"),
    ]
}
