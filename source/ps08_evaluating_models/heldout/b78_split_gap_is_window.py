"""Leaves a gap of `window` windows whatever gap is asked, which fits the visible example only because there gap equals window."""

MISTAKE = "gap hard-coded to the window"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = len(series) - window
    X = torch.stack([series[i : i + window] for i in range(n)]).unsqueeze(-1)
    y = torch.stack([series[i + window] for i in range(n)])
    n_train = n - test_size - window
    return X[:n_train], y[:n_train], X[n - test_size:], y[n - test_size:]
"""
}
