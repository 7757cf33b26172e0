"""Library copy of merge_directions: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest: rnnlab.stacking.h_n_layout,
the (layer, direction) order of h_n's rows that the exercise regroups."""

LIBRARY = {"rnnlab.stacking.h_n_layout": "merge_directions"}
EXPECT = {"lose": ["merge_directions"]}
CELLS = {"merge_directions": "{library}"}
