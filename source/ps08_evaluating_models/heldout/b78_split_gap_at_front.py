"""Drops the gap windows at the start of the series instead of just before the test set, so the last training targets still feed the test inputs."""

MISTAKE = "gap taken at the start of the series"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size, gap):
    n = len(series) - window
    X = torch.stack([series[i : i + window] for i in range(n)]).unsqueeze(-1)
    y = torch.stack([series[i + window] for i in range(n)])
    return X[gap : n - test_size], y[gap : n - test_size], X[n - test_size:], y[n - test_size:]
"""
}
