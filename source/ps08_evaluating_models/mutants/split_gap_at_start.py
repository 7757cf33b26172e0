"""Exercise 2, wrong: the gap windows dropped from the start of the series instead of just before
the test set: the training set keeps the windows next to the test period, whose targets are test inputs."""

EXPECT = {"lose": ["chronological_split"]}
EDITS = {
    "chronological_split": [
        (
            "    return inputs[:end], targets[:end], inputs[start:], targets[start:]",
            "    return inputs[gap:start], targets[gap:start], inputs[start:], targets[start:]",
        )
    ]
}
