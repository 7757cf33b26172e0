"""Returns torch.Size objects instead of plain tuples of ints."""

MISTAKE = "returns torch.Size instead of tuple"
EXPECT = {"lose": ["rnn_shapes"]}
CELLS = {
    "rnn_shapes": '''def rnn_shapes(input_size, hidden_size, num_layers, bidirectional, batch_first, seq_len, batch):
    """(shape of output, shape of h_n) of such an nn.RNN, each a tuple of ints."""
    D = 2 if bidirectional else 1
    first, second = (batch, seq_len) if batch_first else (seq_len, batch)
    return torch.Size([first, second, D * hidden_size]), torch.Size([D * num_layers, batch, hidden_size])
'''
}
