"""Does not count the second direction at all: a bidirectional RNN gets the parameter count of a one-direction one."""

MISTAKE = "bidirectional ignored"
EXPECT = {"lose": ["count_parameters"]}
CELLS = {
    "count_parameters": '''def count_parameters(input_size, hidden_size, num_layers=1, bidirectional=False, bias=True):
    """The number of parameters of nn.RNN with these arguments, as an int."""
    total = 0
    in_features = input_size
    for _ in range(num_layers):
        total += hidden_size * in_features + hidden_size * hidden_size
        if bias:
            total += 2 * hidden_size
        in_features = hidden_size
    return total
'''
}
