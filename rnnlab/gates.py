"""Recompute every gate of an nn.LSTM from its weights.

nn.LSTM returns only `output` and `(h_n, c_n)`, and a forward hook sees only what a module takes
and returns, so no hook sees the gates, on the CPU as on a GPU: they are intermediate values
inside the layer's forward call (on a GPU, inside cuDNN's fused kernel). This module recomputes
them step by step from the layer's own parameters:

    i = sigmoid(x W_ii^T + b_ii + h W_hi^T + b_hi)      input gate      ("how much to write")
    f = sigmoid(x W_if^T + b_if + h W_hf^T + b_hf)      forget gate     ("how much to keep")
    g =    tanh(x W_ig^T + b_ig + h W_hg^T + b_hg)      candidate       ("what to write")
    o = sigmoid(x W_io^T + b_io + h W_ho^T + b_ho)      output gate     ("how much to show")
    c' = f * c + i * g
    h' = o * tanh(c')            (then h' W_hr^T when proj_size > 0)

PyTorch stacks the four blocks in `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}` and
`bias_hh_l{k}` in the order i, f, g, o (suffix `_reverse` for the backward direction), and
adds both biases. Layer k+1 reads the concatenated directions of layer k.

`lstm_gates` returns an `LSTMTrace` whose `output`, `h_n` and `c_n` reproduce the layer's own
results (float32, about 1e-7), which the tests check on many random configurations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

GATES = ("i", "f", "g", "o")
GATE_TITLES = {
    "i": "input gate i",
    "f": "forget gate f",
    "g": "candidate g",
    "o": "output gate o",
    "c": "cell state c",
    "h": "hidden state h",
}


@dataclass
class LSTMTrace:
    """Everything an nn.LSTM computed, step by step.

    `i, f, g, o, c` have shape (num_layers, num_directions, seq_len, batch, hidden_size) and
    `h` has (..., proj_size or hidden_size). Time index t is the position in the input for both
    directions, so the backward direction's values at t line up with `output[t]`.
    `output`, `h_n`, `c_n` are in the same layout nn.LSTM itself returns for this input.
    """

    i: torch.Tensor
    f: torch.Tensor
    g: torch.Tensor
    o: torch.Tensor
    c: torch.Tensor
    h: torch.Tensor
    output: torch.Tensor
    h_n: torch.Tensor
    c_n: torch.Tensor

    def __getitem__(self, name: str) -> torch.Tensor:
        if name not in GATE_TITLES:
            raise KeyError(f"unknown trace {name!r}; choose one of {', '.join(GATE_TITLES)}")
        return getattr(self, name)

    def get(self, name: str, layer: int = -1, direction: int = 0, sample: int = 0) -> np.ndarray:
        """One sequence's values of gate or state `name` as a (seq_len, units) NumPy array."""
        return self[name][layer, direction, :, sample].numpy()

    def saturation(
        self, low: float = 0.1, high: float = 0.9, layer: int = -1, direction: int = 0
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """For each gate, the fraction of (step, sequence) pairs each unit spends below `low`
        (left-saturated) and above `high` (right-saturated), as in Karpathy, Johnson and
        Fei-Fei (2015). The candidate g lives in (-1, 1); it is mapped to (0, 1) first."""
        out = {}
        for name in GATES:
            v = self[name][layer, direction]  # (T, B, H)
            if name == "g":
                v = (v + 1) / 2
            v = v.reshape(-1, v.shape[-1])
            out[name] = ((v < low).float().mean(0).numpy(), (v > high).float().mean(0).numpy())
        return out


def lstm_step(
    x: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    w_ih: torch.Tensor,
    w_hh: torch.Tensor,
    b_ih: torch.Tensor | None = None,
    b_hh: torch.Tensor | None = None,
) -> tuple[torch.Tensor, ...]:
    """One LSTM step from raw weights. Returns (i, f, g, o, c_new, h_new) before projection."""
    z = x @ w_ih.T + h @ w_hh.T
    if b_ih is not None:
        z = z + b_ih + b_hh
    zi, zf, zg, zo = z.chunk(4, dim=-1)
    i, f, g, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg), torch.sigmoid(zo)
    c_new = f * c + i * g
    return i, f, g, o, c_new, o * torch.tanh(c_new)


