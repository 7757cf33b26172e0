"""Exercise 1: the candidate g passed through a sigmoid in the forward pass, like the three gates,
and differentiated as a sigmoid to match: the whole step is that of another cell."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {"lstm_step_backward": [("torch.tanh(z_g)", "torch.sigmoid(z_g)"), ("d_g * (1 - g ** 2)", "d_g * g * (1 - g)")]}
