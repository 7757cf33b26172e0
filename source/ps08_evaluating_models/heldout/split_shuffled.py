"""Shuffles the windows with randperm before splitting: the test set is a random sample, and training targets come from the test period (leakage, not a chronological split)."""

MISTAKE = "shuffled split leaks the future"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size):
    n = len(series) - window
    X = torch.stack([series[i:i + window] for i in range(n)]).unsqueeze(-1)
    y = series[window:window + n].clone()
    order = torch.randperm(n)
    X, y = X[order], y[order]
    n_train = n - test_size
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]
"""
}
