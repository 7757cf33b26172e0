"""A correct answer: boolean masks combined with &, counts turned into ints, ratios guarded against zero denominators, F1 as the harmonic mean."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "classification_metrics": '''def confusion_counts(y_true, y_pred):
    """{"tp", "fp", "fn", "tn"} as Python ints."""
    t = y_true == 1
    p = y_pred == 1
    return {"tp": int((t & p).sum()), "fp": int((~t & p).sum()),
            "fn": int((t & ~p).sum()), "tn": int((~t & ~p).sum())}


def precision_recall_f1(y_true, y_pred):
    """(precision, recall, f1) as Python floats; 0.0 where a denominator is 0."""
    c = confusion_counts(y_true, y_pred)
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] > 0 else 0.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return (float(precision), float(recall), float(f1))
'''
}
