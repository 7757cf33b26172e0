"""Windows are cut without overlap (stride = window) instead of starting at every step k = 0, 1, 2, ..."""

MISTAKE = "stride equal to the window instead of stride 1"
EXPECT = {"lose": ["make_windows"]}
CELLS = {
    "make_windows": '''def sliding_windows(series, window, horizon=1):
    """Sliding windows of `window` inputs and the target `horizon` steps after each: (inputs, targets)."""
    n = series.shape[0]
    if n - window - horizon + 1 < 1:
        raise ValueError("series too short")
    inputs, targets = [], []
    for k in range(0, n - window - horizon + 1, window):
        inputs.append(series[k:k + window])
        targets.append(series[k + window + horizon - 1])
    return torch.stack(inputs), torch.stack(targets)
'''
}
