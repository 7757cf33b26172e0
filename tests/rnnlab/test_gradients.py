"""Per-step gradient norms, forget-bias initialisation and the regime helpers."""

import math

import pytest
import torch
from torch import nn

from rnnlab.adding import adding_batch
from rnnlab.gradients import (
    as_cell,
    cell_highway,
    denormal_timing,
    forget_biases,
    hidden_grad_norms,
    make_layer,
    per_step_factor,
    regime,
    scale_recurrent,
    set_forget_bias,
    sum_of_last,
    unroll,
)


def manual_rnn_norms(rnn, x):
    """dL/dh_t of a one-layer tanh nn.RNN by hand: g_(t-1) = (g_t * (1 - h_t^2)) @ W_hh,
    starting from g_T = 1 (L = sum of h_T), in float64."""
    W_ih, W_hh = rnn.weight_ih_l0.double(), rnn.weight_hh_l0.double()
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).double()
    h = torch.zeros(x.shape[1], rnn.hidden_size, dtype=torch.float64)
    hs = []
    for t in range(x.shape[0]):
        h = torch.tanh(x[t].double() @ W_ih.T + h @ W_hh.T + b)
        hs.append(h)
    g = torch.ones_like(hs[-1])
    norms = [g.norm()]
    for t in range(len(hs) - 1, 0, -1):
        g = (g * (1 - hs[t] ** 2)) @ W_hh
        norms.append(g.norm())
    return torch.stack(norms[::-1])


def cell_unrolled_norms(lstm, x):
    """The same quantity through nn.LSTMCell sharing the layer's weights, with retain_grad."""
    cell = nn.LSTMCell(lstm.input_size, lstm.hidden_size)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(lstm, name + "_l0"))
    h = torch.zeros(x.shape[1], lstm.hidden_size)
    c = torch.zeros_like(h)
    hs = []
    for t in range(x.shape[0]):
        h, c = cell(x[t], (h, c))
        h.retain_grad()
        hs.append(h)
    hs[-1].sum().backward()
    return torch.stack([v.grad.double().norm() for v in hs])


def layer_unrolled_norms(layer, x):
    """The same quantity from the layer itself, called on one step at a time."""
    states, state = [], None
    for t in range(x.shape[0]):
        _, state = layer(x[t : t + 1], state)
        states.append(state[0] if isinstance(layer, nn.LSTM) else state)
    grads = torch.autograd.grad(states[-1][-1].sum(), states)
    return torch.stack([g.double().norm() for g in grads])


