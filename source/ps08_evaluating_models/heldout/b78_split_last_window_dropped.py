"""Makes len(series) - window - 1 windows (range stops one early), so the last window, whose target is the last value, is never made."""

MISTAKE = "last window left out"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = len(series) - window - 1
    X = torch.stack([series[i : i + window] for i in range(n)]).unsqueeze(-1)
    y = torch.stack([series[i + window] for i in range(n)])
    n_train = n - test_size - gap
    return X[:n_train], y[:n_train], X[n - test_size:], y[n - test_size:]
"""
}
