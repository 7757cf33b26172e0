"""Stacks the list of training windows, which raises when the training set is empty (test_size + gap equal to the number of windows)."""

MISTAKE = "torch.stack of an empty set"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = len(series) - window
    n_train = n - test_size - gap
    X_train = torch.stack([series[i : i + window] for i in range(n_train)]).unsqueeze(-1)
    y_train = torch.stack([series[i + window] for i in range(n_train)])
    X_test = torch.stack([series[i : i + window] for i in range(n - test_size, n)]).unsqueeze(-1)
    y_test = torch.stack([series[i + window] for i in range(n - test_size, n)])
    return X_train, y_train, X_test, y_test
"""
}
