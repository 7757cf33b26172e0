"""Exercise 1: each target taken as a slice of one value, series[j:j + 1], and stacked, so the
targets of a 1-D series have shape (num_windows, 1) instead of (num_windows,)."""

EXPECT = {"lose": ["make_windows"]}
EDITS = {
    "make_windows": [
        (
            "    targets = series[first:first + num_windows]\n",
            "    targets = torch.stack([series[first + k:first + k + 1] for k in range(num_windows)])\n",
        )
    ]
}
