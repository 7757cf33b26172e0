"""Exercise 1, wrong: a precision of 1.0 when nothing is flagged ("no false alarms"), where the
exercise (and scikit-learn's zero_division=0) asks for 0.0."""

EXPECT = {"lose": ["classification_metrics"]}
EDITS = {
    "classification_metrics": [
        (
            'precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0',
            'precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0',
        )
    ]
}
