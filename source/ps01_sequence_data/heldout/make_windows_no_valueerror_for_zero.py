"""The check is num_windows < 0, so when no window fits (num_windows == 0) the function returns empty tensors instead of raising ValueError."""

MISTAKE = "no ValueError when the series holds no window (checks < 0)"
EXPECT = {"lose": ["make_windows"]}
CELLS = {
    "make_windows": '''def sliding_windows(series, window, horizon=1):
    """Sliding windows of `window` inputs and the target `horizon` steps after each: (inputs, targets)."""
    num_windows = series.shape[0] - window - horizon + 1
    if num_windows < 0:
        raise ValueError("series too short")
    idx = torch.arange(num_windows).unsqueeze(1) + torch.arange(window).unsqueeze(0)
    inputs = series[idx]
    targets = series[torch.arange(num_windows) + window + horizon - 1]
    return inputs, targets
'''
}
