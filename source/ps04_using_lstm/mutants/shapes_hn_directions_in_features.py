"""Exercise 1: h_n and c_n given one state per layer of both directions side by side, as output
has, instead of one state per layer and direction."""

EXPECT = {"lose": ["lstm_output_shapes"]}
EDITS = {
    "lstm_output_shapes": [
        (
            "    h_n = (directions * num_layers, batch, h_out)\n    c_n = (directions * num_layers, batch, hidden_size)",
            "    h_n = (num_layers, batch, directions * h_out)\n    c_n = (num_layers, batch, directions * hidden_size)",
        )
    ]
}
