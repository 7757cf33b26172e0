"""Counts only one bias vector per direction and layer, although PyTorch has both bias_ih and bias_hh."""

MISTAKE = "only one bias counted"
EXPECT = {"lose": ["lstm_param_count"]}
CELLS = {
    "lstm_param_count": """def lstm_param_count(input_size, hidden_size, num_layers=1, bidirectional=False, proj_size=0):
    d = 2 if bidirectional else 1
    h = proj_size if proj_size else hidden_size
    n = 0
    for layer in range(num_layers):
        inp = input_size if layer == 0 else h * d
        n += d * (4 * hidden_size * inp + 4 * hidden_size * h + 4 * hidden_size + (proj_size * hidden_size if proj_size else 0))
    return n
"""
}
