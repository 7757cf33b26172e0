"""Exercise 1: the pre-activations read in the order f, i, g, o (the forget gate first, as many
diagrams draw it) instead of PyTorch's i, f, g, o; the backward pass follows the same order."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {
    "lstm_step_backward": [
        ("z_i, z_f, z_g, z_o = z.chunk(4, dim=1)", "z_f, z_i, z_g, z_o = z.chunk(4, dim=1)"),
        (
            "dz = torch.cat([d_i * i * (1 - i), d_f * f * (1 - f),",
            "dz = torch.cat([d_f * f * (1 - f), d_i * i * (1 - i),",
        ),
    ]
}
