"""Builds an nn.LSTM and sums the sizes of its parameters, which the exercise forbids: the count must come from the weight shapes."""

MISTAKE = "builds an nn.LSTM to count"
EXPECT = {"lose": ["lstm_param_count"]}
CELLS = {
    "lstm_param_count": """def lstm_param_count(input_size, hidden_size, num_layers=1, bidirectional=False, proj_size=0):
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional, proj_size=proj_size)
    return int(sum(p.numel() for p in lstm.parameters()))
"""
}
