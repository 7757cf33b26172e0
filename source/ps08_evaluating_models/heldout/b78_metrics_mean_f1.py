"""Takes F1 as the arithmetic mean of precision and recall instead of their harmonic mean."""

MISTAKE = "F1 as the average"
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
    precision = torch.nan_to_num(tp / m.sum(dim=0), nan=0.0)
    recall = torch.nan_to_num(tp / m.sum(dim=1), nan=0.0)
    f1 = (precision + recall) / 2
    return precision, recall, f1
"""
}
