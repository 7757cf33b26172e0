"""Counts one bias vector per layer and direction (hidden) instead of two (bias_ih and bias_hh)."""

MISTAKE = "one bias vector instead of two"
EXPECT = {"lose": ["count_parameters"]}
CELLS = {
    "count_parameters": '''def count_parameters(input_size, hidden_size, num_layers=1, bidirectional=False, bias=True):
    """The number of parameters of nn.RNN with these arguments, as an int."""
    D = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        n_in = input_size if layer == 0 else D * hidden_size
        total += D * (hidden_size * n_in + hidden_size * hidden_size + (hidden_size if bias else 0))
    return total
'''
}
