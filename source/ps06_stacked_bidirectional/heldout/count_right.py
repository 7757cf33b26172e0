"""A correct answer: loop over layers, count one direction from the weight shapes and multiply by the number of directions."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "lstm_param_count": '''def lstm_param_count(input_size, hidden_size, num_layers=1, bidirectional=False, proj_size=0):
    """Number of parameters of the corresponding nn.LSTM, as an int."""
    dirs = 2 if bidirectional else 1
    h_size = proj_size if proj_size > 0 else hidden_size
    total = 0
    for layer in range(num_layers):
        layer_in = input_size if layer == 0 else dirs * h_size
        one = 4 * hidden_size * layer_in + 4 * hidden_size * h_size + 2 * 4 * hidden_size
        if proj_size > 0:
            one += proj_size * hidden_size
        total += dirs * one
    return int(total)
'''
}
