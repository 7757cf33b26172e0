"""Divides the counts as tensors, so a zero denominator gives nan instead of 0.0 (no zero_division handling)."""

MISTAKE = "nan instead of 0.0 on zero denominator"
EXPECT = {"lose": ["classification_metrics"]}
CELLS = {
    "classification_metrics": """def confusion_counts(y_true, y_pred):
    tp = ((y_true == 1) & (y_pred == 1)).sum()
    fp = ((y_true == 0) & (y_pred == 1)).sum()
    fn = ((y_true == 1) & (y_pred == 0)).sum()
    tn = ((y_true == 0) & (y_pred == 0)).sum()
    return {"tp": int(tp), "fp": int(fp), "fn": int(fn), "tn": int(tn)}


def precision_recall_f1(y_true, y_pred):
    tp = ((y_true == 1) & (y_pred == 1)).sum().double()
    fp = ((y_true == 0) & (y_pred == 1)).sum().double()
    fn = ((y_true == 1) & (y_pred == 0)).sum().double()
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    return (float(precision), float(recall), float(f1))
"""
}
