"""Exercise 1: the candidate g passed through a sigmoid in the forward pass, with the tanh
derivative (1 - g^2) of the hint left in the backward pass."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {"lstm_step_backward": [("torch.tanh(z_g)", "torch.sigmoid(z_g)")]}
