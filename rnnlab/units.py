"""Units that track the text (chapter 09): what is true at each character of code-like text
(`text_features`), every state and gate of a character model's recurrent layer over it,
recomputed from its weights (`unit_trace`), and the units whose values follow a feature best
(`rank_units`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .language_model import CharLM, Vocab, gru_step


def text_features(text: str) -> dict[str, np.ndarray]:
    """What is true at each character (after reading it), as float arrays of len(text): inside quotes (after
    an odd number of '"'), bracket depth ('(' and '[' open), position in line and indent (`line_positions`)."""
    quotes, depth = [], []
    q = d = 0
    for ch in text:
        q ^= ch == '"'
        d += (ch in "([") - (ch in ")]")
        quotes.append(q)
        depth.append(d)
    column, indent = line_positions(text)
    return {
        "inside quotes": np.array(quotes, float),
        "bracket depth": np.array(depth, float),
        "position in line": column,
        "indent": indent,
    }


def line_positions(text: str) -> tuple[np.ndarray, np.ndarray]:
    """At each character: how many characters since the last newline (a newline is 0), and the
    current line's leading spaces divided by 4 (as far as they have been read)."""
    column, indent = np.zeros(len(text)), np.zeros(len(text))
    col = lead = 0
    at_start = True
    for k, ch in enumerate(text):
        if ch == "\n":
            col, lead, at_start = 0, 0, True
        else:
            col += 1
            if at_start and ch == " ":
                lead += 1
            else:
                at_start = False
        column[k], indent[k] = col, lead // 4
    return column, indent


@dataclass
class UnitTrace:
    """The states and gates of one recurrent layer of a CharLM over one text, each
    (len(text), hidden_size) float64: c, tanh(c), h, i, f, g, o for an LSTM; h, r, z, n for a GRU."""

    text: str
    values: dict

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]


