"""Evaluation measures written out from their definitions (scikit-learn checks them in the tests).

Binary classification, positive class 1:

    TP: predicted 1, truly 1        FP: predicted 1, truly 0
    FN: predicted 0, truly 1        TN: predicted 0, truly 0

    accuracy  = (TP + TN) / all     precision = TP / (TP + FP)
    recall    = TP / (TP + FN)      F1 = 2 * precision * recall / (precision + recall)

A ratio whose denominator is 0 is reported as 0.0, as scikit-learn does with zero_division=0.
"""

from __future__ import annotations

import torch


def _as_labels(name: str, values) -> torch.Tensor:
    values = torch.as_tensor(values).reshape(-1)
    if values.is_floating_point() and not bool(((values == 0) | (values == 1)).all()):
        raise ValueError(f"{name} must hold 0 and 1 only")
    values = values.long()
    if not bool(((values == 0) | (values == 1)).all()):
        raise ValueError(f"{name} must hold 0 and 1 only")
    return values


def confusion_counts(y_true, y_pred) -> dict[str, int]:
    """{"tp", "fp", "fn", "tn"} as ints, from 0/1 labels and 0/1 predictions."""
    y_true, y_pred = _as_labels("y_true", y_true), _as_labels("y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}")
    return {
        "tp": int(((y_pred == 1) & (y_true == 1)).sum()),
        "fp": int(((y_pred == 1) & (y_true == 0)).sum()),
        "fn": int(((y_pred == 0) & (y_true == 1)).sum()),
        "tn": int(((y_pred == 0) & (y_true == 0)).sum()),
    }


def confusion_matrix(y_true, y_pred) -> torch.Tensor:
    """2 x 2 counts in scikit-learn's layout: rows are the true class, columns the predicted one,
    [[TN, FP], [FN, TP]]."""
    c = confusion_counts(y_true, y_pred)
    return torch.tensor([[c["tn"], c["fp"]], [c["fn"], c["tp"]]])


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def scores_from_counts(tp: int, fp: int, fn: int, tn: int) -> dict[str, float]:
    """accuracy, precision, recall and F1 from the four counts."""
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return {
        "accuracy": _ratio(tp + tn, tp + fp + fn + tn),
        "precision": precision,
        "recall": recall,
        "f1": _ratio(2 * precision * recall, precision + recall),
    }


def classification_scores(y_true, y_pred) -> dict[str, float]:
    """The four counts and accuracy, precision, recall and F1 in one dict."""
    counts = confusion_counts(y_true, y_pred)
    return {**counts, **scores_from_counts(**counts)}


def precision_recall_curve(scores, y_true, thresholds=None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(thresholds, precision, recall) of the rule "positive when score >= threshold".

    Without `thresholds`, every distinct score is one (sorted ascending), as in scikit-learn.
    At a threshold above every score nothing is predicted positive: precision 0 by the
    zero-division rule, recall 0."""
    scores = torch.as_tensor(scores, dtype=torch.float64).reshape(-1)
    y_true = _as_labels("y_true", y_true)
    if thresholds is None:
        thresholds = torch.unique(scores)
    thresholds = torch.as_tensor(thresholds, dtype=torch.float64).reshape(-1)
    predicted = scores.unsqueeze(0) >= thresholds.unsqueeze(1)  # (thresholds, samples)
    positive = (y_true == 1).unsqueeze(0)
    tp = (predicted & positive).sum(1).double()
    fp = (predicted & ~positive).sum(1).double()
    fn = (~predicted & positive).sum(1).double()
    precision = torch.where(tp + fp > 0, tp / (tp + fp).clamp(min=1), torch.zeros_like(tp))
    recall = torch.where(tp + fn > 0, tp / (tp + fn).clamp(min=1), torch.zeros_like(tp))
    return thresholds, precision, recall


def mse(predictions, targets) -> float:
    """Mean squared error; shapes must match (no silent broadcasting)."""
    p, t = torch.as_tensor(predictions, dtype=torch.float64), torch.as_tensor(targets, dtype=torch.float64)
    if p.shape != t.shape:
        raise ValueError(f"predictions {tuple(p.shape)} and targets {tuple(t.shape)} differ in shape")
    return float(((p - t) ** 2).mean())


def mae(predictions, targets) -> float:
    """Mean absolute error; shapes must match."""
    p, t = torch.as_tensor(predictions, dtype=torch.float64), torch.as_tensor(targets, dtype=torch.float64)
    if p.shape != t.shape:
        raise ValueError(f"predictions {tuple(p.shape)} and targets {tuple(t.shape)} differ in shape")
    return float((p - t).abs().mean())


def step_mask(lengths, max_len: int | None = None) -> torch.Tensor:
    """(batch, max_len) booleans, True at the real steps of each sequence."""
    lengths = torch.as_tensor(lengths).reshape(-1)
    max_len = int(lengths.max()) if max_len is None else max_len
    return torch.arange(max_len).unsqueeze(0) < lengths.unsqueeze(1)


def per_step_and_per_sequence(values, lengths) -> tuple[float, float]:
    """Two averages of per-step values (batch, max_len) over sequences of different lengths:
    (mean over all real steps, mean of each sequence's own mean). Padding steps are ignored.

    The first counts a sequence of 100 steps 20 times as much as one of 5 steps; the second
    counts every sequence once. They agree only when all lengths, or all sequence means, agree."""
    values = torch.as_tensor(values, dtype=torch.float64)
    mask = step_mask(lengths, values.shape[1])
    per_step = float(values[mask].mean())
    sums = (values * mask).sum(1)
    per_sequence = float((sums / mask.sum(1)).mean())
    return per_step, per_sequence
