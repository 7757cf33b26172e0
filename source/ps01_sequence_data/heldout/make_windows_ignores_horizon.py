"""The target is always the value right after the window, series[k + window]; the horizon only changes how many windows are made."""

MISTAKE = "target ignores the horizon (always the next value)"
EXPECT = {"lose": ["make_windows"]}
CELLS = {
    "make_windows": '''def sliding_windows(series, window, horizon=1):
    """Sliding windows of `window` inputs and the target `horizon` steps after each: (inputs, targets)."""
    num_windows = series.shape[0] - window - horizon + 1
    if num_windows < 1:
        raise ValueError("not enough data for one window")
    inputs = torch.stack([series[k:k + window] for k in range(num_windows)])
    targets = torch.stack([series[k + window] for k in range(num_windows)])
    return inputs, targets
'''
}
