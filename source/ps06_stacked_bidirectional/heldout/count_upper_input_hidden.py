"""Uses hidden_size as the input size of layers 1 and above, forgetting that a bidirectional layer feeds both directions side by side (2 * hidden) to the next layer."""

MISTAKE = "upper layer input size ignores directions"
EXPECT = {"lose": ["lstm_param_count"]}
CELLS = {
    "lstm_param_count": """def lstm_param_count(input_size, hidden_size, num_layers=1, bidirectional=False, proj_size=0):
    num_dirs = 2 if bidirectional else 1
    h = proj_size if proj_size > 0 else hidden_size
    total = 0
    for layer in range(num_layers):
        in_size = input_size if layer == 0 else h
        per_direction = 4 * hidden_size * (in_size + h) + 8 * hidden_size
        if proj_size > 0:
            per_direction += proj_size * hidden_size
        total += num_dirs * per_direction
    return total
"""
}
