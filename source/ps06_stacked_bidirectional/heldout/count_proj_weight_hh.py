"""With projections, still sizes weight_hh and the next layer's input with hidden_size, although h then has proj_size numbers; only weight_hr is added."""

MISTAKE = "proj_size ignored in h's size"
EXPECT = {"lose": ["lstm_param_count"]}
CELLS = {
    "lstm_param_count": """def lstm_param_count(input_size, hidden_size, num_layers=1, bidirectional=False, proj_size=0):
    directions = 2 if bidirectional else 1
    count = 0
    for layer in range(num_layers):
        in_size = input_size if layer == 0 else directions * hidden_size
        one_direction = 4 * hidden_size * in_size + 4 * hidden_size * hidden_size + 2 * 4 * hidden_size
        if proj_size > 0:
            one_direction += proj_size * hidden_size
        count += directions * one_direction
    return count
"""
}
