"""rnnlab.bptt: the backward pass of a tanh nn.RNN by hand, against autograd and finite differences."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from rnnlab.bptt import NAMES, HandRNN, rnn_backward, rnn_forward


def _inputs(T, B, I, H, dtype=torch.float64, seed=0):
    """x, h0 and the weights of an nn.RNN(I, H) (its own initialisation), as tensors."""
    torch.manual_seed(seed)
    rnn = nn.RNN(I, H).to(dtype)
    x = torch.randn(T, B, I, dtype=dtype)
    h0 = torch.randn(B, H, dtype=dtype)
    weights = [p.detach().clone() for p in (rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0)]
    return rnn, x, h0, weights


def _autograd(rnn, x, h0, grad_output, grad_h_n=None):
    """The same gradients from nn.RNN itself and torch.autograd.grad."""
    x, h0 = x.clone().requires_grad_(), h0.clone().requires_grad_()
    output, h_n = rnn(x, h0[None])
    loss = (output * grad_output).sum()
    if grad_h_n is not None:
        loss = loss + (h_n[0] * grad_h_n).sum()
    params = (rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0)
    return output.detach(), dict(zip(NAMES, torch.autograd.grad(loss, (x, h0) + params)))


def _wrong_no_tanh_derivative(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output, grad_h_n=None, states=None):
    """A deliberately wrong variant: delta_t = a_t, the tanh derivative left out."""
    h = rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh)
    grads = {n: torch.zeros_like(v) for n, v in zip(NAMES, (x, h0, W_ih, W_hh, b_ih, b_hh))}
    later = torch.zeros_like(h0) if grad_h_n is None else grad_h_n.clone()
    for t in range(x.shape[0] - 1, -1, -1):
        delta = grad_output[t] + later
        grads["W_ih"] += delta.T @ x[t]
        grads["W_hh"] += delta.T @ (h[t - 1] if t > 0 else h0)
        grads["b_ih"] += delta.sum(0)
        grads["x"][t] = delta @ W_ih
        later = delta @ W_hh
    grads["h0"], grads["b_hh"] = later, grads["b_ih"].clone()
    return grads


def _wrong_skips_h0(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output, grad_h_n=None, states=None):
    """A deliberately wrong variant: W_hh's gradient summed over t >= 2 only (h_0's term forgotten)."""
    grads = rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output, grad_h_n)
    delta_1 = grads["h0"] @ torch.linalg.inv(W_hh)  # dL/dh_0 = delta_1 W_hh
    grads["W_hh"] = grads["W_hh"] - delta_1.T @ h0
    return grads


@pytest.mark.parametrize("T, B, I, H", [(7, 3, 4, 5), (1, 2, 3, 4), (5, 1, 2, 3), (4, 3, 1, 1), (12, 2, 6, 2)])
@pytest.mark.parametrize("with_h_n", [False, True])
def test_equals_autograd_on_nn_rnn(T, B, I, H, with_h_n):
    rnn, x, h0, weights = _inputs(T, B, I, H, seed=T + B + I + H)
    grad_output = torch.randn(T, B, H, dtype=torch.float64)
    grad_h_n = torch.randn(B, H, dtype=torch.float64) if with_h_n else None
    output, expected = _autograd(rnn, x, h0, grad_output, grad_h_n)
    assert torch.allclose(rnn_forward(x, h0, *weights), output, atol=1e-12)
    got = rnn_backward(x, h0, *weights, grad_output, grad_h_n)
    assert list(got) == list(NAMES)
    for name in NAMES:
        assert got[name].shape == expected[name].shape and got[name].dtype == torch.float64
        assert torch.allclose(got[name], expected[name], atol=1e-10), name


def test_float32_to_float32_precision_and_inputs_unchanged():
    rnn, x, h0, weights = _inputs(6, 2, 3, 4, dtype=torch.float32, seed=3)
    grad_output = torch.randn(6, 2, 4)
    before = [t.clone() for t in (x, h0, *weights, grad_output)]
    _, expected = _autograd(rnn, x, h0, grad_output)
    got = rnn_backward(x, h0, *weights, grad_output)
    for name in NAMES:
        assert got[name].dtype == torch.float32
        assert torch.allclose(got[name], expected[name], atol=1e-5), name
    assert all(torch.equal(a, b) for a, b in zip(before, (x, h0, *weights, grad_output)))


def test_no_autograd_inside():
    _, x, h0, weights = _inputs(4, 2, 3, 3)
    with torch.no_grad():
        got = rnn_backward(x, h0, *weights, torch.ones(4, 2, 3, dtype=torch.float64))
    assert all(not g.requires_grad for g in got.values())


def test_gradcheck_on_the_hand_written_function():
    _, x, h0, weights = _inputs(5, 2, 3, 4, seed=11)
    leaves = [t.clone().requires_grad_() for t in (x, h0, *weights)]
    assert torch.autograd.gradcheck(HandRNN.apply, leaves, eps=1e-6, atol=1e-5)


def test_hand_rnn_matches_nn_rnn_in_a_training_graph():
    rnn, x, h0, weights = _inputs(8, 3, 2, 5, seed=5)
    out_ref, h_ref = rnn(x, h0[None])
    output, h_n = HandRNN.apply(x, h0, *weights)
    assert torch.allclose(output, out_ref) and torch.allclose(h_n, h_ref[0])


@pytest.mark.parametrize("wrong", [_wrong_no_tanh_derivative, _wrong_skips_h0])
def test_the_comparison_catches_a_wrong_backward(wrong, monkeypatch):
    """The same checks fail on a wrong variant: against autograd and under gradcheck."""
    rnn, x, h0, weights = _inputs(5, 2, 3, 4, seed=7)
    grad_output = torch.randn(5, 2, 4, dtype=torch.float64)
    _, expected = _autograd(rnn, x, h0, grad_output)
    got = wrong(x, h0, *weights, grad_output)
    assert not all(torch.allclose(got[n], expected[n], atol=1e-10) for n in NAMES)
    import rnnlab.bptt as bptt

    monkeypatch.setattr(bptt, "rnn_backward", wrong)
    leaves = [t.clone().requires_grad_() for t in (x, h0, *weights)]
    assert not torch.autograd.gradcheck(HandRNN.apply, leaves, eps=1e-6, atol=1e-5, raise_exception=False)
