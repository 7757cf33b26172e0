"""Exercise 2, wrong: every window of unfold kept, also the last one, which has no target: the
inputs have one row more than the targets, and the test inputs end with a window that has none."""

EXPECT = {"lose": ["chronological_split"]}
EDITS = {
    "chronological_split": [
        ("series.unfold(0, window, 1)[:-1].unsqueeze(-1)", "series.unfold(0, window, 1).unsqueeze(-1)")
    ]
}
