"""Exercise 3, wrong: with per_sequence, the sums taken over dimension 1 (the batch) instead of
dimension 0 (time), as with a batch-first layout."""

EXPECT = {"lose": ["masked_cross_entropy"]}
EDITS = {
    "masked_cross_entropy": [
        ("(masked.sum(dim=0) / mask.sum(dim=0)).mean()", "(masked.sum(dim=1) / mask.sum(dim=1)).mean()")
    ]
}
