"""Exercise 1, wrong: a right matrix, but precision divides each class's hits by its row (the items
truly of that class) and recall by its column (the items predicted as it): the two swapped."""

EXPECT = {"lose": ["classification_metrics"]}
EDITS = {
    "classification_metrics": [
        ("predicted, present = counts.sum(0), counts.sum(1)", "predicted, present = counts.sum(1), counts.sum(0)")
    ]
}
