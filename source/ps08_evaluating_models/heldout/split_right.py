"""A correct answer: every window with unfold, cut at n_windows - test_size, inputs unsqueezed to (n, window, 1), dtype kept."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "chronological_split": '''def split_by_time(series, window, test_size):
    """(X_train, y_train, X_test, y_test): the last test_size windows are the test set."""
    n = len(series) - window
    X = series.unfold(0, window, 1)[:n].clone().unsqueeze(-1)
    y = series[window:].clone()
    cut = n - test_size
    return (X[:cut], y[:cut], X[cut:], y[cut:])
'''
}
