"""Returns the shapes as lists, [seq_len, batch, features], instead of tuples of ints."""

MISTAKE = "shapes returned as lists instead of tuples"
EXPECT = {"lose": ["rnn_shapes"]}
CELLS = {
    "rnn_shapes": '''def rnn_shapes(input_size, hidden_size, num_layers, bidirectional, batch_first, seq_len, batch):
    """(shape of output, shape of h_n) of such an nn.RNN, each a tuple of ints."""
    dirs = 2 if bidirectional else 1
    output_shape = [seq_len, batch, dirs * hidden_size]
    if batch_first:
        output_shape[0], output_shape[1] = output_shape[1], output_shape[0]
    h_n_shape = [num_layers * dirs, batch, hidden_size]
    return output_shape, h_n_shape
'''
}
