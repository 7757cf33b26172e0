"""Library copy of lstm_output_shapes: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.widgets.lstm_shapes.lstm_shapes, the shape widget's table of output, h_n and c_n."""

LIBRARY = {"rnnlab.widgets.lstm_shapes.lstm_shapes": "lstm_output_shapes"}
EXPECT = {"lose": ["lstm_output_shapes"]}
CELLS = {"lstm_output_shapes": "{library}"}
