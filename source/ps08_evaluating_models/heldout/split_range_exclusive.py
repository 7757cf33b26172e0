"""Reads 'i from 0 to len(series) - window - 1' as an exclusive bound (range(len - window - 1)), so the very last window is dropped and the test set ends one step early."""

MISTAKE = "off by one: last window dropped"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size):
    xs, ys = [], []
    for i in range(len(series) - window - 1):
        xs.append(series[i:i + window])
        ys.append(series[i + window])
    X = torch.stack(xs).unsqueeze(-1)
    y = torch.stack(ys)
    n_train = len(xs) - test_size
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]
"""
}
