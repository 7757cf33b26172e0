"""Cuts the training set as X[:-(test_size + gap)], which with test_size and gap both 0 leaves no training windows instead of all."""

MISTAKE = "negative slice when test_size + gap is 0"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = len(series) - window
    X = torch.stack([series[i : i + window] for i in range(n)]).unsqueeze(-1)
    y = torch.stack([series[i + window] for i in range(n)])
    cut = test_size + gap
    return X[:-cut], y[:-cut], X[n - test_size:], y[n - test_size:]
"""
}
