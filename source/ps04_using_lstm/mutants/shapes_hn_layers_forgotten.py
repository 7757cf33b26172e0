"""Exercise 1, wrong: h_n and c_n given one state per direction, the layers forgotten (their first
dimension is D, not D * num_layers)."""

EXPECT = {"lose": ["lstm_output_shapes"]}
EDITS = {
    "lstm_output_shapes": [
        ('"h_n": (directions * num_layers, h_out)', '"h_n": (directions, h_out)'),
        ('"c_n": (directions * num_layers, hidden_size)', '"c_n": (directions, hidden_size)'),
        ("h_n = (directions * num_layers, batch, h_out)", "h_n = (directions, batch, h_out)"),
        ("c_n = (directions * num_layers, batch, hidden_size)", "c_n = (directions, batch, hidden_size)"),
    ]
}
