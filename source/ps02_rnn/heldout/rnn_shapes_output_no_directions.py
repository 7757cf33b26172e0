"""The output's feature size is hidden_size even for a bidirectional layer; it should be 2 * hidden_size (both directions concatenated)."""

MISTAKE = "output features not multiplied by the number of directions"
EXPECT = {"lose": ["rnn_shapes"]}
CELLS = {
    "rnn_shapes": '''def rnn_shapes(input_size, hidden_size, num_layers, bidirectional, batch_first, seq_len, batch):
    """(shape of output, shape of h_n) of such an nn.RNN, each a tuple of ints."""
    num_directions = 2 if bidirectional else 1
    out = (batch, seq_len, hidden_size) if batch_first else (seq_len, batch, hidden_size)
    h_n = (num_layers * num_directions, batch, hidden_size)
    return out, h_n
'''
}
