"""Exercise 2, wrong: the gap taken out of the test set: training runs up to the test period as
without a gap, and the test set loses its first `gap` windows."""

EXPECT = {"lose": ["chronological_split"]}
EDITS = {
    "chronological_split": [
        (
            "    return inputs[:end], targets[:end], inputs[start:], targets[start:]",
            "    return inputs[:start], targets[:start], inputs[start + gap:], targets[start + gap:]",
        )
    ]
}
