"""Exercise 1, wrong: the number of classes read from the largest label in the data instead of
num_classes, so a class that never occurs at the end is left out (and no items at all raise)."""

EXPECT = {"lose": ["classification_metrics"]}
EDITS = {
    "classification_metrics": [
        (
            "    cell = y_true.long() * num_classes + y_pred.long()",
            "    num_classes = int(torch.cat([y_true, y_pred]).max()) + 1\n"
            "    cell = y_true.long() * num_classes + y_pred.long()",
        )
    ]
}
