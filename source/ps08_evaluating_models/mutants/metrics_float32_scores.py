"""Exercise 1, wrong dtype: the ratios computed from float32 counts, so the scores are float32
tensors (and rounded) where the exercise asks for float64."""

EXPECT = {"lose": ["classification_metrics"]}
EDITS = {
    "classification_metrics": [
        (
            "counts = class_confusion(y_true, y_pred, num_classes).double()",
            "counts = class_confusion(y_true, y_pred, num_classes).float()",
        )
    ]
}
