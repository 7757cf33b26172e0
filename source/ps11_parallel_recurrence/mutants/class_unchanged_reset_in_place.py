"""Exercise 2, wrong: replaces the boundaries' -inf in the caller's log_a by -10000 (in place, through
.data, to keep autograd quiet): the values returned are still right, the caller's log_a is not."""

INPUT_CLASS = "unchanged"
EXPECT = {"lose": ["reset_scan"], "output_has": "reset_scan changed its input log_a"}
EDITS = {
    "reset_scan": [
        (
            "    log_A, log_B = log_a, log_b\n",
            "    log_a.data[torch.isneginf(log_a.data)] = -10000.0\n    log_A, log_B = log_a, log_b\n",
        )
    ]
}
