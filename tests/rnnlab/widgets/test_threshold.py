"""The threshold widget: counts and scores at the slider's threshold, drawn and read out."""

import numpy as np
import pytest
import torch
from sklearn import metrics as skm

from rnnlab.widgets import ThresholdExplorer


@pytest.fixture
def data():
    g = torch.Generator().manual_seed(0)
    labels = (torch.rand(500, generator=g) < 0.1).long()
    scores = torch.sigmoid(2 * torch.randn(500, generator=g) + 3 * labels - 2)
    return scores, labels


def test_values_match_scikit_learn(data):
    scores, labels = data
    w = ThresholdExplorer(scores, labels, threshold=0.5)
    for t in (0.2, 0.5, 0.8):
        w.threshold.value = t
        predicted = (scores.double() >= t).long().numpy()
        tn, fp, fn, tp = skm.confusion_matrix(labels.numpy(), predicted, labels=[0, 1]).ravel()
        assert (w.values["tp"], w.values["fp"], w.values["fn"], w.values["tn"]) == (tp, fp, fn, tn)
        assert w.values["precision"] == pytest.approx(skm.precision_score(labels, predicted, zero_division=0))
        assert w.values["recall"] == pytest.approx(skm.recall_score(labels, predicted, zero_division=0))


def test_raising_the_threshold_trades_recall_for_precision(data):
    w = ThresholdExplorer(*data, threshold=0.2)
    low = dict(w.values)
    w.threshold.value = 0.9
    assert w.values["recall"] < low["recall"] and w.values["precision"] > low["precision"]


def test_moving_the_slider_moves_the_artists(data):
    w = ThresholdExplorer(*data, threshold=0.5)
    image, readout = w.image.value, w.readout.value
    w.threshold.value = 0.3
    assert list(w.line.get_xdata()) == [0.3, 0.3]
    assert w.dot.get_xdata()[0] == pytest.approx(w.values["recall"])
    assert w.dot.get_ydata()[0] == pytest.approx(w.values["precision"])
    shares = np.asarray(w.matrix.get_array())
    assert shares.sum(1) == pytest.approx([1.0, 1.0])
    assert w.cell_text[1][1].get_text().startswith(str(w.values["tp"]))
    assert w.image.value != image and w.readout.value != readout
    assert f"{w.values['precision']:.3f}" in w.readout.value
    assert w.full_draws == 1


def test_slider_starts_on_its_grid_and_has_a_css_class(data):
    w = ThresholdExplorer(*data, threshold=0.333)
    assert w.threshold.value == 0.33
    assert "rnnlab-control-threshold" in w.threshold._dom_classes


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError):
        ThresholdExplorer(torch.rand(3), torch.tensor([0, 1]))