def _param(lstm: nn.LSTM, name: str, layer: int, direction: int) -> torch.Tensor | None:
    suffix = f"_l{layer}" + ("_reverse" if direction else "")
    return getattr(lstm, name + suffix, None)


@torch.no_grad()
def lstm_gates(lstm: nn.LSTM, x: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor] | None = None) -> LSTMTrace:
    """Recompute the gates, cell and hidden states of `lstm` on input `x`.

    Accepts what nn.LSTM accepts: (seq_len, batch, input_size), or (batch, seq_len,
    input_size) when `batch_first=True`, or an unbatched (seq_len, input_size); and an optional
    initial state `hx = (h_0, c_0)`. Any `num_layers`, `bidirectional` and `proj_size`.
    """
    if not isinstance(lstm, nn.LSTM):
        raise TypeError(f"lstm_gates expects an nn.LSTM, got {type(lstm).__name__}")
    if lstm.training and lstm.dropout > 0 and lstm.num_layers > 1:
        raise ValueError(
            "this LSTM is in training mode with dropout between layers, so its output is random; call lstm.eval() first"
        )
    if x.dim() not in (2, 3):
        raise ValueError(f"expected a 2-D (unbatched) or 3-D input, got shape {tuple(x.shape)}")
    if x.shape[-1] != lstm.input_size:
        raise ValueError(f"input has {x.shape[-1]} features but the LSTM expects input_size={lstm.input_size}")

    batched = x.dim() == 3
    if not batched:
        x = x.unsqueeze(1)
        if hx is not None:
            hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
    elif lstm.batch_first:
        x = x.transpose(0, 1)
    seq_len, batch = x.shape[0], x.shape[1]
    layers, dirs = lstm.num_layers, 2 if lstm.bidirectional else 1
    hidden = lstm.hidden_size
    h_size = lstm.proj_size or hidden
    dtype = lstm.weight_ih_l0.dtype
    x = x.to(dtype)

    shape = (layers, dirs, seq_len, batch)
    trace = {k: x.new_zeros(shape + (hidden,)) for k in ("i", "f", "g", "o", "c")}
    trace["h"] = x.new_zeros(shape + (h_size,))
    h_n = x.new_zeros(layers * dirs, batch, h_size)
    c_n = x.new_zeros(layers * dirs, batch, hidden)

    layer_in = x
    for layer in range(layers):
        for d in range(dirs):
            w_ih, w_hh = _param(lstm, "weight_ih", layer, d), _param(lstm, "weight_hh", layer, d)
            b_ih, b_hh = _param(lstm, "bias_ih", layer, d), _param(lstm, "bias_hh", layer, d)
            w_hr = _param(lstm, "weight_hr", layer, d)
            k = layer * dirs + d
            h = hx[0][k].to(dtype) if hx is not None else x.new_zeros(batch, h_size)
            c = hx[1][k].to(dtype) if hx is not None else x.new_zeros(batch, hidden)
            steps = range(seq_len - 1, -1, -1) if d else range(seq_len)
            for t in steps:
                i, f, g, o, c, h = lstm_step(layer_in[t], h, c, w_ih, w_hh, b_ih, b_hh)
                if w_hr is not None:
                    h = h @ w_hr.T
                for name, value in zip("ifgoch", (i, f, g, o, c, h)):
                    trace[name][layer, d, t] = value
            h_n[k], c_n[k] = h, c
        # the next layer reads both directions side by side, forward first
        layer_in = torch.cat([trace["h"][layer, d] for d in range(dirs)], dim=-1)

    output = layer_in
    if not batched:
        output, h_n, c_n = output.squeeze(1), h_n.squeeze(1), c_n.squeeze(1)
    elif lstm.batch_first:
        output = output.transpose(0, 1)
    return LSTMTrace(output=output, h_n=h_n, c_n=c_n, **trace)
