"""Scores the messages under no_grad but never switches the model to eval mode, so dropout is still active while it is evaluated."""

MISTAKE = "eval() not called: dropout active"
EXPECT = {"lose": ["evaluate_classifier"]}
CELLS = {
    "evaluate_classifier": """def evaluate_classifier(model, data, threshold=0.5):
    with torch.no_grad():
        p_spam = torch.softmax(model(data.tokens, data.lengths), dim=1)[:, 1]
    pred = (p_spam >= threshold).long()

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