class TestHiddenGradNorms:
    @pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
    def test_cells_agree_with_the_layer(self, kind):
        layer = make_layer(kind, 3, 6, seed=2)
        x = torch.randn(15, 4, 3)
        torch.testing.assert_close(hidden_grad_norms(layer, x), layer_unrolled_norms(layer, x), rtol=1e-4, atol=1e-9)

    def test_relu_rnn_and_no_bias(self):
        for layer in (nn.RNN(2, 3, nonlinearity="relu"), nn.GRU(2, 3, bias=False)):
            x = torch.randn(5, 2, 2)
            torch.testing.assert_close(hidden_grad_norms(layer, x), layer_unrolled_norms(layer, x))

    def test_rnn_matches_the_jacobian_product(self):
        rnn = make_layer("rnn", 3, 5, seed=1)
        x = torch.randn(12, 4, 3)
        got = hidden_grad_norms(rnn, x)
        assert got.shape == (12,) and not got.requires_grad
        torch.testing.assert_close(got.double(), manual_rnn_norms(rnn, x), rtol=1e-4, atol=1e-9)

    def test_last_step_gets_the_loss_gradient(self):
        gru = make_layer("gru", 2, 6, seed=0)
        norms = hidden_grad_norms(gru, torch.randn(5, 3, 2))
        assert norms[-1].item() == pytest.approx(math.sqrt(3 * 6))  # dL/dh_T is all ones

    def test_lstm_matches_cell_by_cell(self):
        lstm = make_layer("lstm", 2, 4, forget_bias=2.0, seed=3)
        x = torch.randn(9, 3, 2)
        torch.testing.assert_close(hidden_grad_norms(lstm, x), cell_unrolled_norms(lstm, x), rtol=1e-5, atol=1e-8)

    def test_the_output_gradient_is_only_the_direct_part(self):
        # the reason for unrolling: output's gradient misses everything flowing back in time
        lstm = make_layer("lstm", 2, 4, seed=0)
        x = torch.randn(6, 2, 2)
        output, _ = lstm(x)
        output.retain_grad()
        output[-1].sum().backward()
        assert torch.all(output.grad[:-1] == 0)
        assert torch.all(hidden_grad_norms(lstm, x)[:-1] > 0)
        # not a fused-kernel effect: output is downstream of the recurrence, so an unfused loop
        # that stacks its states at the end gets the same zeros
        cell, state, states = as_cell(lstm), None, []
        for t in range(6):
            state = cell(x[t], state)
            states.append(state[0])
        stacked = torch.stack(states)
        stacked.retain_grad()
        stacked[-1].sum().backward()
        assert torch.all(stacked.grad[:-1] == 0)
        torch.testing.assert_close(stacked.grad, output.grad)

    def test_norms_are_taken_in_float64(self):
        # chapter 07's RNN: at t = 1 its gradient has entries of about 1e-20, whose squares fall
        # below float32's normal range; with denormals flushed (rnnlab.setup()), g.norm() is 0
        torch.set_flush_denormal(True)
        rnn = make_layer("rnn", 2, 32, seed=0)
        x, _ = adding_batch(16, 100, torch.Generator().manual_seed(0))
        norms = hidden_grad_norms(rnn, x)
        assert norms.dtype == torch.float64
        hs, _ = unroll(rnn, x)
        (first,) = torch.autograd.grad(hs[-1].sum(), hs[0])
        assert 0 < first.abs().max() < 1e-19 and first.norm() == 0  # float32 says 0
        assert norms[0].item() == pytest.approx(first.double().norm().item(), rel=1e-6)
        assert 1e-21 < norms[0] < 1e-18

    def test_norms64(self):
        from rnnlab.gradients import norms64

        tiny = torch.full((4, 4), 1e-24)  # squares below even float32's denormals
        assert tiny.norm() == 0
        got = norms64([tiny, torch.ones(3, requires_grad=True)])
        assert got.dtype == torch.float64 and not got.requires_grad
        assert got.tolist() == pytest.approx([4e-24, math.sqrt(3)], rel=1e-6)

    def test_custom_loss_and_initial_state(self):
        rnn = make_layer("rnn", 2, 3, seed=0)
        x, h0 = torch.randn(4, 2, 2), torch.randn(1, 2, 3)
        norms = hidden_grad_norms(rnn, x, loss_fn=lambda h: 2 * h.sum(), hx=h0)
        assert norms[-1].item() == pytest.approx(2 * math.sqrt(6))
        assert not torch.allclose(norms, hidden_grad_norms(rnn, x, hx=torch.zeros(1, 2, 3)) * 2)

    def test_two_layers_norm_over_both(self):
        lstm = make_layer("lstm", 2, 3, seed=0, num_layers=2)
        hs, cs = unroll(lstm, torch.randn(5, 2, 2))
        assert len(hs) == len(cs) == 5 and hs[0].shape == (2, 2, 3)
        x = torch.randn(5, 2, 2)
        norms = hidden_grad_norms(lstm, x)
        assert norms.shape == (5,) and norms[-1].item() == pytest.approx(math.sqrt(6))
        torch.testing.assert_close(norms, layer_unrolled_norms(lstm, x))
        hs, cs = unroll(make_layer("gru", 2, 3), x)
        assert len(hs) == 5 and hs[0].shape == (2, 3) and cs == []

    def test_as_cell_shares_the_parameters_and_keeps_the_rng(self):
        lstm = make_layer("lstm", 2, 3, seed=0)
        state = torch.random.get_rng_state()
        cell = as_cell(lstm)
        assert torch.equal(torch.random.get_rng_state(), state)
        assert cell.weight_hh is lstm.weight_hh_l0 and cell.bias_ih is lstm.bias_ih_l0
        with pytest.raises(ValueError, match="one-layer"):
            as_cell(nn.LSTM(2, 3, num_layers=2))

    def test_rejects_what_cannot_be_unrolled(self):
        x = torch.randn(3, 2, 2)
        with pytest.raises(ValueError, match="bidirectional"):
            hidden_grad_norms(nn.LSTM(2, 3, bidirectional=True), x)
        with pytest.raises(ValueError, match="batch_first"):
            hidden_grad_norms(nn.GRU(2, 3, batch_first=True), x)
        with pytest.raises(TypeError, match="nn.RNN, nn.LSTM or nn.GRU"):
            hidden_grad_norms(nn.Linear(2, 3), x)
        with pytest.raises(ValueError, match="seq_len, batch"):
            hidden_grad_norms(nn.RNN(2, 3), torch.randn(3, 2))
        with pytest.raises(TypeError, match="one-layer"):
            cell_highway(nn.GRU(2, 3), x)
        with pytest.raises(TypeError, match="one-layer"):
            cell_highway(nn.LSTM(2, 3, num_layers=2), x)

    def test_forget_bias_keeps_the_lstm_gradient_alive(self):
        x = torch.rand(60, 8, 2)
        low = hidden_grad_norms(make_layer("lstm", 2, 16, seed=0), x)
        high = hidden_grad_norms(make_layer("lstm", 2, 16, forget_bias=3.0, seed=0), x)
        assert high[0] > 1e3 * low[0]


