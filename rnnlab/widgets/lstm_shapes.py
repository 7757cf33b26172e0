"""Every option of nn.LSTM, and the shapes it gives: computed by running a real layer."""

from __future__ import annotations

import warnings

import ipywidgets as W
import numpy as np
import torch
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch
from torch import nn

from .. import colours
from ._base import MIN_FONT_PT, FigureWidget, readout_html

MAX_STEPS, MAX_BATCH, MAX_ROWS = 8, 6, 6
PLAIN, PICKED, LAST, BOTH, GAP = 0, 1, 2, 3, 4
COLORS = [colours.SHAPE_CELLS[k] for k in ("plain", "picked", "last", "both")] + [colours.WHITE]
CELL = 8  # pixels per cell side, one of them a white gap


def _cells(codes: np.ndarray) -> np.ndarray:
    """Each cell as a CELL x CELL block with a white border, so equal neighbours stay apart."""
    big = np.kron(codes, np.ones((CELL, CELL)))
    big[CELL - 1 :: CELL, :] = GAP
    big[:, CELL - 1 :: CELL] = GAP
    return big


def lstm_shapes(
    seq_len: int,
    batch: int,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bidirectional: bool = False,
    batch_first: bool = False,
    proj_size: int = 0,
    seed: int = 0,
) -> dict:
    """Run nn.LSTM with these options on random input and report what came out.

    Returns shapes (tuples) of input, output, h_n, c_n, output[-1] and h_n[-1], the parameter
    count, and whether h_n[-1] equals the last time step of output (it does not when the layer
    is bidirectional: h_n[-1] is then the backward direction's state after reading step 0)."""
    torch.manual_seed(seed)
    lstm = nn.LSTM(
        input_size,
        hidden_size,
        num_layers=num_layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
        proj_size=proj_size,
    )
    shape = (batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size)
    with torch.no_grad(), warnings.catch_warnings():
        # an implementation note of the CPU build, not about the shapes
        warnings.filterwarnings("ignore", message="LSTM with projections is not supported with oneDNN")
        output, (h_n, c_n) = lstm(torch.randn(shape))
    last_step = output[:, -1] if batch_first else output[-1]  # (batch, features)
    return {
        "input": shape,
        "output": tuple(output.shape),
        "h_n": tuple(h_n.shape),
        "c_n": tuple(c_n.shape),
        "output[-1]": tuple(output[-1].shape),
        "h_n[-1]": tuple(h_n[-1].shape),
        "parameters": sum(p.numel() for p in lstm.parameters()),
        "h_n[-1] is the last step": bool(
            last_step.shape == h_n[-1].shape and torch.allclose(last_step, h_n[-1], atol=1e-6)
        ),
    }


