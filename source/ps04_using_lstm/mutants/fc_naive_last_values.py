"""Exercise 4, wrong: the naive forecast takes the window's last `horizons` values instead of
repeating its last value."""

EXPECT = {"lose": ["forecaster"]}
EDITS = {"forecaster": [("    return x[:, -1, :].repeat(1, horizons)", "    return x[:, -horizons:, 0]")]}
