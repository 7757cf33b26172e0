"""Exercise 4, wrong: the candidate n squashed with a sigmoid like the two gates, not with tanh."""

EXPECT = {"lose": ["gru_forward"]}
EDITS = {"gru_forward": [("n = torch.tanh(i_n + r * h_n)", "n = torch.sigmoid(i_n + r * h_n)")]}
