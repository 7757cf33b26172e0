"""Builds each set with torch.stack over a Python list, which fails when a set is empty (test_size 0, or test_size equal to the number of windows)."""

MISTAKE = "empty set crashes torch.stack"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size):
    n_windows = len(series) - window
    n_train = n_windows - test_size
    X_train, y_train, X_test, y_test = [], [], [], []
    for i in range(n_windows):
        x_i = series[i:i + window].unsqueeze(-1)
        y_i = series[i + window]
        if i < n_train:
            X_train.append(x_i)
            y_train.append(y_i)
        else:
            X_test.append(x_i)
            y_test.append(y_i)
    return torch.stack(X_train), torch.stack(y_train), torch.stack(X_test), torch.stack(y_test)
"""
}
