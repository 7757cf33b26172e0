"""Builds the targets from Python floats with torch.tensor, so float64 series give float32 targets."""

MISTAKE = "targets lose the float64 dtype"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = len(series) - window
    X = torch.stack([series[i : i + window] for i in range(n)]).unsqueeze(-1)
    y = torch.tensor([series[i + window].item() for i in range(n)])
    n_train = n - test_size - gap
    return X[:n_train], y[:n_train], X[n - test_size:], y[n - test_size:]
"""
}
