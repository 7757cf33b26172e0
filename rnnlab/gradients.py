"""How gradients flow back through time in nn.RNN, nn.LSTM and nn.GRU.

Backpropagation through time multiplies one Jacobian per step, so the gradient of a loss at the
last step with respect to an early hidden state shrinks or grows with the distance. This module
measures it on PyTorch's own layers:

- `hidden_grad_norms(layer, x)`: the norm of dL/dh_t for every step t. `output` is downstream
  of the recurrence (each h_t is first used by the next step, then collected into `output`),
  so the gradient of `output` holds only the direct part of dL/dh_t, nothing that flows back
  through later steps; an unfused Python loop ending in torch.stack gives the same. So the
  layer is run one step at a time, keeping each step's state, and autograd differentiates the
  loss with respect to all of them. The norms are taken in float64 (`norms64`): in float32,
  with denormals flushed to zero, the squares of entries near 1e-20 underflow and the norm of
  a gradient that is not zero comes out as 0.
- `cell_highway(lstm, x)`: the gradient along an LSTM's cell state, next to the product of
  its forget gates.
- `set_forget_bias(lstm, value)`: PyTorch adds `bias_ih` and `bias_hh`, and stacks the gates
  as i, f, g, o, so the forget gate's bias is the sum of the slices [H:2H] of both.
- `regime(norms)`: vanishing, stable or exploding, from the first and last norms.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
from torch import nn

RECURRENT = (nn.RNN, nn.LSTM, nn.GRU)
KINDS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def make_layer(
    kind: str, input_size: int, hidden_size: int, forget_bias: float | None = None, seed: int | None = None, **kwargs
) -> nn.Module:
    """nn.RNN, nn.LSTM or nn.GRU by name ("rnn", "lstm", "gru"), seeded without touching the
    global random state when `seed` is given. `forget_bias` (LSTM only) sets the forget gate's
    total bias with `set_forget_bias`."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
    if forget_bias is not None and kind != "lstm":
        raise ValueError("only an LSTM has a forget gate")
    with torch.random.fork_rng():
        if seed is not None:
            torch.manual_seed(seed)
        layer = KINDS[kind](input_size, hidden_size, **kwargs)
    if forget_bias is not None:
        set_forget_bias(layer, forget_bias)
    return layer


def _bias_pairs(lstm: nn.Module) -> list[tuple[str, torch.Tensor, torch.Tensor]]:
    """(suffix, bias_ih, bias_hh) for every layer and direction of an nn.LSTM or nn.LSTMCell."""
    if isinstance(lstm, nn.LSTMCell):
        return [("", lstm.bias_ih, lstm.bias_hh)] if lstm.bias else []
    if not isinstance(lstm, nn.LSTM):
        raise TypeError(f"expected nn.LSTM or nn.LSTMCell, got {type(lstm).__name__}")
    if not lstm.bias:
        return []
    pairs = []
    for layer in range(lstm.num_layers):
        for suffix in ("", "_reverse")[: 2 if lstm.bidirectional else 1]:
            s = f"_l{layer}{suffix}"
            pairs.append((s, getattr(lstm, "bias_ih" + s), getattr(lstm, "bias_hh" + s)))
    return pairs


def set_forget_bias(lstm: nn.Module, value: float) -> nn.Module:
    """Make the forget gate's bias `value` in every layer and direction, in place.

    PyTorch computes each gate from `bias_ih + bias_hh`, with the gates stacked as i, f, g, o:
    the forget gate is the block [H:2H]. This sets that block of `bias_ih` to `value` and of
    `bias_hh` to 0, so their sum is `value`; every other parameter is left alone. Returns the
    module. An LSTM built with bias=False has no bias to set: that raises ValueError."""
    pairs = _bias_pairs(lstm)
    if not pairs:
        raise ValueError("this LSTM has no biases (bias=False)")
    H = lstm.hidden_size
    with torch.no_grad():
        for _, b_ih, b_hh in pairs:
            b_ih[H : 2 * H] = value
            b_hh[H : 2 * H] = 0.0
    return lstm


def forget_biases(lstm: nn.Module) -> dict[str, torch.Tensor]:
    """The forget gate's total bias (bias_ih + bias_hh)[H:2H] per layer and direction, by
    parameter suffix ("_l0", "_l0_reverse", ...; "" for an LSTMCell)."""
    H = lstm.hidden_size
    return {s: (b_ih + b_hh)[H : 2 * H].detach().clone() for s, b_ih, b_hh in _bias_pairs(lstm)}


def _check_layer(layer: nn.Module, x: torch.Tensor) -> None:
    if not isinstance(layer, RECURRENT):
        raise TypeError(f"expected nn.RNN, nn.LSTM or nn.GRU, got {type(layer).__name__}")
    if layer.bidirectional:
        raise ValueError("a bidirectional layer cannot be run one step at a time")
    if layer.batch_first:
        raise ValueError("use batch_first=False: x is (seq_len, batch, input_size)")
    if x.dim() != 3:
        raise ValueError(f"x should be (seq_len, batch, input_size), got shape {tuple(x.shape)}")


