"""Exercise 1, off by one in time: the loop stops one step early (range(seq_len - 1)), so output
has one step too few and h_n is every layer's state after the step before the last."""

EXPECT = {"lose": ["manual_rnn"]}
EDITS = {"manual_rnn": [("for t in range(seq_len):", "for t in range(seq_len - 1):")]}
