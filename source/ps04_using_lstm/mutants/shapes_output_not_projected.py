"""Exercise 1: output given hidden_size features per direction even with proj_size > 0, as if
only h_n were projected."""

EXPECT = {"lose": ["lstm_output_shapes"]}
EDITS = {"lstm_output_shapes": [("features = directions * h_out", "features = directions * hidden_size")]}
