"""Correct: per layer and direction hidden*(layer input + hidden) + 2*hidden if bias; upper layers read D*hidden."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "count_parameters": '''def count_parameters(input_size, hidden_size, num_layers=1, bidirectional=False, bias=True):
    """The number of parameters of nn.RNN with these arguments, as an int."""
    D = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else D * hidden_size
        per_direction = hidden_size * (layer_input + hidden_size)
        if bias:
            per_direction += 2 * hidden_size
        total += D * per_direction
    return int(total)
'''
}
