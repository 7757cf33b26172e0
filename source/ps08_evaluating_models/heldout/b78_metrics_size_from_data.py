"""Sizes the matrix from the largest class seen in the data instead of num_classes, so a class that never occurs at the end is missing (and an empty input raises)."""

MISTAKE = "matrix sized from the data, not num_classes"
EXPECT = {"lose": ["classification_metrics"]}
CELLS = {
    "classification_metrics": """def class_confusion(y_true, y_pred, num_classes):
    k = int(max(y_true.max(), y_pred.max())) + 1
    m = torch.zeros((k, k), dtype=torch.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        m[t, p] += 1
    return m


def per_class_scores(y_true, y_pred, num_classes):
    m = class_confusion(y_true, y_pred, num_classes).double()
    tp = m.diagonal()
    precision = torch.nan_to_num(tp / m.sum(dim=0), nan=0.0)
    recall = torch.nan_to_num(tp / m.sum(dim=1), nan=0.0)
    f1 = torch.nan_to_num(2 * precision * recall / (precision + recall), nan=0.0)
    return precision, recall, f1
"""
}
