"""Returns inputs of shape (n, window), without the trailing feature dimension of size 1."""

MISTAKE = "inputs lack the last dimension"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = len(series) - window
    X = series.unfold(0, window, 1)[:n]
    y = series[window:]
    n_train = n - test_size - gap
    return X[:n_train], y[:n_train], X[n - test_size:], y[n - test_size:]
"""
}
