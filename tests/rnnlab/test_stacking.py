"""h_n's layout for stacked and bidirectional LSTMs, and its picture."""

import pytest
import torch
from torch import nn

from rnnlab.stacking import draw_h_n_layout, h_n_layout


@pytest.mark.parametrize("layers,bidirectional", [(1, False), (3, False), (1, True), (3, True)])
def test_layout_matches_what_nn_lstm_returns(layers, bidirectional):
    torch.manual_seed(0)
    lstm = nn.LSTM(2, 3, num_layers=layers, bidirectional=bidirectional)
    x = torch.randn(5, 4, 2)
    output, (h_n, _) = lstm(x)
    layout = h_n_layout(layers, bidirectional)
    assert [k for k, _, _ in layout] == list(range(h_n.shape[0]))
    split = h_n.view(layers, 2 if bidirectional else 1, 4, 3)
    for k, layer, d in layout:
        assert torch.equal(h_n[k], split[layer, d])
    # the top layer's slots match output: forward at the last step, backward at the first
    for k, layer, d in layout:
        if layer == layers - 1:
            step = 0 if d else -1
            assert torch.allclose(h_n[k], output[step, :, 3 * d : 3 * (d + 1)], atol=1e-6)


def test_drawing_labels_every_slot_and_its_view_index():
    fig, layout = draw_h_n_layout(3, True)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert layout == h_n_layout(3, True)
    assert "h_n[5]\nlayer 2, bwd" in texts and "h_n[0]\nlayer 0, fwd" in texts
    assert all(f"[{layer}, {d}]" in texts for _, layer, d in layout)
    assert "h_n.view(3, 2, batch, hidden)\n[layer, direction]" in texts
    assert "layer 2  (top)" in texts
    assert len([p for p in fig.axes[0].patches if type(p).__name__ == "Rectangle"]) == 12


def test_drawing_one_direction():
    fig, layout = draw_h_n_layout(2, False)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert layout == [(0, 0, 0), (1, 1, 0)]
    assert "h_n: (2, batch, hidden)" in texts and "[1, 0]" in texts and "[0, 1]" not in texts
