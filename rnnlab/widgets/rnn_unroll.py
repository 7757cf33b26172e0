"""An RNN unrolled in time: step through a sequence and watch where the hidden state comes from."""

from __future__ import annotations

import copy
import math

import ipywidgets as W
import numpy as np
import torch
from torch import nn

from .. import colours
from ..rnn import first_input_memory, unroll
from ._base import MIN_FONT_PT, FigureWidget, number, readout_html

FROM_X, FROM_H = colours.SOURCES["x"], colours.SOURCES["h"]


def default_inputs(seq_len: int) -> dict[str, torch.Tensor]:
    """Input sequences of one feature, shape (seq_len, 1), named for a dropdown."""
    t = torch.arange(seq_len, dtype=torch.float32)
    pulse = torch.zeros(seq_len)
    pulse[0] = 1.0
    step = (t >= seq_len // 2).float()
    gen = torch.Generator().manual_seed(0)
    return {
        "one pulse at step 1, then zeros": pulse[:, None],
        "a sine wave": torch.sin(2 * math.pi * t / 8)[:, None],
        "zeros, then ones from the middle": step[:, None],
        "random noise": torch.randn(seq_len, generator=gen)[:, None],
    }


class RNNUnroll(FigureWidget):
    """A one-layer tanh nn.RNN, unrolled: a slider moves through time.

    At step t the widget shows the input sequence with t marked, the hidden state of every
    unit at steps 1..t (a heatmap; later steps are hatched), and for each unit the two parts of
    the pre-activation, x_t W_ih^T + b_ih from the input and h_(t-1) W_hh^T + b_hh from the
    previous state, with the new value h_t = tanh(their sum). A second slider scales W_hh, to
    see the state's memory fade faster or last longer; the readout measures that memory as
    how far h_t would move if x_1 were 1 larger (rnnlab.rnn.first_input_memory, in float64). Values
    are recomputed from the layer's own weights (rnnlab.rnn.unroll) and checked against its forward
    pass.
    """

    css_class = "rnnlab-rnn-unroll"

    def __init__(self, rnn: nn.RNN | None = None, inputs: dict[str, torch.Tensor] | None = None, seq_len: int = 16):
        super().__init__(figsize=(8.0, 3.3))
        if rnn is None:
            torch.manual_seed(2)
            rnn = nn.RNN(1, 5)
        if (
            not isinstance(rnn, nn.RNN)
            or rnn.num_layers != 1
            or rnn.bidirectional
            or rnn.batch_first
            or rnn.nonlinearity != "tanh"
        ):
            raise ValueError(
                "RNNUnroll shows one layer of a tanh nn.RNN: pass nn.RNN(input_size, "
                "hidden_size) with the default num_layers, bidirectional, batch_first "
                "and nonlinearity"
            )
        self.rnn = copy.deepcopy(rnn).eval()  # the scale slider must not touch the caller's layer
        self.w_hh = rnn.weight_hh_l0.detach().clone()
        self.inputs = inputs or default_inputs(seq_len)
        shapes = {tuple(v.shape) for v in self.inputs.values()}
        if len(shapes) != 1 or len(next(iter(shapes))) != 2 or next(iter(shapes))[1] != rnn.input_size:
            raise ValueError(f"every input should have the same shape (seq_len, {rnn.input_size})")
        self.seq_len = next(iter(shapes))[0]
        units = rnn.hidden_size

        names = list(self.inputs)
        longest = max(len(n) for n in names)  # the whole name stays readable in the box
        self.pattern = W.Dropdown(
            options=names,
            value=names[0],
            description="input",
            style={"description_width": "4em"},
            layout=W.Layout(width=f"{max(18, 0.62 * longest + 8):.0f}em"),
        )
        self.step = W.IntSlider(value=1, min=1, max=self.seq_len, step=1, description="step t", continuous_update=True)
        self.play = W.Play(value=1, min=1, max=self.seq_len, step=1, interval=700, description="play")
        W.jslink((self.play, "value"), (self.step, "value"))
        self.scale = W.FloatSlider(
            value=1.0,
            min=0.0,
            max=2.0,
            step=0.25,
            description="W_hh scale",
            readout_format=".2f",
            continuous_update=True,
        )
        for name in ("pattern", "step", "play", "scale"):
            getattr(self, name).add_class(f"rnnlab-control-{name}")
        self.readout = W.HTML()
        self.readout.add_class("rnnlab-readout")
        self.trace = None
        self.values: dict[str, float] = {}

        grid = self.fig.add_gridspec(2, 2, width_ratios=[1.45, 1], height_ratios=[1, 1.3])
        ax_x = self.fig.add_subplot(grid[0, 0])
        ax_h = self.fig.add_subplot(grid[1, 0], sharex=ax_x)
        ax_b = self.fig.add_subplot(grid[:, 1])
        steps = np.arange(1, self.seq_len + 1)
        low = min(float(v.min()) for v in self.inputs.values())
        high = max(float(v.max()) for v in self.inputs.values())
        pad = 0.15 * (high - low or 1.0)
        self.x_lines = [
            ax_x.plot(steps, np.zeros(self.seq_len), color="#555555", marker=".", lw=1)[0]
            for _ in range(rnn.input_size)
        ]
        self.x_now = ax_x.axvline(1, color=FROM_X, lw=6, alpha=0.3)
        ax_x.set(ylim=(low - pad, high + pad), ylabel="x_t", title="input sequence")
        ax_x.tick_params(labelbottom=False)
        colours.hatch_missing(ax_h)
        self.heat = ax_h.imshow(
            np.full((units, self.seq_len), np.nan),
            aspect="auto",
            vmin=-1,
            vmax=1,
            cmap=colours.colour_map("signed"),
            interpolation="nearest",
            extent=(0.5, self.seq_len + 0.5, units - 0.5, -0.5),
        )
        self.h_now = ax_h.axvline(1, color="k", lw=1)
        self.fig.colorbar(self.heat, ax=ax_h, pad=0.01, aspect=8)
        ax_h.set(
            xlabel="step t", ylabel="unit", title="hidden state h_t (hatched: not computed yet)", yticks=range(units)
        )
        ax_h.grid(False)

        limit = self._bar_limit()
        k = np.arange(units)
        self.bars_x = ax_b.bar(k - 0.2, np.zeros(units), width=0.4, color=FROM_X, label="from x_t: x_t W_ih^T + b_ih")
        self.bars_h = ax_b.bar(
            k + 0.2, np.zeros(units), width=0.4, color=FROM_H, label="from h_(t-1): h_(t-1) W_hh^T + b_hh"
        )
        (self.dots,) = ax_b.plot(k, np.zeros(units), "ko", ms=6, label="h_t = tanh(sum)")
        ax_b.axhline(0, color="k", lw=0.8)
        ax_b.set(xticks=k, xlabel="unit", ylim=(-limit, limit), xlim=(-0.7, units - 0.3))
        ax_b.legend(fontsize=MIN_FONT_PT, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=1, frameon=False)
        self.bar_title = ax_b.set_title(" ")
        self.animate(
            *self.x_lines, self.x_now, self.heat, self.h_now, *self.bars_x, *self.bars_h, self.dots, self.bar_title
        )

        self.pattern.observe(self.recompute, names="value")
        self.scale.observe(self.recompute, names="value")
        self.step.observe(self.update, names="value")
        self.widget = W.VBox(
            [W.HBox([self.pattern, self.scale]), W.HBox([self.play, self.step]), W.HBox([self.image, self.readout])]
        )
        self.widget.add_class(self.css_class)
        self.recompute()

    def _bar_limit(self) -> float:
        """A fixed y range for the bars: the largest part over every input at the largest scale."""
        largest = 1.0
        with torch.no_grad():
            self.rnn.weight_hh_l0.copy_(self.w_hh * 2.0)
            for x in self.inputs.values():
                tr = unroll(self.rnn, x[:, None, :], check=False)
                largest = max(largest, float(tr.from_x.abs().max()), float(tr.from_h.abs().max()))
            self.rnn.weight_hh_l0.copy_(self.w_hh)
        return math.ceil(largest * 2) / 2 + 0.25

    def recompute(self, change=None) -> None:
        """Unroll the layer on the chosen input with W_hh times the chosen scale, then draw."""
        with torch.no_grad():
            self.rnn.weight_hh_l0.copy_(self.w_hh * self.scale.value)
        x = self.inputs[self.pattern.value]
        self.trace = unroll(self.rnn, x[:, None, :])
        # in float64: after 16 steps at scale 1 the memory is about 2e-8, as small as float32's
        # rounding of h itself, which printed it as 0, 3e-8 or 7e-8 depending on the CPU
        self.memory = first_input_memory(copy.deepcopy(self.rnn).double(), x[:, None, :].double()).numpy()
        for line, values in zip(self.x_lines, x.T.numpy()):
            line.set_ydata(values)
        self.update()

    def update(self, change=None) -> None:
        t = self.step.value  # 1-based, as in the formulas
        tr = self.trace
        from_x, from_h, h = tr.from_x[t - 1, 0].numpy(), tr.from_h[t - 1, 0].numpy(), tr.h[t - 1, 0].numpy()
        for bar, value in zip(self.bars_x, from_x):
            bar.set_height(value)
        for bar, value in zip(self.bars_h, from_h):
            bar.set_height(value)
        self.dots.set_ydata(h)
        data = np.full((self.rnn.hidden_size, self.seq_len), np.nan)
        data[:, :t] = tr.h[:t, 0].numpy().T
        self.heat.set_data(data)
        self.x_now.set_xdata([t, t])
        self.h_now.set_xdata([t + 0.5, t + 0.5])
        self.bar_title.set_text(f"step t = {t}: parts of each unit")
        size_x, size_h = float(np.linalg.norm(from_x)), float(np.linalg.norm(from_h))
        x_t = self.inputs[self.pattern.value][t - 1]
        self.values = {
            "t": t,
            "from_x": size_x,
            "from_h": size_h,
            "share_h": size_h / (size_x + size_h) if size_x + size_h > 0 else 0.0,
            "h_norm": float(np.linalg.norm(h)),
            "memory": float(self.memory[t - 1]),
        }
        self.readout.value = readout_html(
            [
                ("step t", str(t)),
                ("x_t", ", ".join(f"{v:+.2f}" for v in x_t.tolist())),
                ("|from x_t|", f"{size_x:.3f}"),
                ("|from h_(t-1)|", f"{size_h:.3f}"),
                ("share from h_(t-1)", f"{self.values['share_h']:.0%}"),
                ("|h_t|", f"{self.values['h_norm']:.3f}"),
                ("memory of x_1", number(self.values["memory"])),
                ("W_hh scale", f"{self.scale.value:.2f}"),
            ]
        )
        self.render()
