"""Exercise 2, wrong layout: the steps joined with torch.cat, (seq_len * batch, hidden), instead of
stacked along a new time dimension."""

EXPECT = {"lose": ["lstm_all_gates"]}
EDITS = {"lstm_all_gates": [("torch.stack(values)", "torch.cat(values)")]}
