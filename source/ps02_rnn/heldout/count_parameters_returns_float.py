"""Uses a float factor for the directions (2.0 / 1.0), so the count comes back as a float instead of an int."""

MISTAKE = "returns a float instead of an int"
EXPECT = {"lose": ["count_parameters"]}
CELLS = {
    "count_parameters": '''def count_parameters(input_size, hidden_size, num_layers=1, bidirectional=False, bias=True):
    """The number of parameters of nn.RNN with these arguments, as an int."""
    directions = 2.0 if bidirectional else 1.0
    biases = 2 * hidden_size if bias else 0
    count = directions * (hidden_size * (input_size + hidden_size) + biases)
    count += (num_layers - 1) * directions * (hidden_size * (directions * hidden_size + hidden_size) + biases)
    return count
'''
}
