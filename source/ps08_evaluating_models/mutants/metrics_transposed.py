"""Exercise 1, wrong: the matrix built with the predicted class in the rows and the true class in
the columns, so it is the transpose of the asked one, and precision and recall trade places."""

EXPECT = {"lose": ["classification_metrics"]}
EDITS = {
    "classification_metrics": [
        ("cell = y_true.long() * num_classes + y_pred.long()", "cell = y_pred.long() * num_classes + y_true.long()")
    ]
}
