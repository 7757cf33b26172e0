"""Sizes weight_hh with proj_size but still gives layers 1 and above an input of directions * hidden_size instead of directions * proj_size when projections are used."""

MISTAKE = "upper layer input ignores proj_size"
EXPECT = {"lose": ["lstm_param_count"]}
CELLS = {
    "lstm_param_count": """def lstm_param_count(input_size, hidden_size, num_layers=1, bidirectional=False, proj_size=0):
    dirs = 2 if bidirectional else 1
    real_h = proj_size if proj_size > 0 else hidden_size
    total = 0
    for l in range(num_layers):
        if l == 0:
            in_size = input_size
        else:
            in_size = dirs * hidden_size
        w_ih = 4 * hidden_size * in_size
        w_hh = 4 * hidden_size * real_h
        biases = 2 * 4 * hidden_size
        w_hr = proj_size * hidden_size
        total += dirs * (w_ih + w_hh + biases + w_hr)
    return total
"""
}
