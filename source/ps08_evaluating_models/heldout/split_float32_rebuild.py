"""Rebuilds the tensors from Python numbers with torch.tensor(list), which gives float32 whatever the series' dtype: float64 series come back as float32."""

MISTAKE = "float64 series returned as float32"
EXPECT = {"lose": ["chronological_split"]}
CELLS = {
    "chronological_split": """def split_by_time(series, window, test_size):
    values = series.tolist()
    X, y = [], []
    for i in range(len(values) - window):
        X.append(values[i:i + window])
        y.append(values[i + window])
    X = torch.tensor(X).reshape(len(y), window, 1)
    y = torch.tensor(y)
    k = len(y) - test_size
    return X[:k], y[:k], X[k:], y[k:]
"""
}
