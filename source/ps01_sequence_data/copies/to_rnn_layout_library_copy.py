"""Library copy of to_rnn_layout: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nothing in the package rearranges a
tensor's dimensions by name; the closest is rnnlab.stacking.h_n_layout, which says where each layer
and direction sits in h_n."""

LIBRARY = {"rnnlab.stacking.h_n_layout": "to_rnn_layout"}
EXPECT = {"lose": ["to_rnn_layout"]}
CELLS = {"to_rnn_layout": "{library}"}
