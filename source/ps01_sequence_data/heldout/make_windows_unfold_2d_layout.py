"""Uses unfold without moving the window dimension: for a (n, features) series the inputs come out as (num_windows, features, window) instead of (num_windows, window, features)."""

MISTAKE = "unfold leaves the window dimension last for 2-D series"
EXPECT = {"lose": ["make_windows"]}
CELLS = {
    "make_windows": '''def sliding_windows(series, window, horizon=1):
    """Sliding windows of `window` inputs and the target `horizon` steps after each: (inputs, targets)."""
    num_windows = series.size(0) - window - horizon + 1
    if num_windows < 1:
        raise ValueError("series too short for a window and its target")
    inputs = series.unfold(0, window, 1)[:num_windows]
    start = window + horizon - 1
    targets = series[start:start + num_windows]
    return inputs, targets
'''
}
