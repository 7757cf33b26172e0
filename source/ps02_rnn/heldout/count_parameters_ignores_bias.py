"""Always counts the two bias vectors, even when bias=False."""

MISTAKE = "bias=False ignored (biases always counted)"
EXPECT = {"lose": ["count_parameters"]}
CELLS = {
    "count_parameters": '''def count_parameters(input_size, hidden_size, num_layers=1, bidirectional=False, bias=True):
    """The number of parameters of nn.RNN with these arguments, as an int."""
    dirs = 2 if bidirectional else 1
    n = 0
    for k in range(num_layers):
        inp = input_size if k == 0 else dirs * hidden_size
        n += dirs * (hidden_size * inp + hidden_size * hidden_size + 2 * hidden_size)
    return n
'''
}
