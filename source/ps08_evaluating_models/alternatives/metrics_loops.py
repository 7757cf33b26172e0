"""Exercise 1, right, written differently: the matrix filled item by item in a loop, and each
class's scores computed one class at a time from Python numbers."""

EXPECT = {"full": True}
CELLS = {
    "classification_metrics": """
def class_confusion(y_true, y_pred, num_classes):
    counts = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    for truth, guess in zip(y_true.tolist(), y_pred.tolist()):
        counts[truth, guess] += 1
    return counts


def _ratio(top, bottom):
    return top / bottom if bottom else 0.0


def per_class_scores(y_true, y_pred, num_classes):
    m = class_confusion(y_true, y_pred, num_classes)
    rows = []
    for k in range(num_classes):
        tp = int(m[k, k])
        fp = int(m[:, k].sum()) - tp
        fn = int(m[k, :].sum()) - tp
        p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        rows.append((p, r, _ratio(2 * p * r, p + r)))
    table = torch.tensor(rows, dtype=torch.float64).reshape(num_classes, 3)
    return table[:, 0].clone(), table[:, 1].clone(), table[:, 2].clone()
"""
}
