"""Switches the model to eval mode and leaves it there: the caller's model comes back in eval mode although it was given in training mode.

Relabelled right after grading: its author read the introduction's rule (arguments, models included, are left as they were) against the exercise; the exercise now says the model may stay in eval mode, as the course's own answer leaves it."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "evaluate_classifier": """def evaluate_classifier(model, data, threshold=0.5):
    model.eval()
    with torch.no_grad():
        p = model(data.tokens, data.lengths).softmax(dim=1)[:, 1]
    pred = (p >= threshold).long()

    truth = data.labels
    tp = int(((pred == 1) & (truth == 1)).sum())
    fp = int(((pred == 1) & (truth == 0)).sum())
    fn = int(((pred == 0) & (truth == 1)).sum())
    tn = int(((pred == 0) & (truth == 0)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "accuracy": (tp + tn) / len(truth),
            "precision": float(precision), "recall": float(recall), "f1": float(f1)}
"""
}
