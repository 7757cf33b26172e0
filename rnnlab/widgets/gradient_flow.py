"""Gradient norms through time, live: sequence length, forget bias and recurrent weight scale."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import torch

from .. import colours
from ..adding import adding_batch
from ..gradients import FACTOR_FLOOR, make_layer, norms64, per_step_factor, regime, set_forget_bias, unroll
from ._base import MIN_FONT_PT, FigureWidget, number, readout_html

MODELS = ("rnn", "lstm", "gru")
TITLES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
COLORS, STYLES, REGIME_COLORS = colours.MODELS, colours.MODEL_LINES, colours.REGIMES
FLOOR = FACTOR_FLOOR  # the bottom of the plot, and of the steps the factor covers


class GradientFlow(FigureWidget):
    """||dL/dh_t|| for every step t of an nn.RNN, an nn.LSTM and an nn.GRU (32 units each, the
    same adding-problem inputs), with L the sum of the last hidden state, on a log scale.

    Controls: the sequence length T, the forget gate's total bias of the LSTM (bias_ih +
    bias_hh, set with rnnlab.gradients.set_forget_bias), and a factor applied to every
    recurrent weight matrix weight_hh. The readout gives, per model, the ratio of the gradient
    norm at t = 1 to the one at t = T, the regime (judged from that ratio), and the factor per
    step back (rnnlab.gradients.per_step_factor: the geometric mean over the last steps whose
    norm is at least FACTOR_FLOOR, the part of the curve the plot shows; where the gradient falls
    below it, only the later steps count).
    """

    css_class = "rnnlab-gradient-flow"

    def __init__(
        self,
        hidden_size: int = 32,
        batch: int = 16,
        max_length: int = 200,
        length: int = 100,
        forget_bias: float = 0.0,
        scale: float = 1.0,
        seed: int = 0,
    ):
        super().__init__(figsize=(7.4, 3.3))
        self.layers = {k: make_layer(k, 2, hidden_size, seed=seed) for k in MODELS}
        self.originals = {
            k: {n: p.detach().clone() for n, p in layer.named_parameters()} for k, layer in self.layers.items()
        }
        self.x, _ = adding_batch(batch, max_length, torch.Generator().manual_seed(seed))
        slider = dict(continuous_update=False, style={"description_width": "12.5em"}, layout=W.Layout(width="27em"))
        self.length = W.IntSlider(
            value=length, min=10, max=max_length, step=10, description="sequence length T", **slider
        )
        self.forget_bias = W.FloatSlider(
            value=forget_bias, min=-3, max=6, step=0.5, description="LSTM forget bias", readout_format=".1f", **slider
        )
        self.scale = W.FloatSlider(
            value=scale,
            min=0.25,
            max=4,
            step=0.25,
            description="recurrent weight scale",
            readout_format=".2f",
            **slider,
        )
        for name in ("length", "forget_bias", "scale"):
            getattr(self, name).add_class(f"rnnlab-control-{name.replace('_', '-')}")
        self.readout = W.HTML()
        self.readout.add_class("rnnlab-readout")
        self.norms: dict[str, np.ndarray] = {}
        self.regimes: dict[str, str] = {}
        self.factors: dict[str, float] = {}
        self.mean_forget = float("nan")
        self._kept_norms: dict[tuple, np.ndarray] = {}  # (kind, T, scale): RNN and GRU only

        self.ax = self.fig.add_subplot()
        self.lines = {
            k: self.ax.plot([], [], color=COLORS[k], ls=STYLES[k], lw=1.8, label=TITLES[k])[0] for k in MODELS
        }
        self.ax.set(
            yscale="log",
            ylim=(FLOOR, 1e20),
            xlabel="step t",
            ylabel="||dL/dh_t||",
            title="gradient norm reaching each step (L at step T)",
        )
        self.ax.legend(loc="lower right", fontsize=MIN_FONT_PT)
        self.animate(*self.lines.values())
        self._xlim = None

        for control in (self.length, self.forget_bias, self.scale):
            control.observe(self.update, names="value")
        # the plot beside the controls and the readout: one screen of a laptop holds them all
        self.widget = W.HBox([self.image, W.VBox([self.length, self.forget_bias, self.scale, self.readout])])
        self.widget.add_class(self.css_class)
        self.update()

    def _configure(self) -> None:
        """Put the sliders' values into the three layers' weights."""
        with torch.no_grad():
            for kind, layer in self.layers.items():
                for name, p in layer.named_parameters():
                    p.copy_(self.originals[kind][name])
                    if name.startswith("weight_hh"):
                        p.mul_(self.scale.value)
        set_forget_bias(self.layers["lstm"], self.forget_bias.value)

    def compute(self) -> dict[str, np.ndarray]:
        """The gradient norms of every model for the current controls, as NumPy arrays (T,),
        as rnnlab.gradients.hidden_grad_norms measures them (L = sum of h_T); also the LSTM's
        mean forget gate over all steps, units and sequences.

        The forget bias acts on the LSTM only: the RNN's and GRU's norms are kept per length and
        scale, so a move of the forget-bias slider runs one backward pass instead of three."""
        self._configure()
        T, scale = self.length.value, self.scale.value
        x = self.x[:T]
        norms = {}
        for kind, layer in self.layers.items():
            key = (kind, T, scale)
            if kind != "lstm" and key in self._kept_norms:
                norms[kind] = self._kept_norms[key]
                continue
            hs, _ = unroll(layer, x)
            grads = torch.autograd.grad(hs[-1].sum(), hs)
            norms[kind] = norms64(grads).numpy()
            if kind == "lstm":
                self.mean_forget = self._mean_forget(layer, x, hs)
            else:
                self._kept_norms[key] = norms[kind]
        return norms

    @staticmethod
    @torch.no_grad()
    def _mean_forget(lstm, x, hs) -> float:
        """Mean of f_t = sigmoid(x_t W_if^T + h_(t-1) W_hf^T + b_if + b_hf) over every step."""
        H = lstm.hidden_size
        h_prev = torch.stack([torch.zeros_like(hs[0])] + [h.detach() for h in hs[:-1]])
        z = (
            x @ lstm.weight_ih_l0[H : 2 * H].T
            + h_prev @ lstm.weight_hh_l0[H : 2 * H].T
            + lstm.bias_ih_l0[H : 2 * H]
            + lstm.bias_hh_l0[H : 2 * H]
        )
        return float(torch.sigmoid(z).mean())

    def alt_text(self) -> str:
        said = "; ".join(f"{TITLES[k]} {self.regimes[k]}, factor {self.factors[k]:.3f} per step back" for k in MODELS)
        return (
            f"Line chart, log scale, of the gradient norm reaching each step t of an RNN, an LSTM "
            f"and a GRU for sequence length T = {self.length.value}, LSTM forget bias "
            f"{self.forget_bias.value:.1f} and recurrent weight scale {self.scale.value:.2f}: {said}."
        )

    def update(self, change=None) -> None:
        self.norms = self.compute()
        T = self.length.value
        steps = np.arange(1, T + 1)
        rows = []
        for kind, norms in self.norms.items():
            self.lines[kind].set_data(steps, np.where(norms > 0, norms, np.nan))
            self.regimes[kind] = regime(torch.from_numpy(norms))
            self.factors[kind] = per_step_factor(torch.from_numpy(norms))
            ratio = norms[0] / norms[-1] if norms[-1] > 0 else float("nan")
            color = REGIME_COLORS[self.regimes[kind]]
            rows.append((TITLES[kind], f"<span style='color:{color}'>{self.regimes[kind]}</span>"))
            rows.append((f"&nbsp;&nbsp;norm at t=1 / at t={T}", number(ratio, zero="0 (underflow at t=1)")))
            rows.append(("&nbsp;&nbsp;factor per step back", f"{self.factors[kind]:.3f}"))
        rows.append(("LSTM mean forget gate", f"{self.mean_forget:.3f}"))
        self.readout.value = readout_html(rows)
        if self._xlim != T:  # a new x range: redraw the static parts once
            self.ax.set_xlim(1, T)
            self._xlim = T
            self.invalidate()
        self.render()
