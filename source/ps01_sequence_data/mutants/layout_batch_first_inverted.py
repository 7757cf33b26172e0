"""Exercise 3: batch_first read the wrong way round: batch first when it is False, time first
when it is True."""

EXPECT = {"lose": ["to_rnn_layout"]}
EDITS = {"to_rnn_layout": [('target = "BTF" if batch_first else "TBF"', 'target = "TBF" if batch_first else "BTF"')]}
