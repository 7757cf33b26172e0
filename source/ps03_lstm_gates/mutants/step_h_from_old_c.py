"""Exercise 1: h_new computed from the old cell state, o * tanh(c), instead of the new one; the
backward pass uses that tanh too."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {"lstm_step_backward": [("    tanh_c = torch.tanh(c_new)", "    tanh_c = torch.tanh(c)")]}
