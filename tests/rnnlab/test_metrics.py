"""rnnlab.metrics against scikit-learn and against hand-computed examples."""

import numpy as np
import pytest
import torch
from sklearn import metrics as skm

from rnnlab.metrics import (
    classification_scores,
    confusion_counts,
    confusion_matrix,
    mae,
    mse,
    per_step_and_per_sequence,
    precision_recall_curve,
    scores_from_counts,
    step_mask,
)


def test_the_syllabus_example():
    s = scores_from_counts(tp=50, fp=5, fn=10, tn=35)
    assert s["accuracy"] == pytest.approx(0.85)
    assert round(s["precision"], 2) == 0.91 and round(s["recall"], 2) == 0.83
    assert s["f1"] == pytest.approx(2 * (50 / 55) * (50 / 60) / (50 / 55 + 50 / 60))


def test_the_accuracy_paradox_numbers():
    s = scores_from_counts(tp=6, fp=6, fn=44, tn=2444)
    assert s["accuracy"] == pytest.approx(0.98) and s["recall"] == pytest.approx(0.12)


@pytest.mark.parametrize("seed", range(6))
def test_agrees_with_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    y_true = (rng.random(n) < rng.random()).astype(int)
    y_pred = (rng.random(n) < rng.random()).astype(int)
    s = classification_scores(torch.tensor(y_true), torch.tensor(y_pred))
    kw = dict(zero_division=0)
    assert s["accuracy"] == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert s["precision"] == pytest.approx(skm.precision_score(y_true, y_pred, **kw))
    assert s["recall"] == pytest.approx(skm.recall_score(y_true, y_pred, **kw))
    assert s["f1"] == pytest.approx(skm.f1_score(y_true, y_pred, **kw))
    expected = skm.confusion_matrix(y_true, y_pred, labels=[0, 1])
    assert confusion_matrix(y_true, y_pred).tolist() == expected.tolist()
    c = confusion_counts(y_true, y_pred)
    assert all(type(v) is int for v in c.values()) and sum(c.values()) == n


def test_zero_division_gives_zero():
    s = classification_scores([0, 0, 1], [0, 0, 0])
    assert s["precision"] == 0.0 and s["recall"] == 0.0 and s["f1"] == 0.0
    assert scores_from_counts(0, 0, 0, 0)["accuracy"] == 0.0


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="0 and 1"):
        confusion_counts([0, 2], [0, 1])
    with pytest.raises(ValueError, match="0 and 1"):
        confusion_counts([0, 1], [0.5, 1.0])
    with pytest.raises(ValueError, match="labels"):
        confusion_counts([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="shape"):
        mse(torch.zeros(4, 1), torch.zeros(4))


def test_precision_recall_curve_matches_scikit_learn():
    rng = np.random.default_rng(3)
    y = (rng.random(400) < 0.2).astype(int)
    scores = np.round(np.clip(0.3 * y + rng.random(400) * 0.7, 0, 1), 2)  # ties on purpose
    thresholds, precision, recall = precision_recall_curve(torch.tensor(scores), torch.tensor(y))
    p_ref, r_ref, t_ref = skm.precision_recall_curve(y, scores)
    # scikit-learn keeps thresholds from the first one with full recall upwards, then appends (1, 0)
    ours = {round(t, 6): (p, r) for t, p, r in zip(thresholds.tolist(), precision.tolist(), recall.tolist())}
    for t, p, r in zip(t_ref, p_ref[:-1], r_ref[:-1]):
        assert ours[round(float(t), 6)] == pytest.approx((p, r))
    assert recall[0] == 1.0 and bool((recall[1:] <= recall[:-1]).all())


def test_curve_at_given_thresholds():
    t, p, r = precision_recall_curve([0.1, 0.4, 0.8, 0.9], [0, 1, 0, 1], thresholds=[0.0, 0.5, 0.95])
    assert p.tolist() == pytest.approx([0.5, 0.5, 0.0]) and r.tolist() == pytest.approx([1.0, 0.5, 0.0])


def test_regression_errors():
    assert mse([1.0, 2.0, 4.0], [1.0, 1.0, 1.0]) == pytest.approx((0 + 1 + 9) / 3)
    assert mae([1.0, 2.0, 4.0], [1.0, 1.0, 1.0]) == pytest.approx((0 + 1 + 3) / 3)
    rng = np.random.default_rng(5)
    predictions, targets = rng.normal(50, 30, 60), rng.normal(50, 30, 60)
    assert mse(torch.tensor(predictions), torch.tensor(targets)) == pytest.approx(
        skm.mean_squared_error(targets, predictions)
    )
    assert mae(torch.tensor(predictions), torch.tensor(targets)) == pytest.approx(
        skm.mean_absolute_error(targets, predictions)
    )


def test_per_step_and_per_sequence_differ():
    values = torch.zeros(3, 10)
    lengths = torch.tensor([10, 2, 2])
    values[0, :10] = 1.0  # the long sequence is all right
    values[1, :2] = torch.tensor([1.0, 0.0])
    values[2, :] = 7.0  # padding steps must not count
    values[2, :2] = 0.0
    per_step, per_sequence = per_step_and_per_sequence(values, lengths)
    assert per_step == pytest.approx(11 / 14)
    assert per_sequence == pytest.approx((1 + 0.5 + 0) / 3)
    same = per_step_and_per_sequence(torch.ones(2, 5), torch.tensor([5, 5]))
    assert same == pytest.approx((1.0, 1.0))


def test_step_mask():
    assert step_mask(torch.tensor([1, 3]), 4).tolist() == [[True, False, False, False], [True, True, True, False]]
