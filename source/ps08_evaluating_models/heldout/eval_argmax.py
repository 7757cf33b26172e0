"""Predicts with argmax over the two logits, which ignores the threshold argument (it always acts as threshold 0.5)."""

MISTAKE = "argmax ignores the threshold"
EXPECT = {"lose": ["evaluate_classifier"]}
CELLS = {
    "evaluate_classifier": """def evaluate_classifier(model, data, threshold=0.5):
    mode = model.training
    model.eval()
    with torch.no_grad():
        logits = model(data.tokens, data.lengths)
    model.train(mode)
    pred = logits.argmax(dim=1)

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
