"""Divides without guarding the zero denominators, so a class never predicted or never present gets nan instead of 0.0."""

MISTAKE = "0/0 gives nan"
EXPECT = {"lose": ["classification_metrics"]}
CELLS = {
    "classification_metrics": """def class_confusion(y_true, y_pred, num_classes):
    m = torch.zeros((num_classes, num_classes), dtype=torch.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        m[t, p] += 1
    return m


def per_class_scores(y_true, y_pred, num_classes):
    m = class_confusion(y_true, y_pred, num_classes).double()
    tp = m.diagonal()
    precision = tp / m.sum(dim=0)
    recall = tp / m.sum(dim=1)
    f1 = 2 * precision * recall / (precision + recall)
    return precision, recall, f1
"""
}
