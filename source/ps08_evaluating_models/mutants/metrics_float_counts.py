"""Exercise 1, wrong type: the counts added up in a float32 tensor (torch.zeros' default dtype)
where the exercise asks for int64."""

EXPECT = {"lose": ["classification_metrics"]}
CELLS = {
    "classification_metrics": """
def class_confusion(y_true, y_pred, num_classes):
    counts = torch.zeros(num_classes, num_classes)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        counts[t, p] += 1
    return counts


def per_class_scores(y_true, y_pred, num_classes):
    counts = class_confusion(y_true, y_pred, num_classes).double()
    hits, predicted, present = counts.diagonal(), counts.sum(0), counts.sum(1)
    precision = torch.where(predicted > 0, hits / predicted.clamp(min=1), 0.0)
    recall = torch.where(present > 0, hits / present.clamp(min=1), 0.0)
    both = precision + recall
    return precision, recall, torch.where(both > 0, 2 * precision * recall / both.clamp(min=1e-300), 0.0)
"""
}
