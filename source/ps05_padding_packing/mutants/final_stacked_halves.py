"""Exercise 2, wrong: the two halves stacked along a new dimension, (2, batch, hidden), like
h_n's directions, instead of side by side."""

EXPECT = {"lose": ["bidirectional_final"]}
EDITS = {"bidirectional_final": [("torch.cat([forward, backward], dim=1)", "torch.stack([forward, backward])")]}
