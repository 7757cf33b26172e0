"""Exercise 2: the reset mask read the wrong way round: the state kept where a new sequence begins
and zeroed where the stream carries on."""

EXPECT = {"lose": ["train_tbptt"]}
EDITS = {"train_tbptt": [("keep = (~resets[k])", "keep = (resets[k])")]}
