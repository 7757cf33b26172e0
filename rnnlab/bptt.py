"""Backpropagation through time by hand, for a one-layer tanh `nn.RNN` (chapter 07).

The layer computes, for a batch of rows and steps t = 1 ... T,

    h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh),

and `output` stacks h_1 ... h_T. Given dL/d output (every step's direct gradient g_t) and,
if the loss reads it, dL/dh_T through `h_n`, the backward pass runs the steps in reverse:

    a_t     = g_t + delta_(t+1) W_hh         the full dL/dh_t (what step t+1 sends back, plus g_t)
    delta_t = a_t * (1 - h_t^2)              dL/dz_t, through tanh
    dW_hh  += delta_t^T h_(t-1)              every step, h_0 included at t = 1
    dW_ih  += delta_t^T x_t,   db += delta_t summed over the batch (both biases get the same)
    dx_t    = delta_t W_ih,    dh_0 = delta_1 W_hh

No autograd is used: `rnn_backward` is plain tensor arithmetic, and `HandRNN` wraps it in a
`torch.autograd.Function`, so that `torch.autograd.gradcheck` can compare it with finite
differences. Shapes are nn.RNN's time-major ones, with the state as (batch, hidden).
"""

from __future__ import annotations

import torch

NAMES = ("x", "h0", "W_ih", "W_hh", "b_ih", "b_hh")


def rnn_forward(
    x: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor, b_ih: torch.Tensor, b_hh: torch.Tensor
) -> torch.Tensor:
    """The states h_1 ... h_T of a tanh RNN, shape (T, batch, hidden), as nn.RNN's `output`.

    x: (T, batch, input_size); h0: (batch, hidden); W_ih: (hidden, input_size);
    W_hh: (hidden, hidden); b_ih, b_hh: (hidden,)."""
    states, h = [], h0
    for t in range(x.shape[0]):
        h = torch.tanh(x[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        states.append(h)
    return torch.stack(states)


def rnn_backward(
    x: torch.Tensor,
    h0: torch.Tensor,
    W_ih: torch.Tensor,
    W_hh: torch.Tensor,
    b_ih: torch.Tensor,
    b_hh: torch.Tensor,
    grad_output: torch.Tensor,
    grad_h_n: torch.Tensor | None = None,
    states: torch.Tensor | None = None,
) -> dict:
    """The gradients of L with respect to x, h0 and the four parameters, by hand.

    grad_output: (T, batch, hidden), dL/d output[t] for every step (its direct part only);
    grad_h_n: (batch, hidden) or None, dL/dh_T through the final state, added to the last step's;
    states: the forward pass's `output` if already computed (else it is computed here).
    Returns a dict with the keys of NAMES, each tensor the shape of that argument."""
    h = rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh) if states is None else states
    T = x.shape[0]
    grads = {
        "x": torch.zeros_like(x),
        "W_ih": torch.zeros_like(W_ih),
        "W_hh": torch.zeros_like(W_hh),
        "b_ih": torch.zeros_like(b_ih),
    }
    from_later = torch.zeros_like(h0)  # delta_(t+1) W_hh; nothing after step T
    if grad_h_n is not None:
        from_later = from_later + grad_h_n
    for t in range(T - 1, -1, -1):
        h_prev = h[t - 1] if t > 0 else h0  # output[t] is h_(t+1): step t reads h[t - 1]
        delta = (grad_output[t] + from_later) * (1 - h[t] ** 2)
        grads["W_ih"] += delta.T @ x[t]
        grads["W_hh"] += delta.T @ h_prev
        grads["b_ih"] += delta.sum(0)
        grads["x"][t] = delta @ W_ih
        from_later = delta @ W_hh
    grads["h0"] = from_later
    grads["b_hh"] = grads["b_ih"].clone()  # b_ih and b_hh enter z_t the same way
    return {name: grads[name] for name in NAMES}


class HandRNN(torch.autograd.Function):
    """The tanh RNN with `rnn_backward` as its backward pass: `HandRNN.apply(x, h0, W_ih, W_hh,
    b_ih, b_hh)` returns (output, h_n) as nn.RNN does (h_n of shape (batch, hidden))."""

    @staticmethod
    def forward(ctx, x, h0, W_ih, W_hh, b_ih, b_hh):
        output = rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh)
        ctx.save_for_backward(x, h0, W_ih, W_hh, b_ih, b_hh, output)
        return output, output[-1].clone()

    @staticmethod
    def backward(ctx, grad_output, grad_h_n):
        x, h0, W_ih, W_hh, b_ih, b_hh, output = ctx.saved_tensors
        grads = rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output, grad_h_n, states=output)
        return tuple(grads[name] for name in NAMES)
