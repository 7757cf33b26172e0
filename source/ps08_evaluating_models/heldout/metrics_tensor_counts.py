"""Returns the counts as 0-d tensors (the result of .sum()) instead of Python ints."""

MISTAKE = "counts as tensors, not ints"
EXPECT = {"lose": ["classification_metrics"]}
CELLS = {
    "classification_metrics": """def confusion_counts(y_true, y_pred):
    return {
        "tp": ((y_true == 1) & (y_pred == 1)).sum(),
        "fp": ((y_true == 0) & (y_pred == 1)).sum(),
        "fn": ((y_true == 1) & (y_pred == 0)).sum(),
        "tn": ((y_true == 0) & (y_pred == 0)).sum(),
    }


def precision_recall_f1(y_true, y_pred):
    c = confusion_counts(y_true, y_pred)
    tp, fp, fn = int(c["tp"]), int(c["fp"]), int(c["fn"])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return (float(precision), float(recall), float(f1))
"""
}
