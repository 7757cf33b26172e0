"""A right answer, written with a Python loop over the windows and explicit empty tensors."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = len(series) - window
    xs, ys = [], []
    for i in range(n):
        xs.append(series[i : i + window].clone())
        ys.append(series[i + window].clone())

    def pack(lo, hi):
        if hi <= lo:
            return series.new_zeros((0, window, 1)), series.new_zeros((0,))
        return torch.stack(xs[lo:hi]).unsqueeze(-1), torch.stack(ys[lo:hi])

    n_train = n - test_size - gap
    X_train, y_train = pack(0, n_train)
    X_test, y_test = pack(n - test_size, n)
    return X_train, y_train, X_test, y_test
"""
}
