"""Counts into torch.zeros without a dtype, so the matrix is float32 instead of int64, and the scores are float32 too."""

MISTAKE = "float32 counts and scores"
EXPECT = {"lose": ["classification_metrics"]}
CELLS = {
    "classification_metrics": """def class_confusion(y_true, y_pred, num_classes):
    m = torch.zeros(num_classes, num_classes)
    for t, p in zip(y_true, y_pred):
        m[t, p] += 1
    return m


def per_class_scores(y_true, y_pred, num_classes):
    m = class_confusion(y_true, y_pred, num_classes)
    tp = m.diagonal()
    precision = torch.nan_to_num(tp / m.sum(dim=0), nan=0.0)
    recall = torch.nan_to_num(tp / m.sum(dim=1), nan=0.0)
    f1 = torch.nan_to_num(2 * precision * recall / (precision + recall), nan=0.0)
    return precision, recall, f1
"""
}
