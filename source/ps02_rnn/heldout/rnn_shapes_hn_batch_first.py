"""Applies batch_first to h_n too, returning (batch, num_layers * D, hidden) for a batch-first layer; h_n is never batch first."""

MISTAKE = "h_n laid out batch first when batch_first=True"
EXPECT = {"lose": ["rnn_shapes"]}
CELLS = {
    "rnn_shapes": '''def rnn_shapes(input_size, hidden_size, num_layers, bidirectional, batch_first, seq_len, batch):
    """(shape of output, shape of h_n) of such an nn.RNN, each a tuple of ints."""
    d = 2 if bidirectional else 1
    if batch_first:
        return (batch, seq_len, d * hidden_size), (batch, num_layers * d, hidden_size)
    return (seq_len, batch, d * hidden_size), (num_layers * d, batch, hidden_size)
'''
}