def sum_of_last(h_last: torch.Tensor) -> torch.Tensor:
    """The default loss: the sum of the last layer's final hidden state, so dL/dh_T is all ones."""
    return h_last.sum()


CELLS = {nn.RNN: nn.RNNCell, nn.LSTM: nn.LSTMCell, nn.GRU: nn.GRUCell}


def as_cell(layer: nn.Module) -> nn.Module:
    """An nn.RNNCell, nn.LSTMCell or nn.GRUCell that shares the parameters of a one-layer
    nn.RNN, nn.LSTM or nn.GRU (the same objects: gradients reach the layer). Per step, a cell
    costs two to three times less than calling the layer on a sequence of length 1."""
    if layer.num_layers != 1 or getattr(layer, "proj_size", 0):
        raise ValueError("only a one-layer layer without projections has an equivalent cell")
    kind = next(cell for cls, cell in CELLS.items() if isinstance(layer, cls))
    extra = {"nonlinearity": layer.nonlinearity} if isinstance(layer, nn.RNN) else {}
    with torch.random.fork_rng():  # the cell's own random init is discarded
        cell = kind(layer.input_size, layer.hidden_size, bias=layer.bias, **extra)
    names = ("weight_ih", "weight_hh") + (("bias_ih", "bias_hh") if layer.bias else ())
    for name in names:
        setattr(cell, name, getattr(layer, name + "_l0"))
    return cell


def unroll(layer: nn.Module, x: torch.Tensor, hx=None) -> tuple[list, list]:
    """Run `layer` one step at a time. Returns the hidden states h_1..h_T and (for an LSTM)
    the cell states c_1..c_T, each part of the graph: tensors of shape (batch, hidden_size)
    for a one-layer layer (run as a cell sharing its weights), (num_layers, batch,
    hidden_size) otherwise. `hx` is the initial state as the layer takes it (zeros if None)."""
    _check_layer(layer, x)
    hs, cs = [], []
    is_lstm = isinstance(layer, nn.LSTM)
    if layer.num_layers == 1 and not getattr(layer, "proj_size", 0):
        cell = as_cell(layer)
        zeros = x.new_zeros(x.shape[1], layer.hidden_size)
        if is_lstm:
            state = (zeros, zeros) if hx is None else (hx[0][0], hx[1][0])
        else:
            state = zeros if hx is None else hx[0]
        for t in range(x.shape[0]):
            state = cell(x[t], state)
            hs.append(state[0] if is_lstm else state)
            if is_lstm:
                cs.append(state[1])
        return hs, cs
    state = hx
    for t in range(x.shape[0]):
        _, state = layer(x[t : t + 1], state)
        hs.append(state[0] if is_lstm else state)
        if is_lstm:
            cs.append(state[1])
    return hs, cs


def hidden_grad_norms(
    layer: nn.Module, x: torch.Tensor, loss_fn: Callable[[torch.Tensor], torch.Tensor] = sum_of_last, hx=None
) -> torch.Tensor:
    """||dL/dh_t|| for t = 1..T, where h_t is the hidden state after step t (of every layer)
    and L = loss_fn(last layer's h_T, shape (batch, hidden_size)). Returns a float64 tensor of
    shape (T,), without a graph (see `norms64` for why float64).

    The norm is taken over the whole state (every layer, sequence and unit). For an LSTM it is
    the gradient with respect to h_t, with the cell state c_t held as a separate variable.
    """
    hs, _ = unroll(layer, x, hx)
    last = hs[-1] if hs[-1].dim() == 2 else hs[-1][-1]
    grads = torch.autograd.grad(loss_fn(last), hs)
    return norms64(grads)


def norms64(tensors) -> torch.Tensor:
    """The 2-norm of each tensor, computed in float64: a float64 tensor of shape (len(tensors),),
    without a graph. A float32 norm squares the entries first, and squares of entries below
    about 1e-19 fall under float32's normal range (1.2e-38): with denormals flushed to zero, as
    rnnlab.setup() does, an early step's gradient of entries near 1e-20 gets norm 0 in float32
    and about 1e-20 * sqrt(size) in float64."""
    return torch.stack([t.detach().double().norm() for t in tensors])


