"""Exercise 1: h_n takes each layer's state after the first step (states[0]) instead of the last."""

EXPECT = {"lose": ["manual_rnn"]}
EDITS = {"manual_rnn": [("finals.append(h)", "finals.append(states[0])")]}
