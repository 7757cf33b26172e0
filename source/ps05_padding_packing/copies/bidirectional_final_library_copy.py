"""Library copy of bidirectional_final: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nothing in the package picks each
direction's final output by length; the closest is rnnlab.stacking.h_n_layout, which says where each
direction's final state sits in h_n."""

LIBRARY = {"rnnlab.stacking.h_n_layout": "bidirectional_final"}
EXPECT = {"lose": ["bidirectional_final"]}
CELLS = {"bidirectional_final": "{library}"}
