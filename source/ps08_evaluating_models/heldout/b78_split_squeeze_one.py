"""Takes the targets with .squeeze(), which turns a set of one window into a 0-d tensor instead of shape (1,)."""

MISTAKE = "squeeze loses a set of one window"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    w = series.unfold(0, window + 1, 1)
    n = w.shape[0]
    n_train = n - test_size - gap
    train, test = w[:n_train], w[n - test_size:]
    return (train[:, :window].unsqueeze(-1), train[:, window:].squeeze(),
            test[:, :window].unsqueeze(-1), test[:, window:].squeeze())
"""
}
