"""Cuts with X[:-test_size] and X[-test_size:]: with test_size 0, -0 is 0, so the training set is empty and every window goes to the test set."""

MISTAKE = "slicing with -test_size breaks test_size 0"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size):
    windows = series.unfold(0, window, 1)[:-1]
    targets = series[window:]
    X = windows.unsqueeze(-1).clone()
    y = targets.clone()
    return X[:-test_size], y[:-test_size], X[-test_size:], y[-test_size:]
"""
}
