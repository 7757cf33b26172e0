"""Exercise 1: the sigmoid's derivative s (1 - s) evaluated at the pre-activation z instead of at
the gate's value s = sigmoid(z)."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {
    "lstm_step_backward": [
        (
            "dz = torch.cat([d_i * i * (1 - i), d_f * f * (1 - f), d_g * (1 - g ** 2), d_o * o * (1 - o)], dim=1)",
            "dz = torch.cat([d_i * z_i * (1 - z_i), d_f * z_f * (1 - z_f), d_g * (1 - g ** 2), d_o * z_o * (1 - z_o)], dim=1)",
        )
    ]
}