def cell_highway(lstm: nn.LSTM, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The gradient along the cell state of a one-layer nn.LSTM, next to the forget gates.

    Returns two (batch, hidden_size) tensors: d(sum of c_T)/dc_0 for every unit, from
    autograd (c_0 = 0 is an input of the layer, upstream of every step, so this is the full
    gradient), and the
    product of that unit's forget gates f_1 ... f_T, which is the gradient along the direct
    path c_0 -> c_1 -> ... -> c_T alone (dc_t/dc_(t-1) = f_t there). Where the two agree, the
    cell state is the road the gradient travels."""
    if not isinstance(lstm, nn.LSTM) or lstm.num_layers != 1 or lstm.bidirectional:
        raise TypeError("expected a one-layer, one-direction nn.LSTM")
    _check_layer(lstm, x)
    from .gates import lstm_gates

    batch = x.shape[1]
    h0 = x.new_zeros(1, batch, lstm.proj_size or lstm.hidden_size)
    c0 = x.new_zeros(1, batch, lstm.hidden_size, requires_grad=True)
    _, (_, c_n) = lstm(x, (h0, c0))
    (grad,) = torch.autograd.grad(c_n.sum(), c0)
    forget = lstm_gates(lstm, x, (h0, c0.detach())).f[0, 0]  # (T, batch, hidden)
    return grad[0].detach(), forget.prod(dim=0)


# Gradient norms below this take no part in per_step_factor: float32's denormal range starts
# near 1.2e-38, where kept denormals lose precision, flushed ones become 0, and CPUs differ;
# eight orders of magnitude above it, their contribution to a norm is below 1e-8 of it.
FACTOR_FLOOR = 1e-30


def per_step_factor(norms: torch.Tensor) -> float:
    """How much one step back multiplies the gradient norm, on average: the geometric mean of
    ||dL/dh_t|| / ||dL/dh_(t+1)|| over the steps after the last one whose norm is below
    FACTOR_FLOOR (1e-30) or NaN. The floor is a margin above float32's denormal range (below
    about 1.2e-38), where gradients lose precision or are flushed to 0, so that the factor does
    not depend on the CPU or on torch.set_flush_denormal. Below 1 the gradient shrinks with the
    distance, above 1 it grows (regime() judges the whole length); 0 when only the last step's
    norm reaches the floor."""
    norms = torch.as_tensor(norms, dtype=torch.float64)
    if norms.dim() != 1 or norms.numel() < 2:
        raise ValueError("need a 1-D tensor of at least two norms")
    if not norms[-1] >= FACTOR_FLOOR:
        raise ValueError(f"the gradient at the last step is zero or below {FACTOR_FLOOR:g}")
    below = torch.nonzero(~(norms >= FACTOR_FLOOR)).flatten()  # NaN counts as below
    first = int(below[-1]) + 1 if below.numel() else 0
    if first == norms.numel() - 1:
        return 0.0
    return float((norms[first] / norms[-1]) ** (1.0 / (norms.numel() - 1 - first)))


def regime(norms: torch.Tensor, low: float = 1e-2, high: float = 1e2) -> str:
    """ "vanishing" when the first step gets less than `low` times the last step's gradient norm,
    "exploding" when more than `high` times, else "stable"."""
    norms = torch.as_tensor(norms, dtype=torch.float64)
    ratio = float(norms[0] / norms[-1])
    if not ratio == ratio:  # NaN: 0/0 or inf/inf
        return "exploding" if torch.isinf(norms).any() else "vanishing"
    if ratio < low:
        return "vanishing"
    if ratio > high:
        return "exploding"
    return "stable"


def scale_recurrent(layer: nn.Module, scale: float) -> nn.Module:
    """Multiply every recurrent weight matrix (weight_hh_l*) by `scale`, in place."""
    with torch.no_grad():
        for name, p in layer.named_parameters():
            if name.startswith("weight_hh"):
                p.mul_(scale)
    return layer


def denormal_timing(
    steps: int = 300, batch: int = 64, hidden: int = 32, repeats: int = 3, start: float = 1e-39
) -> dict[str, float]:
    """Seconds for the forward pass of a tanh RNN whose state has faded into the denormal
    range (tiny initial state, no input, no bias, orthogonal recurrent weights), with denormal
    numbers kept ("denormals kept") and with them flushed to zero ("flushed to zero"), and the
    share of the states that were denormal in the first run. Torch cannot report the current
    flush setting, so this leaves flushing on, as rnnlab.setup() does."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        rnn = nn.RNN(1, hidden, bias=False)
        q, _ = torch.linalg.qr(torch.randn(hidden, hidden))
        noise = torch.randn(1, batch, hidden)
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(q)
    x = torch.zeros(steps, batch, 1)
    result = {}
    try:
        for label, flush in (("denormals kept", False), ("flushed to zero", True)):
            torch.set_flush_denormal(flush)
            h0 = start * noise  # made after the switch: 0 if flushed
            with torch.no_grad():
                output, _ = rnn(x, h0)  # warm-up
                if not flush:
                    tiny = torch.finfo(output.dtype).tiny  # the smallest normal float32
                    share = ((output != 0) & (output.abs() < tiny)).float().mean().item()
                t0 = time.perf_counter()
                for _ in range(repeats):
                    rnn(x, h0)
                result[label] = (time.perf_counter() - t0) / repeats
    finally:
        torch.set_flush_denormal(True)
    result["share of states that are denormal"] = share
    return result
