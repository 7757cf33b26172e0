"""The gradient-flow widget, headless: set a control's value, assert on the curves and readout."""

import numpy as np
import pytest
import torch

from rnnlab.adding import adding_batch
from rnnlab.gradients import forget_biases, hidden_grad_norms, make_layer, set_forget_bias
from rnnlab.widgets import GradientFlow
from rnnlab.widgets.gradient_flow import MODELS


@pytest.fixture(scope="module")
def flow():
    return GradientFlow(hidden_size=16, batch=4, max_length=60, length=60)


def reset(w):
    w.length.value, w.forget_bias.value, w.scale.value = 60, 0.0, 1.0


def test_curves_are_the_real_gradient_norms(flow):
    reset(flow)
    flow.scale.value = 1.5
    x, _ = adding_batch(4, 60, torch.Generator().manual_seed(0))
    for kind in MODELS:
        layer = make_layer(kind, 2, 16, seed=0)
        with torch.no_grad():
            layer.weight_hh_l0.mul_(1.5)
        if kind == "lstm":
            set_forget_bias(layer, 0.0)
        expected = hidden_grad_norms(layer, x).double().numpy()
        expected[expected == 0] = np.nan  # a gap where the gradient is 0
        xs, ys = flow.lines[kind].get_data()
        np.testing.assert_array_equal(xs, np.arange(1, 61))
        np.testing.assert_allclose(ys, expected, rtol=1e-5)
    flow.scale.value = 0.25  # the RNN's gradient underflows to 0: a gap, not a value
    assert flow.norms["rnn"][0] == 0 and np.isnan(flow.lines["rnn"].get_ydata()[0])
    assert np.isfinite(flow.lines["rnn"].get_ydata()[-1])


def test_forget_bias_moves_the_lstm_out_of_vanishing(flow):
    reset(flow)
    assert flow.regimes["lstm"] == "vanishing" and flow.regimes["rnn"] == "vanishing"
    rnn_before = flow.lines["rnn"].get_ydata().copy()
    flow.forget_bias.value = 5.0
    assert torch.equal(forget_biases(flow.layers["lstm"])["_l0"], torch.full((16,), 5.0))
    assert flow.regimes["lstm"] == "stable" and flow.mean_forget > 0.95
    from rnnlab.gates import lstm_gates

    assert flow.mean_forget == pytest.approx(float(lstm_gates(flow.layers["lstm"], flow.x).f.mean()), abs=1e-5)
    assert "stable" in flow.readout.value and f"{flow.mean_forget:.3f}" in flow.readout.value
    np.testing.assert_array_equal(flow.lines["rnn"].get_ydata(), rnn_before)  # RNN unaffected


def test_scale_explodes_the_rnn_and_does_not_compound(flow):
    reset(flow)
    original = flow.originals["rnn"]["weight_hh_l0"]
    flow.scale.value = 4.0
    assert flow.regimes["rnn"] == "exploding" and flow.factors["rnn"] > 1
    assert "exploding" in flow.readout.value
    flow.scale.value = 2.0
    flow.scale.value = 3.0  # set from the original weights, not the last ones
    assert torch.allclose(flow.layers["rnn"].weight_hh_l0, 3 * original)
    assert torch.equal(flow.layers["rnn"].weight_ih_l0, flow.originals["rnn"]["weight_ih_l0"])
    flow.scale.value = 0.25
    assert flow.factors["rnn"] < flow.factors["gru"] and flow.regimes["rnn"] == "vanishing"


def test_length_changes_the_curves_and_redraws_once(flow):
    reset(flow)
    draws, picture = flow.full_draws, flow.image.value
    flow.length.value = 40
    assert len(flow.lines["gru"].get_xdata()) == 40 and flow.ax.get_xlim() == (1, 40)
    assert flow.full_draws == draws + 1 and flow.image.value != picture
    assert "t=40" in flow.readout.value
    flow.forget_bias.value = 1.0  # same length: blitting, no full redraw
    assert flow.full_draws == draws + 1


def test_sliders_start_on_their_grid():
    w = GradientFlow(hidden_size=4, batch=2, max_length=40, length=20, forget_bias=1.0, scale=1.0)
    for s in (w.length, w.forget_bias, w.scale):
        steps = (s.value - s.min) / s.step
        assert abs(steps - round(steps)) < 1e-9, s.description
    assert "rnnlab-control-forget-bias" in w.forget_bias._dom_classes
    assert "rnnlab-gradient-flow" in w.widget._dom_classes


def test_forget_bias_reruns_only_the_lstm(flow, monkeypatch):
    """The forget bias changes only the LSTM: a move of its slider runs one unroll and backward
    pass, not three; the RNN's and GRU's curves are the ones kept for this length and scale, and
    still the true norms (a scale or length change computes them afresh)."""
    import rnnlab.widgets.gradient_flow as module

    reset(flow)
    unrolled = []
    real = module.unroll
    monkeypatch.setattr(module, "unroll", lambda layer, x: unrolled.append(layer) or real(layer, x))
    flow.forget_bias.value = 2.0
    assert unrolled == [flow.layers["lstm"]]
    flow.scale.value = 1.25
    assert len(unrolled) == 4  # a new scale: every model again
    x, _ = adding_batch(4, 60, torch.Generator().manual_seed(0))
    flow.scale.value = 1.0
    flow.forget_bias.value = 0.5
    for kind in ("rnn", "gru"):
        layer = make_layer(kind, 2, 16, seed=0)
        np.testing.assert_allclose(flow.norms[kind], hidden_grad_norms(layer, x).numpy(), rtol=1e-5)
