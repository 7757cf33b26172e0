"""Exercise 2, right, written differently: each window's target position compared with the test
period's first position, as boolean masks over the windows."""

EXPECT = {"full": True}
CELLS = {
    "chronological_split": """
def split_by_time(series, window, test_size, gap):
    n = len(series) - window
    idx = torch.arange(n).unsqueeze(1) + torch.arange(window)
    X = series[idx].unsqueeze(2)
    y = series[window:].clone()
    position = torch.arange(n)
    in_test = position >= n - test_size
    in_train = position < n - test_size - gap
    return X[in_train], y[in_train], X[in_test], y[in_test]
"""
}
