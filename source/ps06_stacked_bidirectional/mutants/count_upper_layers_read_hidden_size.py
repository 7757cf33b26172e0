"""Exercise 2, wrong: with a projection, the layers above the first given directions *
hidden_size inputs, although the layer below hands on its projected h of proj_size numbers."""

EXPECT = {"lose": ["lstm_param_count_hidden"]}
EDITS = {"lstm_param_count": [("else directions * h_size", "else directions * hidden_size")]}
