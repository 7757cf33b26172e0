"""Correct: D = 2 if bidirectional; output follows batch_first, h_n never does."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "rnn_shapes": '''def rnn_shapes(input_size, hidden_size, num_layers, bidirectional, batch_first, seq_len, batch):
    """(shape of output, shape of h_n) of such an nn.RNN, each a tuple of ints."""
    D = 2 if bidirectional else 1
    if batch_first:
        output_shape = (batch, seq_len, D * hidden_size)
    else:
        output_shape = (seq_len, batch, D * hidden_size)
    h_n_shape = (D * num_layers, batch, hidden_size)
    return output_shape, h_n_shape
'''
}
