"""Exercise 2: the per-stream mask shaped (batch, 1, 1), as if the state were batch first, so it
broadcasts against the layers instead of the streams of (num_layers, batch, hidden_size)."""

EXPECT = {"lose": ["train_tbptt"]}
EDITS = {"train_tbptt": [(".view(1, -1, 1)", ".view(-1, 1, 1)")]}
