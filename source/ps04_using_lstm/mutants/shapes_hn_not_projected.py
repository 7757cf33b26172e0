"""Exercise 1, wrong: proj_size applied to output only; h_n keeps hidden_size features, though it
holds the same projected states as the output's last step."""

EXPECT = {"lose": ["lstm_output_shapes"]}
EDITS = {
    "lstm_output_shapes": [
        ('"h_n": (directions * num_layers, h_out)', '"h_n": (directions * num_layers, hidden_size)'),
        ("h_n = (directions * num_layers, batch, h_out)", "h_n = (directions * num_layers, batch, hidden_size)"),
    ]
}
