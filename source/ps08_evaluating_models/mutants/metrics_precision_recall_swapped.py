"""Exercise 1, wrong: precision divided by the true positives and false negatives, recall by the true
positives and false positives: the two denominators swapped."""

EXPECT = {"lose": ["classification_metrics"]}
EDITS = {
    "classification_metrics": [
        (
            'precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0',
            'precision = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0',
        ),
        (
            'recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0',
            'recall = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0',
        ),
    ]
}
