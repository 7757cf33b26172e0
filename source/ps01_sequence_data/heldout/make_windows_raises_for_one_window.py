"""The length check uses num_windows <= 1, so a series that holds exactly one window and its target raises ValueError instead of returning that one window."""

MISTAKE = "ValueError raised when exactly one window fits (<= 1 instead of < 1)"
EXPECT = {"lose": ["make_windows"]}
CELLS = {
    "make_windows": '''def sliding_windows(series, window, horizon=1):
    """Sliding windows of `window` inputs and the target `horizon` steps after each: (inputs, targets)."""
    num_windows = len(series) - window - horizon + 1
    if num_windows <= 1:
        raise ValueError("series is too short for a window and its target")
    inputs = torch.stack([series[i:i + window] for i in range(num_windows)])
    targets = series[window + horizon - 1:window + horizon - 1 + num_windows].clone()
    return inputs, targets
'''
}
