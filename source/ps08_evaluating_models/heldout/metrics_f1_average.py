"""Computes F1 as the plain average of precision and recall instead of their harmonic mean."""

MISTAKE = "F1 as arithmetic mean"
EXPECT = {"lose": ["classification_metrics"]}
CELLS = {
    "classification_metrics": """def confusion_counts(y_true, y_pred):
    tp = int(((y_true == 1) & (y_pred == 1)).sum())
    fp = int(((y_true == 0) & (y_pred == 1)).sum())
    fn = int(((y_true == 1) & (y_pred == 0)).sum())
    tn = int(((y_true == 0) & (y_pred == 0)).sum())
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn}


def precision_recall_f1(y_true, y_pred):
    c = confusion_counts(y_true, y_pred)
    precision = c["tp"] / (c["tp"] + c["fp"]) if (c["tp"] + c["fp"]) else 0.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if (c["tp"] + c["fn"]) else 0.0
    f1 = (precision + recall) / 2
    return (float(precision), float(recall), float(f1))
"""
}
