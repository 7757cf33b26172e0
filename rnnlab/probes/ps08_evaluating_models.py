"""Probes of ps08: a confusion matrix of several classes with per-class precision, recall and F1
(also where a class never occurs or is never predicted),
a chronological split of a series with a gap before the test set (also with no gap, no test
windows or no training windows), and the
evaluation of a classifier at several thresholds (also with the threshold left out).

The classifier probed in exercise 3 is a table of fixed logits, one row per token, whose training
mode changes its output without drawing random numbers (a fixed mask stands for dropout: torch's
random draws are not the same on every CPU), and which notes whether it ran in training mode and
with gradients on; the probed call reports that next to the dict. A message whose two logits are
equal has P(spam) exactly 0.5, a tie at the default threshold."""

import torch
from torch import nn

from rnnlab.classify import Messages
from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs

# ---- exercise 1: a confusion matrix and per-class scores for several classes -------------------


def _labels(y_true, y_pred):
    return torch.tensor(y_true, dtype=torch.long), torch.tensor(y_pred, dtype=torch.long)


def _matrix(y_true, y_pred, num_classes):
    def probe(names):
        return call(names["class_confusion"], *_labels(y_true, y_pred), num_classes)

    return probe


def _scores(y_true, y_pred, num_classes):
    def probe(names):
        return call(names["per_class_scores"], *_labels(y_true, y_pred), num_classes)

    return probe


# three classes: the matrix is not symmetric, and classes 1 and 2 have other row sums than column sums
_THREE = ([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2], [0, 0, 1, 2, 1, 1, 0, 2, 2, 1, 2, 0])
# class 1 never predicted, class 3 (the last) never present nor predicted
_GAPS = ([0, 1, 2, 0, 1, 2], [0, 0, 2, 2, 2, 2])

# ---- exercise 2: the chronological split -------------------------------------------------------


def _split(seed, n, window, test_size, gap):
    def probe(names):
        return call(names["split_by_time"], Inputs(seed).randn(n), window, test_size, gap)

    return probe


def _split_float32(names):
    """A float32 series of exact values (halves), so that every CPU computes the same."""
    return call(names["split_by_time"], torch.arange(8, dtype=torch.float32) * 0.5, 2, 3, 1)


# ---- exercise 3: evaluating a classifier -------------------------------------------------------


class _Table(nn.Module):
    """Logits of message k: row tokens[k, 0] of a fixed table. In training mode every other
    message's logits are zeroed and the others doubled (dropout with a fixed mask)."""

    def __init__(self, logits):
        super().__init__()
        self.table = nn.Parameter(logits)
        self.seen = []  # (training mode, gradients on) at each call

    def forward(self, tokens, lengths):
        self.seen.append((self.training, torch.is_grad_enabled()))
        z = self.table[tokens[:, 0]]
        if self.training:
            keep = (torch.arange(len(z)) % 2 == 1).to(z.dtype).unsqueeze(1)
            z = z * keep * 2
        return z


def _evaluated(evaluate_classifier, model, data, threshold):
    """The report, and whether the model ever ran in training mode or with gradients on
    (threshold None: the argument left out)."""
    report = (
        evaluate_classifier(model, data) if threshold is None else evaluate_classifier(model, data, threshold=threshold)
    )
    return report, {"training mode": any(t for t, _ in model.seen), "gradients on": any(g for _, g in model.seen)}


def _evaluate(seed, tokens, labels, threshold, tie=None):
    """A table of 6 tokens with random logits (row `tie`, if given, with two equal logits)."""

    def probe(names):
        logits = Inputs(seed).randn(6, 2, scale=1.5)
        if tie is not None:
            logits[tie, 1] = logits[tie, 0]
        model = _Table(logits).train()
        data = Messages(
            torch.tensor(tokens, dtype=torch.long).unsqueeze(1),
            torch.ones(len(tokens), dtype=torch.long),
            torch.tensor(labels, dtype=torch.long),
        )
        return call(_evaluated, names["evaluate_classifier"], model, data, threshold)

    return probe


_TOKENS = [0, 1, 2, 3, 4, 5, 0, 2, 4, 1]
_SPAM = [1, 0, 1, 1, 0, 1, 0, 0, 1, 1]

PROBES = {
    "classification_metrics": [
        _matrix(*_THREE, 3),
        _scores(*_THREE, 3),
        _matrix(*_GAPS, 4),
        _scores(*_GAPS, 4),
        tagged(_scores([1], [1], 2), "size_one"),  # a single item
    ],
    "chronological_split": [
        _split(1, 12, 3, 2, 3),  # a gap of one window's length
        _split(5, 9, 2, 2, 0),  # no gap
        _split(2, 7, 2, 0, 1),  # no test windows
        tagged(_split(3, 6, 1, 4, 1), "size_one"),  # no training windows, window 1
        tagged(_split(4, 4, 3, 1, 0), "size_one"),  # a single window
        _split_float32,
    ],
    "evaluate_classifier": [
        _evaluate(11, _TOKENS, _SPAM, 0.5, tie=2),  # a tie at the threshold
        _evaluate(12, _TOKENS, _SPAM, 0.2),
        _evaluate(13, _TOKENS, _SPAM, 0.8),
        tagged(_evaluate(14, [3], [1], 0.5, tie=3), "size_one"),  # one message, at the threshold
        tagged(_evaluate(15, _TOKENS, _SPAM, None, tie=4), "no_state"),  # threshold left out: 0.5
    ],
}
