"""The RNN unroll widget without a browser: set a control's value, assert what changed."""

import copy

import numpy as np
import pytest
import torch
from torch import nn

from rnnlab.rnn import unroll
from rnnlab.widgets import RNNUnroll


def heights(bars):
    return np.array([b.get_height() for b in bars])


@pytest.fixture
def widget():
    torch.manual_seed(0)
    return RNNUnroll(nn.RNN(1, 4), seq_len=10)


def test_bars_hold_the_two_parts_of_each_step(widget):
    x = widget.inputs[widget.pattern.value]
    expected = unroll(widget.rnn, x[:, None, :])
    for t in (1, 4, 10):
        widget.step.value = t
        np.testing.assert_allclose(heights(widget.bars_x), expected.from_x[t - 1, 0], atol=1e-6)
        np.testing.assert_allclose(heights(widget.bars_h), expected.from_h[t - 1, 0], atol=1e-6)
        np.testing.assert_allclose(widget.dots.get_ydata(), expected.h[t - 1, 0], atol=1e-6)
        assert widget.dots.get_ydata() == pytest.approx(
            np.tanh(heights(widget.bars_x) + heights(widget.bars_h)), abs=1e-6
        )


def test_heatmap_shows_steps_up_to_t_only(widget):
    widget.step.value = 3
    shown = np.asarray(widget.heat.get_array())
    output, _ = widget.rnn(widget.inputs[widget.pattern.value][:, None, :])
    np.testing.assert_allclose(shown[:, :3], output[:3, 0].detach().T, atol=1e-6)
    assert np.isnan(shown[:, 3:]).all()
    assert widget.x_now.get_xdata()[0] == 3


def test_first_step_reads_only_the_bias_from_h(widget):
    widget.step.value = 1  # h_0 = 0, so W_hh contributes nothing
    np.testing.assert_allclose(heights(widget.bars_h), widget.rnn.bias_hh_l0.detach(), atol=1e-6)


def test_moving_the_step_redraws_and_updates_the_readout(widget):
    before = (widget.image.value, widget.readout.value)
    widget.step.value = 6
    assert widget.image.value != before[0] and widget.readout.value != before[1]
    assert ">step t</td><td" in widget.readout.value and ">6</td>" in widget.readout.value
    assert f"{widget.values['from_h']:.3f}" in widget.readout.value
    assert widget.full_draws == 1  # later updates blit onto the background


def test_pattern_changes_the_input_line_and_the_trace(widget):
    first = widget.trace.h.clone()
    widget.pattern.value = "a sine wave"
    np.testing.assert_allclose(widget.x_lines[0].get_ydata(), widget.inputs["a sine wave"][:, 0])
    assert not torch.allclose(widget.trace.h, first)


def test_scale_multiplies_w_hh_but_leaves_the_callers_layer_alone():
    torch.manual_seed(0)
    rnn = nn.RNN(1, 4)
    original = rnn.weight_hh_l0.detach().clone()
    w = RNNUnroll(rnn, seq_len=10)
    w.step.value = 8
    w.scale.value = 0.0
    assert torch.equal(rnn.weight_hh_l0.detach(), original)
    torch.testing.assert_close(w.rnn.weight_hh_l0.detach(), torch.zeros(4, 4))
    # with W_hh = 0 only b_hh comes from the past
    np.testing.assert_allclose(heights(w.bars_h), rnn.bias_hh_l0.detach(), atol=1e-6)
    w.scale.value = 2.0
    torch.testing.assert_close(w.rnn.weight_hh_l0.detach(), 2 * original)


def test_memory_of_the_pulse_fades_at_scale_one(widget):
    widget.pattern.value = "one pulse at step 1, then zeros"
    zero_run = unroll(widget.rnn, torch.zeros(10, 1, 1))
    gap = (widget.trace.h - zero_run.h).norm(dim=-1)[:, 0]
    assert gap[-1] < 0.2 * gap[0]


def test_readout_measures_the_memory_of_x1(widget):
    x = widget.inputs[widget.pattern.value]
    changed = x.clone()
    changed[0] += 1
    wide = copy.deepcopy(widget.rnn).double()  # the widget measures it in float64
    gap = (unroll(wide, changed[:, None, :].double()).h - unroll(wide, x[:, None, :].double()).h).norm(dim=-1)[:, 0]
    for t in (1, 5, 10):
        widget.step.value = t
        assert widget.values["memory"] == pytest.approx(gap[t - 1].item(), rel=1e-5, abs=1e-9)
        assert f"{widget.values['memory']:.1e}" in widget.readout.value
    widget.scale.value = 0.0  # no recurrence: x_1 is forgotten after step 1
    widget.step.value = 2
    assert widget.values["memory"] == 0.0


def test_sliders_start_on_their_grid(widget):
    for s in (widget.step, widget.scale):
        steps = (s.value - s.min) / s.step
        assert abs(steps - round(steps)) < 1e-9


def test_rejects_layers_it_cannot_show():
    for rnn in (
        nn.RNN(1, 3, num_layers=2),
        nn.RNN(1, 3, nonlinearity="relu"),
        nn.RNN(1, 3, bidirectional=True),
        nn.RNN(1, 3, batch_first=True),
        nn.LSTM(1, 3),
    ):
        with pytest.raises(ValueError, match="one layer"):
            RNNUnroll(rnn)
    with pytest.raises(ValueError, match="same shape"):
        RNNUnroll(nn.RNN(2, 3))  # default inputs have one feature


def test_custom_inputs_with_several_features():
    torch.manual_seed(0)
    inputs = {"a": torch.randn(6, 2), "b": torch.randn(6, 2)}
    w = RNNUnroll(nn.RNN(2, 3), inputs=inputs)
    assert w.step.max == 6 and len(w.x_lines) == 2
    w.pattern.value = "b"
    w.step.value = 6
    output, _ = w.rnn(inputs["b"][:, None, :])
    np.testing.assert_allclose(w.dots.get_ydata(), output[5, 0].detach(), atol=1e-6)
