"""Exercise 2, wrong: at each level joins the two stretches in the wrong order, the earlier stretch's A
applied to the later one's B."""

EXPECT = {"lose": ["reset_scan"]}
EDITS = {
    "reset_scan": [
        (
            "torch.logaddexp(later_A + log_B[:, :-span], later_B)",
            "torch.logaddexp(log_A[:, :-span] + later_B, log_B[:, :-span])",
        )
    ]
}
