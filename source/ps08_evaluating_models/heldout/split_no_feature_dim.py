"""Returns the inputs with shape (n, window), without the trailing feature dimension of size 1."""

MISTAKE = "inputs missing the last dimension of 1"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size):
    n_windows = len(series) - window
    X = series.unfold(0, window, 1)[:n_windows].clone()
    y = series[window:window + n_windows].clone()
    split = n_windows - test_size
    return X[:split], y[:split], X[split:], y[split:]
"""
}
