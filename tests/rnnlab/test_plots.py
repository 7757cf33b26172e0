"""The course's shared plots draw what they say, checked against independent computations."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn import metrics as skm

from rnnlab.plots import confusion_matrix_axes


def test_confusion_matrix_is_drawn_in_scikit_learns_layout():
    g = torch.Generator().manual_seed(0)
    y_true = torch.randint(0, 2, (300,), generator=g)
    y_pred = torch.where(torch.rand(300, generator=g) < 0.8, y_true, 1 - y_true)
    fig, ax = plt.subplots()
    counts = confusion_matrix_axes(ax, y_true, y_pred, names=("ham", "spam"))
    expected = skm.confusion_matrix(y_true.numpy(), y_pred.numpy(), labels=[0, 1])
    assert np.array_equal(counts, expected)
    assert np.array_equal(ax.images[0].get_array(), expected)  # the shading
    drawn = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}
    assert drawn == {(i, j): str(expected[i, j]) for i in (0, 1) for j in (0, 1)}  # (row, column)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ham", "spam"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted label", "true label")
    plt.close(fig)


def test_a_class_never_predicted_gets_a_column_of_zeros():
    fig, ax = plt.subplots()
    counts = confusion_matrix_axes(ax, torch.tensor([0, 1, 1]), torch.zeros(3, dtype=torch.long))
    assert counts.tolist() == [[1, 0], [2, 0]]
    plt.close(fig)
