"""Exercise 2: the candidate g passed through a sigmoid like the three gates, not a tanh."""

EXPECT = {"lose": ["lstm_all_gates"]}
EDITS = {"lstm_all_gates": [("torch.tanh(z_g)", "torch.sigmoid(z_g)")]}
