"""Exercise 2, wrong layout: the steps stacked along dimension 1, (batch, seq_len, hidden)."""

EXPECT = {"lose": ["lstm_all_gates"]}
EDITS = {"lstm_all_gates": [("torch.stack(values)", "torch.stack(values, dim=1)")]}
