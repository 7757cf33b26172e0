"""Library copy of classification_metrics: the source of the student package's nearest code pasted as
the answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.metrics.confusion_counts, chapter 08's function of the same name (issue 78), beside a
precision_recall_f1 written from its counts, so only the pasted part decides."""

LIBRARY = {"rnnlab.metrics.confusion_counts": "confusion_counts"}
EXPECT = {"lose": ["classification_metrics"]}
CELLS = {
    "classification_metrics": "{library}\n"
    + """def precision_recall_f1(y_true, y_pred):
    counts = confusion_counts(y_true, y_pred)
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)
"""
}
