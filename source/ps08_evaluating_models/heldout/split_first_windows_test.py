"""Takes the first test_size windows as the test set and the later ones for training, the reverse of the required chronological split (training targets come from after the test period)."""

MISTAKE = "test set taken from the start"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size):
    n = len(series) - window
    X = torch.stack([series[i:i + window] for i in range(n)]).unsqueeze(-1)
    y = torch.stack([series[i + window] for i in range(n)])
    return X[test_size:], y[test_size:], X[:test_size], y[:test_size]
"""
}
