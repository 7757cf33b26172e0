"""The first dimension of h_n is num_layers, forgetting to multiply by the number of directions."""

MISTAKE = "h_n first dimension ignores bidirectional"
EXPECT = {"lose": ["rnn_shapes"]}
CELLS = {
    "rnn_shapes": '''def rnn_shapes(input_size, hidden_size, num_layers, bidirectional, batch_first, seq_len, batch):
    """(shape of output, shape of h_n) of such an nn.RNN, each a tuple of ints."""
    features = hidden_size * (2 if bidirectional else 1)
    output_shape = (batch, seq_len, features) if batch_first else (seq_len, batch, features)
    return output_shape, (num_layers, batch, hidden_size)
'''
}
