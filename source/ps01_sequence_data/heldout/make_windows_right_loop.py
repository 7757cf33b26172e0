"""Correct: loop over window starts, stack the slices, ValueError when no window fits."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "make_windows": '''def sliding_windows(series, window, horizon=1):
    """Sliding windows of `window` inputs and the target `horizon` steps after each: (inputs, targets)."""
    num_windows = series.shape[0] - window - horizon + 1
    if num_windows < 1:
        raise ValueError(f"series of length {series.shape[0]} is too short for window {window} and horizon {horizon}")
    inputs = torch.stack([series[k:k + window] for k in range(num_windows)])
    targets = torch.stack([series[k + window + horizon - 1] for k in range(num_windows)])
    return inputs, targets
'''
}
