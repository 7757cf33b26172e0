"""Counts FP as the whole column and FN as the whole row without taking TP out, then divides TP by TP + FP, which counts TP twice."""

MISTAKE = "TP counted inside FP and FN"
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
    fp = m.sum(dim=0)
    fn = m.sum(dim=1)
    precision = torch.nan_to_num(tp / (tp + fp), nan=0.0)
    recall = torch.nan_to_num(tp / (tp + fn), nan=0.0)
    f1 = torch.nan_to_num(2 * precision * recall / (precision + recall), nan=0.0)
    return precision, recall, f1
"""
}
