"""Computes the count with numpy and returns a numpy integer rather than a Python int."""

MISTAKE = "numpy int instead of Python int"
EXPECT = {"lose": ["lstm_param_count"]}
CELLS = {
    "lstm_param_count": """import numpy as np

def lstm_param_count(input_size, hidden_size, num_layers=1, bidirectional=False, proj_size=0):
    dirs = 2 if bidirectional else 1
    out_size = proj_size if proj_size > 0 else hidden_size
    shapes = []
    for layer in range(num_layers):
        in_size = input_size if layer == 0 else dirs * out_size
        for _ in range(dirs):
            shapes += [(4 * hidden_size, in_size), (4 * hidden_size, out_size), (4 * hidden_size,), (4 * hidden_size,)]
            if proj_size > 0:
                shapes.append((proj_size, hidden_size))
    return np.sum([np.prod(s) for s in shapes])
"""
}