class LSTMShapes(FigureWidget):
    """Controls for every shape-changing option of nn.LSTM; a picture of output and h_n.

    Left: `output`, one cell per (first index, second index), so time-major and batch-first
    layouts look different. In colours.SHAPE_CELLS, as the legend says: orange cells are what
    `output[-1]` picks, blue cells are each sequence's last step, wine (dark red) cells are
    both. Right: `h_n`, one row per layer and direction, with the row `h_n[-1]` picks in
    orange. The readout gives every shape.
    """

    css_class = "rnnlab-lstm-shapes"

    def __init__(self, seq_len: int = 5, batch: int = 3, input_size: int = 4, hidden_size: int = 6):
        super().__init__(figsize=(8.0, 3.0))
        ints = dict(continuous_update=False, style={"description_width": "7em"})
        self.seq_len = W.IntSlider(value=seq_len, min=1, max=MAX_STEPS, description="seq_len", **ints)
        self.batch = W.IntSlider(value=batch, min=1, max=MAX_BATCH, description="batch", **ints)
        self.input_size = W.IntSlider(value=input_size, min=1, max=10, description="input_size", **ints)
        self.hidden_size = W.IntSlider(value=hidden_size, min=1, max=10, description="hidden_size", **ints)
        self.num_layers = W.IntSlider(value=1, min=1, max=3, description="num_layers", **ints)
        self.proj_size = W.IntSlider(value=0, min=0, max=9, description="proj_size", **ints)
        self.bidirectional = W.Checkbox(value=False, description="bidirectional", indent=False)
        self.batch_first = W.Checkbox(value=False, description="batch_first", indent=False)
        self.controls = (
            "seq_len",
            "batch",
            "input_size",
            "hidden_size",
            "num_layers",
            "proj_size",
            "bidirectional",
            "batch_first",
        )
        for name in self.controls:
            getattr(self, name).add_class(f"rnnlab-control-{name.replace('_', '-')}")
        self.readout = W.HTML()
        self.readout.add_class("rnnlab-readout")
        self.values: dict = {}

        cmap = ListedColormap(COLORS)
        ax_o, ax_h = self.fig.subplots(1, 2, width_ratios=[MAX_BATCH, MAX_BATCH])
        self.images, self.captions = [], []
        for ax, title in ((ax_o, "output"), (ax_h, "h_n (c_n has the same rows)")):
            image = ax.imshow(
                np.full((CELL, CELL), GAP), cmap=cmap, vmin=0, vmax=4, interpolation="nearest", extent=(0, 1, 1, 0)
            )
            ax.set(xlim=(-0.1, MAX_STEPS + 0.1), ylim=(MAX_STEPS + 0.1, -0.1), xticks=[], yticks=[], title=title)
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
            self.images.append(image)
            self.captions.append(ax.text(0, MAX_STEPS + 0.1, "", va="top", fontsize=MIN_FONT_PT))
        self.row_labels = [
            ax_h.text(-0.1, k + 0.45, "", ha="right", va="center", fontsize=MIN_FONT_PT) for k in range(MAX_ROWS)
        ]
        self.fig.legend(
            handles=[
                Patch(color=COLORS[PICKED], label="picked by output[-1] or h_n[-1]"),
                Patch(color=COLORS[LAST], label="last step of each sequence"),
                Patch(color=COLORS[BOTH], label="both"),
            ],
            fontsize=MIN_FONT_PT,
            loc="outside lower center",
            ncol=3,
            frameon=False,
        )
        self.animate(*self.images, *self.captions, *self.row_labels)

        for name in self.controls:
            getattr(self, name).observe(self.update, names="value")
        sliders = W.VBox([getattr(self, n) for n in self.controls[:6]])
        boxes = W.VBox([self.bidirectional, self.batch_first, self.readout])
        self.widget = W.VBox([W.HBox([sliders, boxes]), self.image])
        self.widget.add_class(self.css_class)
        self.update()

    def options(self) -> dict:
        return {name: getattr(self, name).value for name in self.controls}

    def update(self, change=None) -> None:
        opts = self.options()
        try:
            v = lstm_shapes(**opts)
        except (ValueError, RuntimeError) as err:  # for example proj_size >= hidden_size
            self.values = {"error": str(err)}
            self.readout.value = readout_html([("nn.LSTM says", str(err))])
            for image in self.images:
                image.set_data(np.full((CELL, CELL), GAP))
            for text in self.captions + self.row_labels:
                text.set_text("")
            self.render()
            return
        self.values = v
        T, B = opts["seq_len"], opts["batch"]
        dirs = 2 if opts["bidirectional"] else 1
        rows, cols = (B, T) if opts["batch_first"] else (T, B)
        codes = np.zeros((rows, cols), dtype=int)
        codes[-1, :] += PICKED  # output[-1]: the last row
        if opts["batch_first"]:
            codes[:, -1] += LAST  # last step: the last column
        else:
            codes[-1, :] += LAST
        self._show(0, codes)
        features = v["output"][-1]
        first, second = ("batch", "time") if opts["batch_first"] else ("time", "batch")
        self.captions[0].set_text(
            f"rows: {first} ({rows}), columns: {second} ({cols});\neach cell holds {features} features"
        )
        n_rows = opts["num_layers"] * dirs
        h_codes = np.zeros((n_rows, B), dtype=int)
        h_codes[-1, :] = PICKED
        self._show(1, h_codes)
        self.captions[1].set_text(
            f"rows: layers x directions ({n_rows}), columns: batch ({B});\n"
            f"each cell holds {v['h_n'][-1]} values (c_n: {v['c_n'][-1]})"
        )
        for k, text in enumerate(self.row_labels):
            label = ""
            if k < n_rows:
                layer, direction = divmod(k, dirs)
                label = f"layer {layer}" + ((" fwd" if direction == 0 else " bwd") if dirs == 2 else "")
            text.set_text(label)
        self.readout.value = readout_html(
            [
                ("input", str(v["input"])),
                ("output", str(v["output"])),
                ("h_n", str(v["h_n"])),
                ("c_n", str(v["c_n"])),
                ("output[-1]", str(v["output[-1]"])),
                ("h_n[-1]", str(v["h_n[-1]"])),
                ("h_n[-1] equals the last step of output", str(v["h_n[-1] is the last step"])),
                ("parameters", str(v["parameters"])),
            ]
        )
        self.render()

    def _show(self, k: int, codes: np.ndarray) -> None:
        rows, cols = codes.shape
        self.images[k].set_data(_cells(codes))
        self.images[k].set_extent((0, cols, rows, 0))
        self.captions[k].set_position((0, rows + 0.15))
