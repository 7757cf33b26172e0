"""One recurrent layer, unrolled step by step from nn.RNN's own weights.

At step t a one-layer nn.RNN computes

    h_t = tanh(x_t W_ih^T + b_ih  +  h_(t-1) W_hh^T + b_hh)        (or relu)
               \\_ from the input _/   \\_ from the previous state _/

with the same four tensors at every step. `unroll` keeps the two parts apart, so a widget or
a lecture can show where each hidden value comes from, and checks that the steps reproduce
the layer's own output and h_n. `first_input_memory` and `first_input_gradients` measure how
fast the hidden state forgets its first input: the limit that chapter 07 studies.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class RNNTrace:
    """The steps of a one-layer, one-direction nn.RNN over a batch of sequences.

    Each tensor has shape (seq_len, batch, hidden_size): at step t, `from_x` is
    x_t W_ih^T + b_ih, `from_h` is h_(t-1) W_hh^T + b_hh, `pre` their sum, `h` the new hidden
    state (the layer's `output`). `h_0` is the state before the first step, (batch, hidden_size).
    """

    from_x: torch.Tensor
    from_h: torch.Tensor
    pre: torch.Tensor
    h: torch.Tensor
    h_0: torch.Tensor

    def previous(self) -> torch.Tensor:
        """h_(t-1) for every step t, (seq_len, batch, hidden_size): h_0 first."""
        return torch.cat([self.h_0[None], self.h[:-1]])


def _check_layer(rnn: nn.RNN) -> None:
    if not isinstance(rnn, nn.RNN):
        raise TypeError(f"expected an nn.RNN, got {type(rnn).__name__}")
    if rnn.num_layers != 1 or rnn.bidirectional or rnn.batch_first:
        raise ValueError(
            "unroll handles one layer, one direction, batch_first=False; "
            f"this layer has num_layers={rnn.num_layers}, "
            f"bidirectional={rnn.bidirectional}, batch_first={rnn.batch_first}"
        )


def unroll(rnn: nn.RNN, x: torch.Tensor, h_0: torch.Tensor | None = None, check: bool = True) -> RNNTrace:
    """Run `rnn` (nn.RNN, one layer, one direction, batch_first=False) step by step on `x`
    of shape (seq_len, batch, input_size), from `h_0` of shape (1, batch, hidden_size) or
    zeros. With `check`, raise RuntimeError unless the steps reproduce the layer's output."""
    _check_layer(rnn)
    if x.dim() != 3 or x.shape[-1] != rnn.input_size:
        raise ValueError(f"x should have shape (seq_len, batch, {rnn.input_size}), not {tuple(x.shape)}")
    act = torch.tanh if rnn.nonlinearity == "tanh" else torch.relu
    seq_len, batch, _ = x.shape
    with torch.no_grad():
        h = x.new_zeros(batch, rnn.hidden_size) if h_0 is None else h_0[0].clone()
        start = h
        w_ih, w_hh = rnn.weight_ih_l0, rnn.weight_hh_l0
        b_ih = rnn.bias_ih_l0 if rnn.bias else 0.0
        b_hh = rnn.bias_hh_l0 if rnn.bias else 0.0
        parts = {"from_x": [], "from_h": [], "pre": [], "h": []}
        for t in range(seq_len):
            from_x = x[t] @ w_ih.T + b_ih
            from_h = h @ w_hh.T + b_hh
            pre = from_x + from_h
            h = act(pre)
            for name, value in zip(parts, (from_x, from_h, pre, h)):
                parts[name].append(value)
        trace = RNNTrace(**{k: torch.stack(v) for k, v in parts.items()}, h_0=start)
        if check:
            output, _ = rnn(x, None if h_0 is None else h_0)
            if not torch.allclose(trace.h, output, atol=1e-5):
                raise RuntimeError("the unrolled steps disagree with nn.RNN's output")
    return trace


def first_input_memory(rnn: nn.RNN, x: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """How much the hidden state still remembers the first input, step by step.

    Runs `x` (seq_len, batch, input_size) twice: once as it is, once with `delta` added to the
    first step only. Returns, for each step t, the mean over the batch of the distance
    |h_t - h'_t| between the two runs' top-layer states, shape (seq_len,). For a plain RNN it
    usually shrinks step after step: the first input is forgotten."""
    changed = x.clone()
    changed[0] += delta
    with torch.no_grad():
        a, _ = rnn(x)
        b, _ = rnn(changed)
    return (a - b).norm(dim=-1).mean(dim=1)


def first_input_gradients(rnn: nn.RNN, x: torch.Tensor) -> torch.Tensor:
    """For each step t, the norm of the gradient of h_t's sum (top layer) with respect to the
    first input x_1, averaged over the batch: shape (seq_len,). Backpropagation through time
    multiplies one Jacobian per step, so this shrinks (vanishing) or grows (exploding)."""
    x1 = x[:1].clone().requires_grad_(True)
    output, _ = rnn(torch.cat([x1, x[1:]]))
    norms = []
    for t in range(x.shape[0]):
        (grad,) = torch.autograd.grad(output[t].sum(), x1, retain_graph=True)
        norms.append(grad[0].norm(dim=-1).mean())
    return torch.stack(norms).detach()
