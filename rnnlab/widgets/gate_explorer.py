"""One LSTM step, live: move the input, the previous h and c, and the forget-gate bias."""

from __future__ import annotations

import ipywidgets as W
import torch
from torch import nn

from .. import colours
from ..gates import lstm_step
from ._base import MIN_FONT_PT, FigureWidget, readout_html


class GateExplorer(FigureWidget):
    """A one-unit nn.LSTMCell(1, 1), one step at a time.

    Sliders set x_t, h_(t-1), c_(t-1) and the forget-gate bias b_f (the sum of the forget
    slices of bias_ih and bias_hh, which PyTorch adds). The widget shows the four gates and how
    c_t = f * c_(t-1) + i * g and h_t = o * tanh(c_t) come out, recomputed from the cell's own
    weights and checked against the cell's forward pass at every update.
    """

    css_class = "rnnlab-gate-explorer"

    def __init__(self, cell: nn.LSTMCell | None = None, x: float = 1.0, h: float = 0.0, c: float = 0.5):
        super().__init__(figsize=(7.2, 2.6))
        if cell is None:
            torch.manual_seed(3)
            cell = nn.LSTMCell(1, 1)
        if (cell.input_size, cell.hidden_size) != (1, 1) or cell.bias_ih is None:
            raise ValueError("GateExplorer shows one unit: pass nn.LSTMCell(1, 1) with biases")
        self.cell = cell
        slider = dict(continuous_update=True, readout_format=".2f", style={"description_width": "9em"})
        self.x = W.FloatSlider(value=x, min=-3, max=3, step=0.1, description="input x_t", **slider)
        self.h = W.FloatSlider(value=h, min=-1, max=1, step=0.05, description="previous h", **slider)
        self.c = W.FloatSlider(value=c, min=-3, max=3, step=0.1, description="previous c", **slider)
        # start on the slider's grid: a browser snaps an off-grid value and sends it back later,
        # which would overwrite values a notebook sets in the meantime
        self.forget_bias = W.FloatSlider(
            value=round(self._forget_bias() * 4) / 4, min=-6, max=6, step=0.25, description="forget bias b_f", **slider
        )
        for name in ("x", "h", "c", "forget_bias"):  # stable hooks for browser tests
            getattr(self, name).add_class(f"rnnlab-control-{name.replace('_', '-')}")
        self.readout = W.HTML()
        self.readout.add_class("rnnlab-readout")
        self.values: dict[str, float] = {}

        ax_g, ax_c = self.fig.subplots(1, 2, width_ratios=[1, 1.3])
        self.gate_bars = ax_g.bar(list(colours.GATES), [0] * 4, color=list(colours.GATES.values()))
        ax_g.set_ylim(-1, 1)
        ax_g.axhline(0, color="k", lw=0.8)
        ax_g.set_title("gates (i, f, o in 0..1; g in -1..1)")
        labels = ["c_(t-1)", "f*c_(t-1)\nkept", "i*g\nwritten", "c_t", "h_t"]
        self.state_bars = ax_c.bar(labels, [0] * 5, color=list(colours.CELL_BARS.values()))
        ax_c.set_ylim(-4, 4)
        ax_c.axhline(0, color="k", lw=0.8)
        ax_c.set_title("c_t = f*c_(t-1) + i*g,   h_t = o*tanh(c_t)")
        self.state_text = [ax_c.text(k, 0, "", ha="center", va="bottom", fontsize=MIN_FONT_PT) for k in range(5)]
        self.animate(*self.gate_bars, *self.state_bars, *self.state_text)

        for control in (self.x, self.h, self.c, self.forget_bias):
            control.observe(self.update, names="value")
        self.widget = W.VBox(
            [W.HBox([W.VBox([self.x, self.h]), W.VBox([self.c, self.forget_bias])]), W.HBox([self.image, self.readout])]
        )
        self.widget.add_class(self.css_class)
        self.update()

    def _forget_bias(self) -> float:
        return (self.cell.bias_ih[1] + self.cell.bias_hh[1]).item()

    def compute(self) -> dict[str, float]:
        """Gates and new state for the current slider values, from the cell's weights."""
        with torch.no_grad():
            self.cell.bias_ih[1] = self.forget_bias.value - self.cell.bias_hh[1]
            x = torch.tensor([[self.x.value]])
            h = torch.tensor([[self.h.value]])
            c = torch.tensor([[self.c.value]])
            cell = self.cell
            i, f, g, o, c_new, h_new = lstm_step(x, h, c, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
            h_ref, c_ref = cell(x, (h, c))
        if not (torch.allclose(h_new, h_ref, atol=1e-6) and torch.allclose(c_new, c_ref, atol=1e-6)):
            raise RuntimeError("recomputed step disagrees with nn.LSTMCell")
        return {k: v.item() for k, v in zip("ifgoch", (i, f, g, o, c_new, h_new))}

    def alt_text(self) -> str:
        v = self.values
        return (
            f"Bar charts of one LSTM step for input x_t {self.x.value:.2f}, previous h {self.h.value:.2f}, "
            f"previous c {self.c.value:.2f} and forget bias {self.forget_bias.value:.2f}. Gates: i {v['i']:.2f}, "
            f"f {v['f']:.2f}, g {v['g']:+.2f}, o {v['o']:.2f}. Cell: c_(t-1) {self.c.value:+.2f}, kept "
            f"f*c_(t-1) {v['f'] * self.c.value:+.2f}, written i*g {v['i'] * v['g']:+.2f}, c_t {v['c']:+.2f}, "
            f"h_t {v['h']:+.2f}."
        )

    def update(self, change=None) -> None:
        v = self.values = self.compute()
        kept, written = v["f"] * self.c.value, v["i"] * v["g"]
        for bar, name in zip(self.gate_bars, "ifgo"):
            bar.set_height(v[name])
        heights = [self.c.value, kept, written, v["c"], v["h"]]
        for bar, text, value in zip(self.state_bars, self.state_text, heights):
            bar.set_height(value)
            text.set_position((bar.get_x() + bar.get_width() / 2, max(value, 0) + 0.1))
            text.set_text(f"{value:+.2f}")
        self.readout.value = readout_html(
            [
                ("i", f"{v['i']:.3f}"),
                ("f", f"{v['f']:.3f}"),
                ("g", f"{v['g']:+.3f}"),
                ("o", f"{v['o']:.3f}"),
                ("c_t", f"{v['c']:+.3f}"),
                ("h_t", f"{v['h']:+.3f}"),
                ("f<sup>10</sup>: share of c kept over 10 such steps", f"{v['f'] ** 10:.3f}"),
            ]
        )
        self.render()
