"""Library copy of rnn_shapes: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.cheatsheet.shape_rows, the
cheat sheet's table of output and h_n shapes."""

LIBRARY = {"rnnlab.cheatsheet.shape_rows": "rnn_shapes"}
EXPECT = {"lose": ["rnn_shapes"]}
CELLS = {"rnn_shapes": "{library}"}
