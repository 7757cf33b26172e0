"""Leaves gap - 1 windows out (the training cut is one window late), so one training target is still a test input."""

MISTAKE = "gap one window short"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = len(series) - window
    X = torch.stack([series[i : i + window] for i in range(n)]).unsqueeze(-1)
    y = torch.stack([series[i + window] for i in range(n)])
    n_train = n - test_size - gap + 1
    return X[:n_train], y[:n_train], X[n - test_size:], y[n - test_size:]
"""
}
