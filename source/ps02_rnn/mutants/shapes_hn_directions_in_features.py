"""Exercise 2: h_n given output's features (num_directions * hidden_size) and one state per layer,
as if the two directions' final states were side by side like output's."""

EXPECT = {"lose": ["rnn_shapes"]}
EDITS = {
    "rnn_shapes": [
        ("h_n_shape = (num_layers * directions, batch, hidden_size)", "h_n_shape = (num_layers, batch, features)")
    ]
}
