"""The gates of a trained LSTM over a sequence the student types or picks."""

from __future__ import annotations

import math
from collections.abc import Callable

import ipywidgets as W
import numpy as np
import torch
from matplotlib.ticker import MaxNLocator
from torch import nn

from .. import colours
from ..gates import lstm_gates
from ..plots import saturation_axes
from ._base import MIN_FONT_PT, FigureWidget, cannot_show, readout_html, typed_text_problem

PANELS = ("i", "f", "g", "o", "c")
WIDTHS = (16, 32, 60)  # heatmap widths in steps; a width change costs one full redraw


def as_sentence(message: str, text: str) -> str:
    """`validate`'s message for the typed `text` as a sentence after "Cannot show this input:", as
    the shared wording's are: the text it quotes at its start (the box shows it) read as "It",
    a capital first letter and a full stop. So "')(' closes a bracket that is not open, at
    character 1 (')')" reads: It closes a bracket that is not open, at character 1 (')')."""
    message = message.strip()
    if message.startswith(repr(text) + " "):
        message = "It" + message[len(repr(text)) :]
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."


class SequenceGates(FigureWidget):
    """Heatmaps of i, f, g, o and the cell state c over time (x) and units (y), and a
    saturation plot: for each unit and gate, the share of steps below 0.1 (x axis) against the
    share above 0.9 (y axis), as in Karpathy, Johnson and Fei-Fei (2015).

    `encode(text)` turns the text into a (seq_len, input_size) tensor, one row per character,
    whatever the LSTM's layout: the widget runs it as one unbatched sequence, which nn.LSTM
    reads the same way with and without batch_first. `allowed` holds the characters that may be
    typed (`allowed_words` says them in words); `validate(text)` may then
    raise ValueError with a message for the student; `describe(text)` returns extra readout
    rows (for example the model's predictions).

    Any nn.LSTM works: stacked, bidirectional, with projections. When it has more than one
    layer or direction, two rows of toggle buttons pick which one the heatmaps show (`layer`
    and `direction` set the initial choice; -1 is the top layer). Switching only re-reads the
    trace computed for the text, so it costs no recomputation.
    """

    def __init__(
        self,
        lstm: nn.LSTM,
        encode: Callable[[str], torch.Tensor],
        examples: list[str],
        validate: Callable[[str], object] | None = None,
        describe: Callable[[str], list[tuple[str, str]]] | None = None,
        layer: int = -1,
        direction: int = 0,
        allowed: str | None = None,
        allowed_words: str | None = None,
    ):
        super().__init__(figsize=(10, 4.8))
        self.lstm, self.encode, self.validate, self.describe = lstm.eval(), encode, validate, describe
        self.allowed, self.allowed_words = allowed, allowed_words
        layers, directions = lstm.num_layers, 2 if lstm.bidirectional else 1
        if not (-layers <= layer < layers and 0 <= direction < directions):
            raise ValueError(
                f"this LSTM has {layers} layer(s) and {directions} direction(s); "
                f"layer={layer}, direction={direction} does not exist"
            )
        toggle = dict(style={"button_width": "6.5em", "description_width": "5em"})
        self.layer_choice = W.ToggleButtons(
            options=[(f"layer {k}", k) for k in range(layers)], value=layer % layers, description="layer", **toggle
        )
        self.direction_choice = W.ToggleButtons(
            options=[("forward", 0), ("backward", 1)][:directions], value=direction, description="direction", **toggle
        )
        self.c_scale_choice = W.ToggleButtons(
            options=[("each unit", "unit"), ("shared", "shared")], value="unit", description="c scale", **toggle
        )
        self.c_scale_choice.add_class("rnnlab-control-c-scale")
        self.layer_choice.add_class("rnnlab-control-layer")
        self.direction_choice.add_class("rnnlab-control-direction")
        self.max_len = WIDTHS[-1]
        unusable = {e: self.check(e) for e in examples if self.check(e)}
        if unusable:  # an example that only shows an error teaches nothing
            raise ValueError(f"examples it cannot show: {unusable}")
        self.examples = W.Dropdown(options=examples, value=examples[0], description="pick")
        self.text = W.Text(
            value=examples[0], description="or type", continuous_update=False, layout=W.Layout(width="32em")
        )
        self.status = W.HTML()
        self.status.add_class("rnnlab-readout")
        self.trace = None
        self.error: str | None = None
        self.width = 0

        units = lstm.hidden_size
        self.example_c = self._largest_c(examples)
        c_max = max(1.0, math.ceil(float(self.example_c.max()) * 2) / 2)
        self.c_limits = {"shared": (-c_max, c_max), "unit": (-1.0, 1.0)}
        grid = self.fig.add_gridspec(len(PANELS), 2, width_ratios=[3.3, 1])
        self.images, self.axes = {}, {}
        for row, name in enumerate(PANELS):
            ax = self.fig.add_subplot(grid[row, 0])
            lo, hi = {"g": (-1, 1), "c": self.c_limits["unit"]}.get(name, (0, 1))
            cmap = colours.colour_map("unit interval" if lo == 0 else "signed")
            colours.hatch_missing(ax)
            self.images[name] = ax.imshow(
                np.full((units, WIDTHS[0]), np.nan), aspect="auto", vmin=lo, vmax=hi, cmap=cmap, interpolation="nearest"
            )
            bar = self.fig.colorbar(self.images[name], ax=ax, pad=0.01, aspect=6)
            if name == "c":
                self.c_bar = bar
            ax.set_ylabel(name, rotation=0, labelpad=12, fontsize=12)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=2, integer=True))
            ax.set_xticks([])
            ax.tick_params(labelsize=MIN_FONT_PT)
            ax.grid(False)
            self.axes[name] = ax
        # characters under the last heatmap: x in data units, y in axes units
        below = self.axes["c"].get_xaxis_transform()
        self.chars = [
            self.axes["c"].text(k, -0.08, "", transform=below, ha="center", va="top", fontsize=9, family="monospace")
            for k in range(self.max_len)
        ]
        self.axes["c"].set_xlabel(self._reading(), labelpad=14)
        self.scatter = saturation_axes(self.fig.add_subplot(grid[:, 1]))
        self.animate(*self.images.values(), *self.chars, *self.scatter.values())

        self.examples.observe(lambda ch: setattr(self.text, "value", ch["new"]), names="value")
        self.text.observe(self.update, names="value")
        self.layer_choice.observe(self._choose, names="value")
        self.c_scale_choice.observe(self._rescale, names="value")
        self.direction_choice.observe(self._choose, names="value")
        choices = [c for c in (self.layer_choice, self.direction_choice) if len(c.options) > 1]
        choices.append(self.c_scale_choice)
        # controls on the left, the readout beside them, the figure below: about 560 px high,
        # so a laptop screen (1366 x 768, JupyterLab's bars included) shows all of it at once
        self.controls = W.VBox([self.examples, self.text, *choices], layout=W.Layout(flex="0 0 auto"))
        self.widget = W.VBox([W.HBox([self.controls, self.status]), self.image])
        self.widget.add_class("rnnlab-sequence-gates")
        self._rescale()

    def _largest_c(self, examples: list[str]) -> np.ndarray:
        """Each unit's largest |c| over the examples, per layer and direction:
        (layers, directions, units)."""
        c = [self._trace(text).c[:, :, :, 0].abs().amax(dim=2) for text in examples]  # over time
        return torch.stack(c).amax(dim=0).numpy()

    def _rescale(self, change=None) -> None:
        """c on one scale shared by all units (the largest |c| over the examples), or each unit
        as a share of its own largest |c| (over the examples and this text): a unit whose c
        stays small is pale on the shared scale, however clearly it counts."""
        way = self.c_scale_choice.value
        self.images["c"].set_clim(*self.c_limits[way])
        self.c_bar.set_label("c" if way == "shared" else "c / unit's max", fontsize=MIN_FONT_PT)
        if self.trace is not None and not self.error:
            self._show()
        elif self.trace is None:
            self.update()

    def _trace(self, text: str):
        """Every gate of every layer and direction for `text`, as one sequence (batch of one),
        checked against the LSTM's own forward pass."""
        x = self.encode(text)
        if x.dim() != 2 or x.shape != (len(text), self.lstm.input_size):
            raise ValueError(
                f"encode({text!r}) gave shape {tuple(x.shape)}; expected "
                f"({len(text)}, {self.lstm.input_size}): one row per character"
            )
        trace = lstm_gates(self.lstm, x)  # unbatched: the same for any batch_first
        with torch.no_grad():
            output, _ = self.lstm(x)
        if not torch.allclose(trace.output, output, atol=1e-5):
            raise RuntimeError("recomputed gates do not reproduce the LSTM's output")
        return trace

    def check(self, text: str) -> str | None:
        """The reason `text` cannot be shown, or None: the shared wording for the characters, else
        `validate`'s message as a sentence like it (see `as_sentence`)."""
        problem = typed_text_problem(text, self.allowed, self.allowed_words, self.max_len)
        if problem:
            return problem
        if self.validate is not None:
            try:
                self.validate(text)
            except ValueError as err:
                return as_sentence(str(err), text)
        return None

    def _set_width(self, length: int) -> None:
        width = next(w for w in WIDTHS if w >= length)
        if width != self.width:
            self.width = width
            for ax in self.axes.values():
                ax.set_xlim(-0.5, width - 0.5)
            for name, im in self.images.items():
                im.set_extent((-0.5, width - 0.5, self.lstm.hidden_size - 0.5, -0.5))

    def static_key(self):
        # one saved background per heatmap width and reading direction (the axis label says
        # which way the shown direction reads); another layer changes no static part
        return self.width, self.direction_choice.value, self.c_scale_choice.value

    def unit_scales(self) -> np.ndarray:
        """Each unit's largest |c| in the shown layer and direction, over the examples and the
        text shown (so no value of this text is clipped)."""
        c = np.abs(self.trace.get("c", self.layer, self.direction)).max(axis=0)
        return np.maximum(np.maximum(self.example_c[self.layer, self.direction], c), 1e-6)

    @property
    def layer(self) -> int:
        return self.layer_choice.value

    @property
    def direction(self) -> int:
        return self.direction_choice.value

    def _reading(self) -> str:
        way = "right to left" if self.direction_choice.value else "left to right"
        return f"time step (one character each); this direction reads {way}"

    def _choose(self, change=None) -> None:
        """Another layer or direction: same trace, other arrays (and the axis label, part of
        each direction's own saved background: a full draw the first time only)."""
        self.axes["c"].set_xlabel(self._reading(), labelpad=14)
        if self.trace is not None and not self.error:
            self._show()

    def update(self, change=None) -> None:
        text = self.text.value
        self.error = self.check(text)
        if self.error:
            # the last good picture stays, faded; the readout says what is wrong and what it shows
            self.show_stale()
            self.status.value = cannot_show("input", self.error, getattr(self, "shown_text", None))
            return
        self._set_width(len(text))
        self.trace = self._trace(text)
        self.shown_text = text
        self._show()

    def alt_text(self) -> str:
        text = self.shown_text
        where = ""
        if len(self.layer_choice.options) > 1 or len(self.direction_choice.options) > 1:
            where = f", layer {self.layer}, {'backward' if self.direction else 'forward'} direction"
        scale = "each unit on its own scale" if self.c_scale_choice.value == "unit" else "one scale for all units"
        return (
            f"Heatmaps of the gates i, f, g, o and of the cell state c ({scale}) of the "
            f"{self.lstm.hidden_size} units over the {len(text)} characters of {text!r}{where}; beside them, "
            f"each unit's share of steps with each gate below 0.1 against its share above 0.9."
        )

    def _show(self) -> None:
        tr, text = self.trace, self.shown_text
        layer, direction = self.layer, self.direction
        for name, im in self.images.items():
            data = np.full((self.lstm.hidden_size, self.width), np.nan)
            data[:, : len(text)] = tr.get(name, layer, direction).T  # (units, time)
            if name == "c" and self.c_scale_choice.value == "unit":
                data /= self.unit_scales()[:, None]
            im.set_data(data)
        for k, label in enumerate(self.chars):
            label.set_text(text[k] if k < len(text) else "")
        for name, (left, right) in tr.saturation(layer=layer, direction=direction).items():
            self.scatter[name].set_offsets(np.column_stack([left, right]))
        rows = [("characters", str(len(text)))]
        if len(self.layer_choice.options) > 1 or len(self.direction_choice.options) > 1:
            way = "backward (right to left)" if direction else "forward (left to right)"
            first = len(text) - 1 if direction else 0
            rows += [
                ("showing", f"layer {layer} of 0-{self.lstm.num_layers - 1}, {way}"),
                ("first step of this direction", f"position {first} ({text[first]!r})"),
            ]
        described = self.describe(text) if self.describe is not None else []
        # one value per character may be long: those rows may wrap, the others stay on one line
        self.status.value = readout_html(rows + described, wrap=tuple(k for k, _ in described))
        self.render()
