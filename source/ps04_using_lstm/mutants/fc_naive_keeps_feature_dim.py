"""Exercise 4, wrong shape: the naive forecast keeps the feature dimension of the windows,
(n, horizons, 1) instead of (n, horizons)."""

EXPECT = {"lose": ["forecaster"]}
EDITS = {
    "forecaster": [("    return x[:, -1, :].repeat(1, horizons)", "    return x[:, -1:, :].repeat(1, horizons, 1)")]
}
