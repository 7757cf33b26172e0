"""Exercise 2, wrong: with a projection, weight_hh still counted with hidden_size columns,
although it reads the projected h of proj_size numbers."""

EXPECT = {"lose": ["lstm_param_count_hidden"]}
EDITS = {
    "lstm_param_count": [
        ("one = 4 * hidden_size * (layer_input + h_size)", "one = 4 * hidden_size * (layer_input + hidden_size)")
    ]
}