class TestCellHighway:
    def test_only_the_direct_path_without_recurrent_weights(self):
        # with weight_hh = 0 the gates do not depend on h: the gradient is exactly the product of f
        lstm = make_layer("lstm", 2, 5, forget_bias=1.0, seed=0)
        with torch.no_grad():
            lstm.weight_hh_l0.zero_()
        grad, forget = cell_highway(lstm, torch.randn(20, 3, 2))
        assert grad.shape == forget.shape == (3, 5)
        torch.testing.assert_close(grad, forget, rtol=1e-5, atol=1e-12)

    def test_a_higher_forget_bias_carries_more_gradient(self):
        x = torch.rand(50, 4, 2)
        sizes = []
        for bias in (0.0, 1.0, 3.0):
            grad, forget = cell_highway(make_layer("lstm", 2, 8, forget_bias=bias, seed=0), x)
            sizes.append((grad.abs().mean().item(), forget.mean().item()))
        assert sizes[0][0] < sizes[1][0] < sizes[2][0]
        assert sizes[0][1] < sizes[1][1] < sizes[2][1]


def test_sum_of_last():
    assert sum_of_last(torch.ones(2, 3)).item() == 6


class TestForgetBias:
    def test_every_layer_and_direction(self):
        torch.manual_seed(0)
        lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
        before = {n: p.detach().clone() for n, p in lstm.named_parameters()}
        ids = [id(p) for p in lstm.parameters()]
        assert set_forget_bias(lstm, 1.5) is lstm
        assert [id(p) for p in lstm.parameters()] == ids and all(p.requires_grad for p in lstm.parameters())
        biases = forget_biases(lstm)
        assert sorted(biases) == ["_l0", "_l0_reverse", "_l1", "_l1_reverse"]
        for value in biases.values():
            assert torch.equal(value, torch.full((4,), 1.5))
        for name, p in lstm.named_parameters():
            if name.startswith("weight"):
                assert torch.equal(p, before[name])
            else:
                keep = torch.ones(16, dtype=torch.bool)
                keep[4:8] = False
                assert torch.equal(p[keep], before[name][keep]), name
                assert torch.equal(p[4:8], torch.full((4,), 1.5 if "bias_ih" in name else 0.0))

    def test_cell_and_errors(self):
        cell = nn.LSTMCell(2, 3)
        set_forget_bias(cell, -1.0)
        assert torch.equal(forget_biases(cell)[""], torch.full((3,), -1.0))
        with pytest.raises(ValueError, match="no biases"):
            set_forget_bias(nn.LSTM(2, 3, bias=False), 1.0)
        with pytest.raises(TypeError, match="nn.LSTM"):
            set_forget_bias(nn.GRU(2, 3), 1.0)

    def test_gate_really_changes(self):
        lstm = set_forget_bias(nn.LSTM(1, 2), 20.0)
        with torch.no_grad():
            lstm.weight_ih_l0.zero_()
            lstm.weight_hh_l0.zero_()
        from rnnlab.gates import lstm_gates

        assert torch.allclose(lstm_gates(lstm, torch.zeros(3, 1, 1)).f, torch.ones(1))


