"""A right answer, written with bincount on true * k + pred and torch.where for the zero denominators."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "classification_metrics": """def class_confusion(y_true, y_pred, num_classes):
    flat = y_true.long() * num_classes + y_pred.long()
    return torch.bincount(flat, minlength=num_classes * num_classes).reshape(num_classes, num_classes).to(torch.int64)


def per_class_scores(y_true, y_pred, num_classes):
    m = class_confusion(y_true, y_pred, num_classes).to(torch.float64)
    tp = m.diagonal()
    pred_count = m.sum(dim=0)
    true_count = m.sum(dim=1)
    zero = torch.zeros(num_classes, dtype=torch.float64)
    precision = torch.where(pred_count > 0, tp / pred_count.clamp(min=1), zero)
    recall = torch.where(true_count > 0, tp / true_count.clamp(min=1), zero)
    s = precision + recall
    f1 = torch.where(s > 0, 2 * precision * recall / s.clamp(min=1e-300), zero)
    return precision, recall, f1
"""
}
