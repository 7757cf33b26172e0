"""Exercise 2, wrong: every layer given input_size as its input width, as if each read the
input sequence."""

EXPECT = {"lose": ["lstm_param_count"]}
EDITS = {
    "lstm_param_count": [
        ("layer_input = input_size if layer == 0 else directions * h_size", "layer_input = input_size")
    ]
}
