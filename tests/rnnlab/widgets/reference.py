"""Independent references for the widget truth tests: plain tensor code from a layer's weights.

Nothing here imports rnnlab. Each function follows the textbook equations directly (PyTorch's
documentation of nn.RNN, nn.LSTM, nn.GRU), one sequence at a time, so that a widget's drawn
values can be checked against something the widget's own code path never touched. Each
reference is itself checked against the layer's forward pass in the tests that use it.
"""

from __future__ import annotations

import torch


def _weights(layer, kind: str, k: int, reverse: bool):
    sfx = f"_l{k}" + ("_reverse" if reverse else "")
    get = lambda name: getattr(layer, name + sfx, None)  # noqa: E731
    return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"), get("weight_hr")


@torch.no_grad()
def lstm_by_hand(lstm, seq: torch.Tensor) -> dict:
    """Gates and states of every layer and direction of `lstm` on one sequence `seq` (T, input).

    Returns {"i"|"f"|"g"|"o"|"c"|"h": {(layer, direction): (T, units) tensor}, "output": (T,
    directions * units)}. Time index t is the input position for both directions."""
    T = seq.shape[0]
    dirs = 2 if lstm.bidirectional else 1
    out = {name: {} for name in "ifgoch"}
    layer_in = seq.float()
    for k in range(lstm.num_layers):
        per_direction = []
        for d in range(dirs):
            w_ih, w_hh, b_ih, b_hh, w_hr = _weights(lstm, "lstm", k, d == 1)
            H = w_hh.shape[0] // 4
            h = torch.zeros(w_hh.shape[1])
            c = torch.zeros(H)
            rows = {name: [None] * T for name in "ifgoch"}
            for t in range(T - 1, -1, -1) if d else range(T):
                z = w_ih @ layer_in[t] + w_hh @ h
                if b_ih is not None:
                    z = z + b_ih + b_hh
                i = 1 / (1 + torch.exp(-z[0:H]))
                f = 1 / (1 + torch.exp(-z[H : 2 * H]))
                g = torch.tanh(z[2 * H : 3 * H])
                o = 1 / (1 + torch.exp(-z[3 * H : 4 * H]))
                c = f * c + i * g
                h = o * torch.tanh(c)
                if w_hr is not None:
                    h = w_hr @ h
                for name, value in zip("ifgoch", (i, f, g, o, c, h)):
                    rows[name][t] = value
            for name in "ifgoch":
                out[name][(k, d)] = torch.stack(rows[name])
            per_direction.append(out["h"][(k, d)])
        layer_in = torch.cat(per_direction, dim=1)
    out["output"] = layer_in
    return out


@torch.no_grad()
def lstm_cell_by_hand(cell, x: float, h: float, c: float) -> dict:
    """One step of a one-unit nn.LSTMCell, in scalars: gates, the new c and h."""
    w_ih, w_hh = cell.weight_ih[:, 0], cell.weight_hh[:, 0]
    z = w_ih * x + w_hh * h + cell.bias_ih + cell.bias_hh
    sig = lambda v: 1 / (1 + torch.exp(-v))  # noqa: E731
    i, f, g, o = sig(z[0]), sig(z[1]), torch.tanh(z[2]), sig(z[3])
    c_new = f * c + i * g
    return {
        "i": i.item(),
        "f": f.item(),
        "g": g.item(),
        "o": o.item(),
        "c": c_new.item(),
        "h": (o * torch.tanh(c_new)).item(),
    }


@torch.no_grad()
def rnn_parts_by_hand(
    rnn, seq: torch.Tensor, w_hh: torch.Tensor | None = None, dtype: torch.dtype = torch.float32
) -> dict:
    """A one-layer tanh RNN on one sequence (T, input): per step the input part x_t W_ih^T + b_ih,
    the recurrent part h_(t-1) W_hh^T + b_hh and h_t, each (T, units), computed in `dtype`."""
    w_hh = (rnn.weight_hh_l0 if w_hh is None else w_hh).to(dtype)
    w_ih, b_ih, b_hh = (p.to(dtype) for p in (rnn.weight_ih_l0, rnn.bias_ih_l0, rnn.bias_hh_l0))
    h = torch.zeros(w_hh.shape[0], dtype=dtype)
    parts = {"from_x": [], "from_h": [], "h": []}
    for x_t in seq.to(dtype):
        from_x = w_ih @ x_t + b_ih
        from_h = w_hh @ h + b_hh
        h = torch.tanh(from_x + from_h)
        for name, value in zip(parts, (from_x, from_h, h)):
            parts[name].append(value)
    return {name: torch.stack(v) for name, v in parts.items()}


def recurrent_grad_norms(layer, kind: str, x: torch.Tensor) -> torch.Tensor:
    """||dL/dh_t|| for t = 1..T with L = sum of h_T, for a one-layer time-major nn.RNN, nn.LSTM
    or nn.GRU on x (T, batch, input), unrolled by hand from its weights (float64 norms)."""
    w_ih, w_hh, b_ih, b_hh, _ = _weights(layer, kind, 0, False)
    T, B = x.shape[:2]
    H = w_hh.shape[1]
    h = torch.zeros(B, H)
    c = torch.zeros(B, H)
    hs = []
    for t in range(T):
        gi = x[t] @ w_ih.T + b_ih
        gh = h @ w_hh.T + b_hh
        if kind == "rnn":
            h = torch.tanh(gi + gh)
        elif kind == "lstm":
            i, f, g, o = (gi + gh).chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        elif kind == "gru":
            ir, iz, in_ = gi.chunk(3, dim=1)
            hr, hz, hn = gh.chunk(3, dim=1)
            r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
            n = torch.tanh(in_ + r * hn)
            h = (1 - z) * n + z * h
        else:
            raise ValueError(kind)
        hs.append(h)
    grads = torch.autograd.grad(hs[-1].sum(), hs)
    return torch.stack([g.double().norm() for g in grads])


@torch.no_grad()
def min_gru_coefficients(cell, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """a_t = 1 - z_t and b_t = z_t g(h~_t) of a minGRU layer (attributes linear_z, linear_h) on x
    (batch, T, input), from its weights by the paper's equations; g(v) = v + 1/2 for v >= 0,
    sigmoid(v) below."""
    z = torch.sigmoid(x @ cell.linear_z.weight.T + cell.linear_z.bias)
    pre = x @ cell.linear_h.weight.T + cell.linear_h.bias
    candidate = torch.where(pre >= 0, pre + 0.5, torch.sigmoid(pre))
    return 1 - z, z * candidate


def linear_stretch(a, b, first: int, last: int, h: float = 0.0) -> tuple[float, float, float]:
    """Steps first..last (counted from 1) of h_t = a_t h_(t-1) + b_t on one-dimensional a, b:
    (the product of their a, the h they reach from h = 0, the h they reach from `h`), one step
    after the other in Python floats."""
    A, B = 1.0, 0.0
    for t in range(first - 1, last):
        A, B, h = float(a[t]) * A, float(a[t]) * B + float(b[t]), float(a[t]) * h + float(b[t])
    return A, B, h
