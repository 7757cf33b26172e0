"""Mixes up false positives and false negatives: counts an item that is positive but predicted negative as a false positive, and the reverse."""

MISTAKE = "fp and fn swapped"
EXPECT = {"lose": ["classification_metrics"]}
CELLS = {
    "classification_metrics": """def confusion_counts(y_true, y_pred):
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        if t == 1 and p == 1:
            counts["tp"] += 1
        elif t == 1 and p == 0:
            counts["fp"] += 1
        elif t == 0 and p == 1:
            counts["fn"] += 1
        else:
            counts["tn"] += 1
    return counts


def precision_recall_f1(y_true, y_pred):
    c = confusion_counts(y_true, y_pred)
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return (precision, recall, f1)
"""
}
