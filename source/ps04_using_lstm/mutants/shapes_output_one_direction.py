"""Exercise 1, wrong: the output of a bidirectional LSTM given the features of one direction only
(H_out), where it holds both directions side by side (2 * H_out)."""

EXPECT = {"lose": ["lstm_output_shapes"]}
EDITS = {"lstm_output_shapes": [("    features = directions * h_out", "    features = h_out")]}