@torch.no_grad()
def unit_trace(
    model: CharLM, vocab: Vocab, text: str, keep: tuple[str, ...] | None = None, layer: int = 0
) -> UnitTrace:
    """Recompute every gate of one recurrent layer of the model (the first by default; `layer` picks one of
    a stacked LSTM) from its weights, checked against the layer's own output: no hook sees a gate. An
    LSTM's trace also holds tanh(c), the cell state as h uses it. `keep` names the states and gates to
    hand back (all by default; ("c",) keeps memory low on a long text)."""
    model.eval()
    x = model.embed(vocab.encode(text))  # (T, embed)
    rnn = model.rnn
    if not 0 <= layer < rnn.num_layers or (model.cell != "lstm" and layer):
        raise ValueError(
            f"layer {layer}: this model's {model.cell.upper()} has {rnn.num_layers} layer(s)"
            + ("" if model.cell == "lstm" else ", and only its first is traced")
        )
    if model.cell == "lstm":
        for below in range(layer):  # the chosen layer's input: the outputs below it
            x = _one_layer(rnn, below, x)
        output = _one_layer(rnn, layer, x)
        values = _lstm_layer(
            *(getattr(rnn, f"{w}_l{layer}") for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")), x, output, keep
        )
        return UnitTrace(text, values)
    output = rnn(x.unsqueeze(0))[0][0]
    h, rows = torch.zeros(rnn.hidden_size), {k: [] for k in "rznh"}
    for t in range(len(text)):
        r, z, n, h = gru_step(x[t], h, rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0)
        for k, v in zip("rznh", (r, z, n, h)):
            rows[k].append(v)
    values = {k: torch.stack(v).double().numpy() for k, v in rows.items()}
    mine = torch.stack(rows["h"])
    if rnn.num_layers > 1:
        output = None  # layer 0's output is not the model's
    if output is not None and not torch.allclose(mine, output, atol=1e-4):
        raise RuntimeError("the recomputed states do not reproduce the layer's output")
    if keep is not None:
        values = {name: values[name] for name in keep}
    return UnitTrace(text, values)


STEPS = 2048  # steps of a long text traced at a time, so that nn.LSTM's workspace stays small


def _one_layer(rnn: torch.nn.LSTM, layer: int, x: torch.Tensor) -> torch.Tensor:
    """The output (T, hidden) of one layer of a stacked LSTM over its input x (T, input), run by nn.LSTM
    with that layer's weights, STEPS at a time with the state carried."""
    single = torch.nn.LSTM(x.shape[-1], rnn.hidden_size)
    for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        getattr(single, f"{w}_l0").copy_(getattr(rnn, f"{w}_l{layer}"))
    outputs, state = [], None
    for start in range(0, max(len(x), 1), STEPS):
        out, state = single(x[start : start + STEPS].unsqueeze(1), state)
        outputs.append(out[:, 0])
    return torch.cat(outputs)


FLOAT64 = ("c", "tanh(c)", "h")  # the states in float64; the gates float32 until read (_Lazy)


def _lstm_layer(w_ih, w_hh, b_ih, b_hh, x: torch.Tensor, output: torch.Tensor, keep=None) -> dict:
    """The gates of one LSTM layer at every step, STEPS at a time, keeping what `keep` names: every h_{t-1}
    is in the layer's output, so the gates are two matrix products over many steps at once; then
    c_t = f_t c_{t-1} + i_t g_t step by step, and h_t = o_t tanh(c_t) checked against the output."""
    steps, hidden = len(x), w_hh.shape[1]
    names = KEPT_LSTM if keep is None else tuple(keep)
    if set(names) - set(KEPT_LSTM):
        raise KeyError(
            f"an LSTM's trace holds {', '.join(KEPT_LSTM)}, not {', '.join(sorted(set(names) - set(KEPT_LSTM)))}"
        )
    values = {name: np.empty((steps, hidden), np.float64 if name in FLOAT64 else np.float32) for name in names}
    bias, prev = b_ih + b_hh, np.zeros(hidden)
    for start in range(0, steps, STEPS):
        end = min(start + STEPS, steps)
        h_before = output[start - 1 : end - 1] if start else torch.cat([output.new_zeros(1, hidden), output[: end - 1]])
        pre = torch.addmm(bias, x[start:end], w_ih.T)
        pre.addmm_(h_before, w_hh.T)  # in place: one (steps, 4H) float32 block
        i, f, g, o = pre.chunk(4, dim=1)
        i, f, g, o = i.sigmoid_().numpy(), f.sigmoid_().numpy(), g.tanh_().numpy(), o.sigmoid_().numpy()
        c = np.empty((end - start, hidden))
        for t in range(end - start):
            prev = c[t] = f[t] * prev + i[t] * g[t]
        squashed = np.tanh(c)
        h = o * squashed
        if not torch.allclose(torch.from_numpy(h).float(), output[start:end], atol=1e-4):
            raise RuntimeError("the recomputed states do not reproduce the layer's output")
        for name, v in (("c", c), ("tanh(c)", squashed), ("h", h), ("i", i), ("f", f), ("g", g), ("o", o)):
            if name in values:
                values[name][start:end] = v
    return _Lazy(values)


KEPT_LSTM = ("c", "tanh(c)", "h", "i", "f", "g", "o")


class _Lazy(dict):
    """Arrays converted to float64 when first read."""

    def __getitem__(self, name):
        value = dict.__getitem__(self, name)
        if value.dtype != np.float64:
            value = value.astype(np.float64)
            self[name] = value
        return value


def correlations(values: np.ndarray, feature: np.ndarray) -> np.ndarray:
    """Pearson correlation of each unit's values (T, H) with a feature (T,); 0 for a unit or a
    feature that never changes."""
    v = values - values.mean(0)
    f = feature - feature.mean()
    denom = np.sqrt((v**2).sum(0) * (f**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (v * f[:, None]).sum(0) / denom
    return np.where(denom > 0, r, 0.0)


def rank_units(values: np.ndarray, feature: np.ndarray) -> list[tuple[int, float]]:
    """(unit, correlation) for every unit, the best tracker (largest |r|) first."""
    r = correlations(values, feature)
    order = sorted(range(len(r)), key=lambda u: (-abs(r[u]), u))
    return [(u, float(r[u])) for u in order]
