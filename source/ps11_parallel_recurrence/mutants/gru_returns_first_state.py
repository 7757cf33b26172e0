"""Exercise 2, wrong: returns h[:, 0], the state after the first step, as the last state (in the
batch-first layout the last step is h[:, -1])."""

EXPECT = {"lose": ["min_gru"]}
EDITS = {"min_gru": [("        return h, h[:, -1]", "        return h, h[:, 0]")]}
