"""The loop runs over range(n - window - horizon), so the last window (whose target is the final value of the series) is dropped; a series with exactly one window gives empty tensors."""

MISTAKE = "number of windows off by one: the last window is missing"
EXPECT = {"lose": ["make_windows"]}
CELLS = {
    "make_windows": '''def sliding_windows(series, window, horizon=1):
    """Sliding windows of `window` inputs and the target `horizon` steps after each: (inputs, targets)."""
    n = len(series)
    if n - window - horizon + 1 < 1:
        raise ValueError("series too short")
    xs, ys = [], []
    for k in range(n - window - horizon):
        xs.append(series[k:k + window])
        ys.append(series[k + window + horizon - 1])
    return torch.stack(xs), torch.stack(ys)
'''
}
