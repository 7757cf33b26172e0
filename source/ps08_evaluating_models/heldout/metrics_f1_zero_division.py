"""Guards precision and recall against a zero denominator but not F1: when precision and recall are both 0, F1 divides by zero."""

MISTAKE = "F1 zero division not handled"
EXPECT = {"lose": ["classification_metrics"]}
CELLS = {
    "classification_metrics": """def confusion_counts(y_true, y_pred):
    tp = int(((y_pred == 1) & (y_true == 1)).sum())
    fp = int(((y_pred == 1) & (y_true == 0)).sum())
    fn = int(((y_pred == 0) & (y_true == 1)).sum())
    tn = int(((y_pred == 0) & (y_true == 0)).sum())
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn}


def precision_recall_f1(y_true, y_pred):
    c = confusion_counts(y_true, y_pred)
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] > 0 else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] > 0 else 0.0
    f1 = 2 * p * r / (p + r)
    return (float(p), float(r), float(f1))
"""
}
