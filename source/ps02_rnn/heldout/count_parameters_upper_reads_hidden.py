"""Layers above the first are counted as reading hidden_size features, not num_directions * hidden_size, so bidirectional stacks are undercounted."""

MISTAKE = "upper layers of a bidirectional stack read hidden, not 2*hidden"
EXPECT = {"lose": ["count_parameters"]}
CELLS = {
    "count_parameters": '''def count_parameters(input_size, hidden_size, num_layers=1, bidirectional=False, bias=True):
    """The number of parameters of nn.RNN with these arguments, as an int."""
    num_directions = 2 if bidirectional else 1
    b = 2 * hidden_size if bias else 0
    first = hidden_size * (input_size + hidden_size) + b
    upper = hidden_size * (hidden_size + hidden_size) + b
    return num_directions * (first + (num_layers - 1) * upper)
'''
}