class TestHelpers:
    def test_make_layer(self):
        torch.manual_seed(7)
        state = torch.random.get_rng_state()
        a, b = make_layer("gru", 2, 3, seed=4), make_layer("gru", 2, 3, seed=4)
        assert torch.equal(torch.random.get_rng_state(), state)  # global RNG untouched
        assert torch.equal(a.weight_hh_l0, b.weight_hh_l0)
        assert isinstance(make_layer("rnn", 1, 2), nn.RNN)
        assert make_layer("lstm", 1, 2, num_layers=3).num_layers == 3
        with pytest.raises(ValueError, match="forget gate"):
            make_layer("gru", 1, 2, forget_bias=1.0)
        with pytest.raises(ValueError, match="kind"):
            make_layer("transformer", 1, 2)

    def test_per_step_factor(self):
        norms = torch.tensor([0.5**k for k in range(10, -1, -1)])
        assert per_step_factor(norms) == pytest.approx(0.5)
        assert per_step_factor(torch.tensor([2.0**k for k in range(5, -1, -1)])) == pytest.approx(2.0)
        # gradients flushed to 0 at the start: the factor comes from the nonzero part
        assert per_step_factor(torch.tensor([0.0, 0.0, 0.25, 0.5, 1.0])) == pytest.approx(0.5)
        assert per_step_factor(torch.tensor([0.0, 0.0, 1.0])) == 0.0
        # and so do norms below the floor that are not zero (a denormal, say), however odd
        odd = torch.tensor([1e-40, 3e-35, 0.25, 0.5, 1.0], dtype=torch.float64)
        assert per_step_factor(odd) == pytest.approx(0.5)
        assert per_step_factor(torch.tensor([0.25, float("nan"), 0.25, 0.5, 1.0])) == pytest.approx(0.5)
        with pytest.raises(ValueError):
            per_step_factor(torch.tensor([1.0]))
        with pytest.raises(ValueError, match="last step"):
            per_step_factor(torch.tensor([1.0, 0.0]))
        with pytest.raises(ValueError, match="last step"):
            per_step_factor(torch.tensor([1.0, 1e-35], dtype=torch.float64))

    def test_per_step_factor_ignores_denormals(self):
        # The case of lecture 07's widget at weight scale 0.5 (which reads the first 100 steps of a
        # 200-step batch; here a 100-step one): the RNN's gradient falls into float32's denormal
        # range. Kept or flushed, those steps must not move the factor (they moved the widget's
        # from 0.305 to 0.308, and another CPU printed 0.30 where this one printed 0.31).
        x, _ = adding_batch(16, 100, torch.Generator().manual_seed(0))
        factors, reached = [], []
        try:
            for flush in (False, True):
                torch.set_flush_denormal(flush)
                layer = scale_recurrent(make_layer("rnn", 2, 32, seed=0), 0.5)
                norms = hidden_grad_norms(layer, x)
                reached.append(float(norms[norms > 0].min()))
                factors.append(per_step_factor(norms))
        finally:
            torch.set_flush_denormal(True)
        assert reached[0] < torch.finfo(torch.float32).tiny  # the case this is about
        assert factors[0] == pytest.approx(factors[1], rel=1e-6)

    def test_regime(self):
        assert regime(torch.tensor([1e-3, 1.0])) == "vanishing"
        assert regime(torch.tensor([0.0, 1.0])) == "vanishing"
        assert regime(torch.tensor([0.5, 1.0])) == "stable"
        assert regime(torch.tensor([1e3, 1.0])) == "exploding"
        assert regime(torch.tensor([float("inf"), float("inf")])) == "exploding"
        assert regime(torch.tensor([0.05, 1.0]), low=0.1) == "vanishing"

    def test_scale_recurrent(self):
        lstm = nn.LSTM(2, 3, num_layers=2)
        before = {n: p.detach().clone() for n, p in lstm.named_parameters()}
        scale_recurrent(lstm, 2.0)
        for n, p in lstm.named_parameters():
            expected = before[n] * 2 if n.startswith("weight_hh") else before[n]
            assert torch.equal(p, expected), n

    def test_denormal_timing_leaves_flushing_on(self):
        result = denormal_timing(steps=20, batch=4, hidden=4, repeats=1)
        assert set(result) == {"denormals kept", "flushed to zero", "share of states that are denormal"}
        assert result["denormals kept"] > 0 and result["flushed to zero"] > 0
        assert result["share of states that are denormal"] == 1.0
        assert (torch.tensor([1e-39]) * 1.0).item() == 0.0  # flushed again
