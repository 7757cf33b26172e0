"""The windows are copied into a new float32 tensor, so an integer or float64 series comes back as float32 instead of in its own dtype."""

MISTAKE = "result cast to float32 instead of the series' dtype"
EXPECT = {"lose": ["make_windows"]}
CELLS = {
    "make_windows": '''def sliding_windows(series, window, horizon=1):
    """Sliding windows of `window` inputs and the target `horizon` steps after each: (inputs, targets)."""
    n = series.shape[0]
    num_windows = n - window - horizon + 1
    if num_windows < 1:
        raise ValueError("series is too short")
    inputs = torch.zeros((num_windows, window) + tuple(series.shape[1:]))
    targets = torch.zeros((num_windows,) + tuple(series.shape[1:]))
    for k in range(num_windows):
        inputs[k] = series[k:k + window]
        targets[k] = series[k + window + horizon - 1]
    return inputs, targets
'''
}
