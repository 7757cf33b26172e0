"""Exercise 1, wrong: takes log_h0=None as log h0 = 0, that is h0 = 1 (a zero tensor of logarithms), where
None means h0 = 0, whose log is minus infinity: without a start state, every step gets a
decayed 1 too much."""

EXPECT = {"lose": ["log_scan"]}
EDITS = {
    "log_scan": [
        (
            "    s = torch.cumsum(log_a, dim=1)\n",
            "    if log_h0 is None:\n        log_h0 = torch.zeros_like(log_a[:, 0])\n    s = torch.cumsum(log_a, dim=1)\n",
        )
    ]
}
