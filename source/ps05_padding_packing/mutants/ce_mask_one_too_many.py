"""Exercise 3, wrong: the mask compares with <=, so the first padded step of every short
sequence counts as real."""

EXPECT = {"lose": ["masked_cross_entropy"]}
EDITS = {
    "masked_cross_entropy": [
        ("torch.arange(steps).unsqueeze(1) < lengths", "torch.arange(steps).unsqueeze(1) <= lengths")
    ]
}
