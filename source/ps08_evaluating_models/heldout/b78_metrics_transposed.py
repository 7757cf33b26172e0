"""Puts the predicted class in the rows and the true class in the columns (the transpose of the asked matrix)."""

MISTAKE = "confusion matrix transposed"
EXPECT = {"lose": ["classification_metrics"]}
CELLS = {
    "classification_metrics": """def class_confusion(y_true, y_pred, num_classes):
    m = torch.zeros((num_classes, num_classes), dtype=torch.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        m[p, t] += 1
    return m


def per_class_scores(y_true, y_pred, num_classes):
    m = class_confusion(y_true, y_pred, num_classes).double()
    tp = m.diagonal()
    precision = torch.nan_to_num(tp / m.sum(dim=1), nan=0.0)
    recall = torch.nan_to_num(tp / m.sum(dim=0), nan=0.0)
    f1 = torch.nan_to_num(2 * precision * recall / (precision + recall), nan=0.0)
    return precision, recall, f1
"""
}
