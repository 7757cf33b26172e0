"""Tables for the course's cheat sheet, computed by running torch so they cannot go stale."""

from __future__ import annotations

import itertools
import warnings

import torch
from torch import nn

LAYERS = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}


def shape_rows(
    input_size: int = 10, hidden_size: int = 20, seq_len: int = 7, batch: int = 3, proj_size: int = 5
) -> list[dict]:
    """One row per layer type and option: the shapes that forward really returns."""
    rows = []
    for (name, cls), layers, bidirectional, batch_first in itertools.product(
        LAYERS.items(), (1, 2), (False, True), (False, True)
    ):
        for proj in (0, proj_size) if name == "LSTM" else (0,):
            kwargs = dict(num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
            if proj:
                kwargs["proj_size"] = proj
            layer = cls(input_size, hidden_size, **kwargs)
            x = torch.zeros((batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size))
            with torch.no_grad(), warnings.catch_warnings():
                # torch notes once that projections bypass oneDNN; it says nothing about shapes
                warnings.filterwarnings("ignore", message="LSTM with projections")
                output, state = layer(x)
            h_n, c_n = state if name == "LSTM" else (state, None)
            rows.append(
                {
                    "layer": name,
                    "num_layers": layers,
                    "bidirectional": bidirectional,
                    "batch_first": batch_first,
                    "proj_size": proj,
                    "input": tuple(x.shape),
                    "output": tuple(output.shape),
                    "h_n": tuple(h_n.shape),
                    "c_n": tuple(c_n.shape) if c_n is not None else None,
                }
            )
    return rows


def parameter_rows(input_size: int = 10, hidden_size: int = 20) -> list[dict]:
    """Parameter counts: the formula against what the layer really holds."""
    gates = {"RNN": 1, "GRU": 3, "LSTM": 4}
    rows = []
    for name, layers, bidirectional in itertools.product(LAYERS, (1, 2), (False, True)):
        layer = LAYERS[name](input_size, hidden_size, num_layers=layers, bidirectional=bidirectional)
        d = 2 if bidirectional else 1
        g, h = gates[name], hidden_size
        first = g * h * (input_size + h + 2)  # W_ih, W_hh, b_ih, b_hh of layer 0
        later = g * h * (d * h + h + 2)  # later layers read d * h features
        formula = d * (first + (layers - 1) * later)
        rows.append(
            {
                "layer": name,
                "num_layers": layers,
                "bidirectional": bidirectional,
                "formula": formula,
                "counted": sum(p.numel() for p in layer.parameters()),
            }
        )
    return rows


def markdown(rows: list[dict], columns: list[str]) -> str:
    """A markdown table of the given columns (booleans as yes/no, tuples as (a, b, c))."""

    def fmt(v):
        if isinstance(v, bool):
            return "yes" if v else "no"
        return "-" if v is None else str(v)

    head = "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n"
    return head + "\n".join("| " + " | ".join(fmt(r[c]) for c in columns) + " |" for r in rows)


def dropout_warning() -> str:
    """The warning PyTorch gives for dropout with a single layer (dropout acts between layers)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.LSTM(4, 8, num_layers=1, dropout=0.5)
    return str(caught[0].message) if caught else ""
