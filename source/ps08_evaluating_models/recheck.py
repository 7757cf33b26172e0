"""Re-checks for ps08: the metrics, the chronological split, the evaluation of a classifier and
the quiz, called with inputs the tests never use and compared with references computed here."""

import torch

from autograder.grading.recheck import Case, graded_quiz_cases
from rnnlab.classify import SpamClassifier, make_messages
from rnnlab.metrics import classification_scores

# the hidden tests' rules (forbid_calls), judged in the re-check process too: no ready-made
# metrics (scikit-learn's or the course's), not the course's split or windows, not the course's
# scoring of the classifier
READY_MADE = (
    "sklearn.metrics.confusion_matrix",
    "sklearn.metrics.precision_score",
    "sklearn.metrics.recall_score",
    "sklearn.metrics.f1_score",
    "sklearn.metrics.precision_recall_fscore_support",
    "sklearn.metrics.multilabel_confusion_matrix",
    "rnnlab.metrics.confusion_counts",
    "rnnlab.metrics.confusion_matrix",
    "rnnlab.metrics.scores_from_counts",
    "rnnlab.metrics.classification_scores",
)
SPLIT_RULE = ("rnnlab.forecast.chronological_split", "rnnlab.forecast.make_windows")
EVALUATE_RULE = ("rnnlab.classify.spam_scores", "rnnlab.classify.accuracy_and_recall")


def _per_class(y_true, y_pred, k):
    """The matrix counted item by item, and each class's (precision, recall, f1) against the rest."""
    m = torch.zeros(k, k, dtype=torch.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        m[t, p] += 1
    scores = []
    for c in range(k):
        tp, predicted, present = int(m[c, c]), int(m[:, c].sum()), int(m[c].sum())
        precision = tp / predicted if predicted else 0.0
        recall = tp / present if present else 0.0
        scores.append((precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0))
    table = torch.tensor(scores, dtype=torch.float64).reshape(k, 3)
    return m, tuple(table[:, j].clone() for j in range(3))


def _metrics_case(k, n, classes, accuracy):
    g = torch.Generator().manual_seed(9800 + k)
    y_true = torch.randint(0, classes - 1, (n,), generator=g)  # the last class never occurs
    y_pred = torch.where(torch.rand(n, generator=g) < accuracy, y_true, torch.randint(0, classes, (n,), generator=g))
    m, scores = _per_class(y_true, y_pred, classes)
    code = (
        f"result = (class_confusion(y_true, y_pred, {classes}).clone(),"
        f" tuple(s.clone() for s in per_class_scores(y_true, y_pred, {classes})))"
    )
    return Case(
        f"classification_metrics_{k}",
        ["classification_metrics_visible", "classification_metrics_hidden"],
        code,
        {"y_true": y_true, "y_pred": y_pred},
        (m, scores),
        atol=1e-9,
        forbid=READY_MADE,
    )


def _split_case(k, n, window, test_size, gap):
    series = torch.randn(n, generator=torch.Generator().manual_seed(9810 + k)).cumsum(0)
    X = torch.stack([series[i : i + window] for i in range(n - window)]).unsqueeze(-1)
    y = series[window:]
    start = len(y) - test_size
    end = start - gap
    return Case(
        f"chronological_split_{k}",
        ["chronological_split_visible", "chronological_split_hidden"],
        f"result = tuple(t.clone() for t in split_by_time(series, {window}, {test_size}, {gap}))",
        {"series": series},
        (X[:end], y[:end].clone(), X[start:], y[start:].clone()),
        atol=1e-6,
        forbid=SPLIT_RULE,
    )


def _evaluate_case():
    with torch.random.fork_rng():
        torch.manual_seed(9820)
        model = SpamClassifier(hidden_size=6).eval()
    data = make_messages(150, seed=9821)
    with torch.no_grad():
        p_spam = model(data.tokens, data.lengths).softmax(1)[:, 1]
    threshold = float(p_spam.median())
    s = classification_scores(data.labels, (p_spam >= threshold).long())
    inputs = {
        "state": {k: v.clone() for k, v in model.state_dict().items()},
        "tokens": data.tokens,
        "lengths": data.lengths,
        "labels": data.labels,
        "threshold": threshold,
    }
    code = (
        "from rnnlab.classify import Messages as _M, SpamClassifier as _S\n"
        "_m = _S(hidden_size=6)\n_m.load_state_dict(state)\n"
        "_r = evaluate_classifier(_m, _M(tokens, lengths, labels), threshold)\n"
        "result = {k: _r[k] for k in ('tp', 'fp', 'fn', 'tn', 'accuracy', 'precision', 'recall', 'f1')}"
    )
    return Case(
        "evaluate_classifier_0",
        ["evaluate_classifier_visible", "evaluate_classifier_hidden"],
        code,
        inputs,
        dict(s),
        atol=1e-6,
        forbid=EVALUATE_RULE,
    )


def cases(course):
    out = [
        _metrics_case(0, 120, 4, 0.7),
        _metrics_case(1, 9, 3, 0.5),
        _split_case(0, 40, 6, 9, 6),
        _split_case(1, 15, 1, 3, 2),
        _evaluate_case(),
    ]
    return out + graded_quiz_cases("ps08_evaluating_models", course)
