"""A correct answer (exercise 1 included): eval mode and no_grad, softmax column 1 compared with >= threshold, counts and scores, the model's mode restored."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "evaluate_classifier": '''def evaluate_classifier(model, data, threshold=0.5):
    """Counts and scores of the rule "spam when P(spam) >= threshold" on data."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            p_spam = model(data.tokens, data.lengths).softmax(dim=1)[:, 1]
    finally:
        model.train(was_training)
    pred = (p_spam >= threshold).long()
    truth = data.labels
    tp = int(((pred == 1) & (truth == 1)).sum())
    fp = int(((pred == 1) & (truth == 0)).sum())
    fn = int(((pred == 0) & (truth == 1)).sum())
    tn = int(((pred == 0) & (truth == 0)).sum())
    n = tp + fp + fn + tn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "accuracy": (tp + tn) / n if n else 0.0,
            "precision": float(precision), "recall": float(recall), "f1": float(f1)}
'''
}
