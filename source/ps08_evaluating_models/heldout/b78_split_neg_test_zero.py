"""Takes the test set as X[-test_size:], which with test_size 0 is every window instead of none."""

MISTAKE = "negative slice with test_size 0"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = len(series) - window
    X = torch.stack([series[i : i + window] for i in range(n)]).unsqueeze(-1)
    y = torch.stack([series[i + window] for i in range(n)])
    n_train = n - test_size - gap
    return X[:n_train], y[:n_train], X[-test_size:], y[-test_size:]
"""
}
