"""Exercise 1: h_new = o * c_new, without the tanh, and the backward pass derived from that."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {
    "lstm_step_backward": [
        ("tanh_c = torch.tanh(c_new)", "tanh_c = c_new"),
        ("grad_h_new * o * (1 - tanh_c ** 2)", "grad_h_new * o"),
    ]
}
