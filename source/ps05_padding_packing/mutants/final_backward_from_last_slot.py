"""Exercise 2, wrong: the backward half taken from the last slot of output (where the forward
direction ends) instead of step 0."""

EXPECT = {"lose": ["bidirectional_final"]}
EDITS = {"bidirectional_final": [("backward = output[0, :, hidden:]", "backward = output[-1, :, hidden:]")]}
