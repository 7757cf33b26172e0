"""Computes accuracy, precision, recall and F1 with tensor operations and returns them as 0-d tensors instead of Python floats."""

MISTAKE = "scores as tensors, not floats"
EXPECT = {"lose": ["evaluate_classifier"]}
CELLS = {
    "evaluate_classifier": """def evaluate_classifier(model, data, threshold=0.5):
    mode = model.training
    model.eval()
    with torch.no_grad():
        p = model(data.tokens, data.lengths).softmax(dim=1)[:, 1]
    model.train(mode)
    pred = (p >= threshold).long()
    y = data.labels
    tp = ((pred == 1) & (y == 1)).sum()
    fp = ((pred == 1) & (y == 0)).sum()
    fn = ((pred == 0) & (y == 1)).sum()
    tn = ((pred == 0) & (y == 0)).sum()
    accuracy = (pred == y).float().mean()
    precision = tp / (tp + fp) if tp + fp > 0 else torch.tensor(0.0)
    recall = tp / (tp + fn) if tp + fn > 0 else torch.tensor(0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else torch.tensor(0.0)
    return {"tp": int(tp), "fp": int(fp), "fn": int(fn), "tn": int(tn),
            "accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1}
"""
}
