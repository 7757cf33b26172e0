"""Shuffles the training windows, so the training set is not in time order."""

MISTAKE = "training set shuffled"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = len(series) - window
    X = torch.stack([series[i : i + window] for i in range(n)]).unsqueeze(-1)
    y = torch.stack([series[i + window] for i in range(n)])
    n_train = n - test_size - gap
    perm = torch.randperm(n_train)
    return X[:n_train][perm], y[:n_train][perm], X[n - test_size:], y[n - test_size:]
"""
}
