"""Exercise 1, right, written differently: the matrix as a product of one-hot encodings (true
classes transposed, times predicted classes), and F1 from the counts as 2 TP / (2 TP + FP + FN)."""

EXPECT = {"full": True}
CELLS = {
    "classification_metrics": """
import torch.nn.functional as F

def class_confusion(y_true, y_pred, num_classes):
    truth = F.one_hot(y_true, num_classes)
    guess = F.one_hot(y_pred, num_classes)
    return truth.T @ guess


def per_class_scores(y_true, y_pred, num_classes):
    m = class_confusion(y_true, y_pred, num_classes).to(torch.float64)
    tp = torch.diag(m)
    fp = m.sum(dim=0) - tp
    fn = m.sum(dim=1) - tp
    safe = lambda top, bottom: torch.where(bottom == 0, torch.zeros_like(top), top / bottom.clamp(min=1))
    return safe(tp, tp + fp), safe(tp, tp + fn), safe(2 * tp, 2 * tp + fp + fn)
"""
}
