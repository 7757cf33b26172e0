"""A right answer, written with an index matrix (arange plus offsets) and boolean-free slicing by explicit bounds."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = max(len(series) - window, 0)
    starts = torch.arange(n)
    idx = starts.unsqueeze(1) + torch.arange(window).unsqueeze(0)
    X = series[idx].unsqueeze(-1)
    y = series[starts + window]
    train_end = n - test_size - gap
    test_start = n - test_size
    return X[:train_end], y[:train_end], X[test_start:n], y[test_start:n]
"""
}
