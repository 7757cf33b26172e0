"""Chapter 09's widgets: what a trained character model predicts next, and what its units track."""

from __future__ import annotations

import html
import math

import ipywidgets as W
import matplotlib
import numpy as np
import torch
from matplotlib.collections import PolyCollection
from matplotlib.ticker import AutoLocator, ScalarFormatter

from .. import colours
from ..language_model import CharLM, Vocab, generate, shape_logits
from ..units import correlations, rank_units, text_features, unit_trace
from ._base import (
    CHARACTER_NAMES,
    FigureWidget,
    cannot_show,
    describe_characters,
    readout_html,
    typed_text_problem,
)

CORPUS_CHARACTERS = "the characters of the text the model was trained on"
MOST_LISTED = 16  # more characters than this listed one by one (printable ASCII's 32 signs): CORPUS_CHARACTERS
SHOWN = {"\n": "⏎", " ": "␣"}  # characters that would be invisible on an axis or a page


def shown(ch: str) -> str:
    return SHOWN.get(ch, ch)


def spoken(ch: str) -> str:
    """A character for a text alternative: 'x' in quotes, a space and a newline by name."""
    return CHARACTER_NAMES.get(ch, repr(ch))


def typable(vocab: Vocab) -> str:
    """What may be typed into a widget of a model with this vocabulary, for "Use only ...": the
    characters in words while few are listed one by one (chapter 09's grammar has no j, q or v,
    and a student who types `value` learns what it has), else CORPUS_CHARACTERS."""
    return describe_characters(vocab.chars, MOST_LISTED) or CORPUS_CHARACTERS


# chapter 09's figures hold a whole vocabulary or a whole text: drawn at 9 px (MIN_FONT_PT, the
# floor), their text read as a figure shrunk to half size beside the lecture's own plots, whose
# 10 points at 80 dpi are 11 px. So their text is 11 px, and the figures as wide as the course
# allows (760 CSS pixels).
TEXT_PT = 11
WIDTH_IN = 10.5


class NextCharExplorer(FigureWidget):
    """Type a prompt: bars show P(next character) for every character of the vocabulary, the
    temperature slider reshapes them (softmax(logits / T)), and a seeded sample continues the
    prompt at that temperature. The logits are computed once per prompt; a temperature or seed
    change only reshapes and resamples. `values` holds what is shown."""

    css_class = "rnnlab-next-char"

    def __init__(self, model: CharLM, vocab: Vocab, prompt: str, n_sample: int = 60):
        super().__init__(figsize=(WIDTH_IN, 2.9))
        self.model, self.vocab, self.n_sample = model.eval(), vocab, n_sample
        self.prompt = W.Textarea(
            value=prompt, description="prompt", continuous_update=False, layout=W.Layout(width="26em", height="4.5em")
        )
        self.temperature = W.FloatSlider(
            value=1.0,
            min=0.1,
            max=2.0,
            step=0.1,
            description="temperature",
            readout_format=".1f",
            continuous_update=True,
            style={"description_width": "6.5em"},
        )
        self.seed = W.IntSlider(
            value=0,
            min=0,
            max=20,
            step=1,
            description="sample seed",
            continuous_update=False,
            style={"description_width": "6.5em"},
        )
        self.prompt.add_class("rnnlab-control-prompt")
        self.temperature.add_class("rnnlab-control-temperature")
        self.seed.add_class("rnnlab-control-seed")
        self.readout = W.HTML()
        self.readout.add_class("rnnlab-readout")
        self.sample = W.HTML()
        self.sample.add_class("rnnlab-sample")
        self.values: dict = {}
        self._logits_for: tuple[str, torch.Tensor] | None = None

        ax = self.fig.add_subplot()
        V = len(vocab)
        # one collection of V rectangles: a single artist to redraw, not V of them
        self._left = np.arange(V) - 0.4
        self.bars = PolyCollection(self._verts(np.zeros(V)), facecolors=colours.CYCLE[0], edgecolors="none")
        ax.add_collection(self.bars)
        (self.at_one,) = ax.plot([], [], "_", color="k", ms=7, mew=1.2, label="T = 1")
        ax.set_xticks(range(V), [shown(c) for c in vocab.chars], fontsize=TEXT_PT, family="monospace")
        ax.set(xlim=(-0.6, V - 0.4), ylim=(0, 1))
        ax.set_ylabel("P(next character)", fontsize=TEXT_PT)
        ax.tick_params(axis="y", labelsize=TEXT_PT)
        ax.legend(fontsize=TEXT_PT, loc="upper right")
        ax.grid(axis="x", visible=False)
        self.animate(self.bars, self.at_one)

        for control in (self.prompt, self.temperature, self.seed):
            control.observe(self.update, names="value")
        controls = W.VBox([self.prompt, self.temperature, self.seed], layout=W.Layout(flex="0 0 auto"))
        self.widget = W.VBox([W.HBox([controls, self.readout]), self.image, self.sample])
        self.widget.add_class(self.css_class)
        self.update()

    def _verts(self, heights: np.ndarray) -> np.ndarray:
        left, right = self._left, self._left + 0.8
        zero = np.zeros_like(heights)
        return np.stack(
            [
                np.stack([left, zero], 1),
                np.stack([left, heights], 1),
                np.stack([right, heights], 1),
                np.stack([right, zero], 1),
            ],
            1,
        )

    def heights(self) -> np.ndarray:
        """The drawn bar heights, one per character of the vocabulary."""
        return np.array([path.vertices[1, 1] for path in self.bars.get_paths()])

    def logits(self, prompt: str) -> torch.Tensor:
        """The model's logits for the character after `prompt` (cached per prompt)."""
        if self._logits_for is None or self._logits_for[0] != prompt:
            with torch.no_grad():
                out, _ = self.model(self.vocab.encode(prompt).unsqueeze(0))
            self._logits_for = (prompt, out[0, -1])
        return self._logits_for[1]

    def check(self, prompt: str) -> str | None:
        return typed_text_problem(prompt, self.vocab.chars, typable(self.vocab))

    def alt_text(self) -> str:
        v = self.values
        prompt = v["prompt"]
        after = ("…" if len(prompt) > 20 else "") + prompt[-20:]
        top = np.argsort(-v["probs"], kind="stable")[:3]
        likeliest = ", ".join(f"{spoken(self.vocab.chars[j])} {v['probs'][j]:.2f}" for j in top)
        return (
            f"Bar chart of the model's probabilities for the next character after {after!r} at "
            f"temperature {v['temperature']:.1f}, a tick at each bar's value at temperature 1; "
            f"likeliest: {likeliest}."
        )

    def update(self, change=None) -> None:
        prompt, T = self.prompt.value, round(self.temperature.value, 1)
        problem = self.check(prompt)
        if problem:
            self.show_stale()
            self.readout.value = cannot_show("prompt", problem, getattr(self, "values", {}).get("prompt"))
            return
        logits = self.logits(prompt)
        probs = shape_logits(logits, T).numpy()
        at_one = shape_logits(logits, 1.0).numpy()
        continuation = generate(self.model, self.vocab, prompt, self.n_sample, temperature=T, seed=self.seed.value)
        entropy = float(-(probs[probs > 0] * np.log2(probs[probs > 0])).sum())
        self.values = {
            "prompt": prompt,
            "temperature": T,
            "probs": probs,
            "continuation": continuation,
            "entropy_bits": entropy,
        }
        self.bars.set_verts(self._verts(probs))
        self.at_one.set_data(np.arange(len(at_one)), at_one)
        top = np.argsort(-probs, kind="stable")[:3]
        rows = [("after", html.escape(shown(prompt[-1]))), ("temperature", f"{T:.1f}")]
        rows += [
            (f"top {k + 1}", f"{html.escape(shown(self.vocab.chars[j]))} {probs[j]:.3f}") for k, j in enumerate(top)
        ]
        rows += [("entropy", f"{entropy:.2f} bits")]
        self.readout.value = readout_html(rows)
        self.sample.value = (
            "<div style='font-family:monospace;white-space:pre;font-size:12px'>"
            f"<span style='color:#767676'>{html.escape(prompt[-40:])}</span>"
            f"<b>{html.escape(continuation)}</b></div>"
        )
        self.render()


KINDS = {"lstm": ("c", "tanh(c)", "h", "i", "f", "g", "o"), "gru": ("h", "r", "z", "n")}
ON_REQUEST = {"tanh(c)"}  # offered only when `kinds` names it (chapter 09's real-code cells)
BOUNDED01 = {"i", "f", "o", "r", "z"}  # sigmoid gates live in (0, 1)
CMAPS = {name: matplotlib.colormaps[colours.MAPS[name]] for name in ("unit interval", "signed")}  # each lookup copies


class CellViewer(FigureWidget):
    """A text shown character by character, each coloured by the value of one unit (cell state,
    hidden state or a gate) of one recurrent layer of the model (`layer`, the first by default) at
    that character, recomputed from the weights. The unit menu is sorted by how well each unit
    tracks the chosen feature of the text (|Pearson r| over the text); the plot shows the unit and
    the feature along the text.
    `values` holds what is shown: the text, the unit, its values and the ranking. `features` gives
    the features of a text (rnnlab.units.text_features for the course's grammar,
    rnnlab.codelm.code_features for Python source); `rank_on` = (a UnitTrace of a longer text, its
    features) ranks the units over that text; `kinds` limits what the text can be coloured by."""

    css_class = "rnnlab-cell-viewer"
    MAX_CHARS = 400

    def __init__(
        self,
        model: CharLM,
        vocab: Vocab,
        examples: list[str],
        feature: str = "inside quotes",
        kind: str | None = None,
        features=text_features,
        rank_on=None,
        kinds: tuple[str, ...] | None = None,
        layer: int = 0,
    ):
        super().__init__(figsize=(WIDTH_IN, 2.2))
        self.model, self.vocab, self.layer = model.eval(), vocab, layer
        self.features_of = features  # text -> {feature name: value at each character}
        # (a UnitTrace of a longer text, its features): rank the units over it, not over the piece shown
        self.rank_on = rank_on
        self.ranked_on_text = False
        self._rankings: dict = {}  # (kind, feature) -> ranking over rank_on's text
        self._rankings_for = rank_on
        offered = tuple(
            k
            for k in KINDS[model.cell]  # what "colour by" offers
            if (kinds is None and k not in ON_REQUEST) or (kinds is not None and k in kinds)
        )
        if not offered:
            raise ValueError(f"kinds must name some of {KINDS[model.cell]}, not {kinds}")
        kinds = offered
        kind = kind or kinds[0]
        if kind not in kinds:
            raise ValueError(f"kind {kind!r} is not among those offered {kinds}: name it in kinds")
        unusable = {e[:30]: self.check(e) for e in examples if self.check(e)}
        if unusable:  # an example that only shows an error teaches nothing
            raise ValueError(f"examples it cannot show: {unusable}")
        labels = {f"example {k + 1}": t for k, t in enumerate(examples)}
        self.examples = W.Dropdown(options=list(labels.items()), value=examples[0], description="pick")
        self.text = W.Textarea(
            value=examples[0],
            description="or type",
            continuous_update=False,
            layout=W.Layout(width="30em", height="4.5em"),
        )
        self.feature = W.Dropdown(options=list(features("a")), value=feature, description="feature")
        self.kind = W.Dropdown(options=[(self._kind_name(k), k) for k in kinds], value=kind, description="colour by")
        self.unit = W.Dropdown(options=[("unit 0", 0)], value=0, description="unit", layout=W.Layout(width="20em"))
        for name in ("examples", "text", "feature", "kind", "unit"):
            getattr(self, name).add_class(f"rnnlab-control-{name}")
        self.status = W.HTML()
        self.status.add_class("rnnlab-readout")
        self.coloured = W.HTML()
        self.coloured.add_class("rnnlab-coloured-text")
        self.values: dict = {}
        self.trace = None
        self._busy = False
        self.error: str | None = None
        self.example_c = self._largest_c(examples)

        ax = self.fig.add_subplot()
        self.ax = ax
        (self.line,) = ax.plot([], [], color=colours.TRACES["unit"], lw=1.2, label="unit")
        self.twin = ax.twinx()
        (self.feature_line,) = self.twin.plot([], [], color=colours.TRACES["feature"], lw=1, ls="--", label="feature")
        self.twin.set_ylim(-0.05, 1.05)
        self.twin.set_yticks([0, 1], ["min", "max"], fontsize=TEXT_PT)
        self.twin.grid(False)
        ax.tick_params(labelsize=TEXT_PT)
        ax.set_xlabel("character position in the text", fontsize=TEXT_PT)
        # above the plot, not inside it: inside, it sat over the dashed feature where the feature is high
        self.caption = ax.set_title(" ", loc="left", fontsize=TEXT_PT, pad=3)
        self.animate(self.line, self.feature_line, self.caption)

        self.examples.observe(lambda ch: setattr(self.text, "value", ch["new"]), names="value")
        self.text.observe(self._new_text, names="value")
        self.feature.observe(self._rerank, names="value")
        self.kind.observe(self._rerank, names="value")
        self.unit.observe(self.update, names="value")
        left = W.VBox([self.examples, self.text], layout=W.Layout(flex="0 0 auto"))
        middle = W.VBox([self.feature, self.kind, self.unit], layout=W.Layout(flex="0 0 auto"))
        self.widget = W.VBox([W.HBox([left, middle, self.status]), self.coloured, self.image])
        self.widget.add_class(self.css_class)
        self._new_text()

    @staticmethod
    def _kind_name(k: str) -> str:
        return {
            "c": "cell state c",
            "tanh(c)": "tanh(c)",
            "h": "hidden state h",
            "i": "input gate i",
            "f": "forget gate f",
            "g": "candidate g",
            "o": "output gate o",
            "r": "reset gate r",
            "z": "update gate z",
            "n": "candidate n",
        }[k]

    def _largest_c(self, examples: list[str]) -> np.ndarray | None:
        """Each unit's largest |c| over the examples (an LSTM's cell state is unbounded)."""
        if self.model.cell != "lstm":
            return None
        return np.max(
            [np.abs(unit_trace(self.model, self.vocab, t, layer=self.layer)["c"]).max(axis=0) for t in examples], axis=0
        )

    def limits(self, kind: str, unit: int = 0) -> tuple[float, float]:
        """The colour scale of `kind`: (0, 1) for a sigmoid gate, (-1, 1) for a tanh, and for c
        the unit's own: its largest |c| over the examples and this text, rounded up to a half.
        One scale for every unit made the unit a lecture asks about pale (c reaches about 36 in
        some units of chapter 09's model, about 8 in the quote unit)."""
        if kind in BOUNDED01:
            return 0.0, 1.0
        if kind == "c":
            largest = max(float(self.example_c[unit]), float(np.abs(self.trace["c"][:, unit]).max()))
            scale = max(0.5, math.ceil(largest * 2) / 2)
            return -scale, scale
        return -1.0, 1.0

    def check(self, text: str) -> str | None:
        return typed_text_problem(text, self.vocab.chars, typable(self.vocab), self.MAX_CHARS)

    def alt_text(self) -> str:
        v = self.values
        scale = f", as a share of its largest value {self.limits('c', v['unit'])[1]:g}" if v["kind"] == "c" else ""
        return (
            f"Line chart of unit {v['unit']}'s {self._kind_name(v['kind'])} over the {len(v['text'])} "
            f"characters of the text{scale}, with the feature {self.feature.value} dashed, scaled "
            f"from its least to its largest value; r = {v['r']:+.2f}."
        )

    def static_key(self):
        return (self.width, self.kind.value)

    def _new_text(self, change=None) -> None:
        text = self.text.value
        problem = self.error = self.check(text)
        if problem:
            if not self.stale:  # the coloured text is the last input's too: faded
                self.coloured.value = f"<div style='opacity:0.3'>{self.coloured.value}</div>"
            self.show_stale()
            self.status.value = cannot_show("text", problem, getattr(self, "values", {}).get("text"))
            return
        self.trace = unit_trace(self.model, self.vocab, text, layer=self.layer)
        self.features = self.features_of(text)
        self.width = max(50, 50 * math.ceil(len(text) / 50))
        self.ax.set_xlim(-0.5, self.width - 0.5)
        self.twin.set_xlim(-0.5, self.width - 0.5)
        self._rerank()

    def _rerank(self, change=None) -> None:
        """Sort the unit menu by |r| with the chosen feature, best first; keep the best unit."""
        kind = self.kind.value
        # c is drawn as a share of its unit's scale (the caption gives the scale), so the axes
        # stay one picture for every unit
        self.ax.set_ylim(*((-1.0, 1.0) if kind == "c" else self.limits(kind)))
        if kind == "c":
            self.ax.set_yticks([-1, 0, 1], ["-max", "0", "+max"])
        else:
            self.ax.yaxis.set_major_locator(AutoLocator())
            self.ax.yaxis.set_major_formatter(ScalarFormatter())
        self.ax.set_ylabel(kind, rotation=0, fontsize=TEXT_PT, labelpad=10)
        self.ranked_on_text = self.rank_on is not None and kind in self.rank_on[0].values
        if self.ranked_on_text:  # the same text every time: each ranking made once
            if self._rankings_for is not self.rank_on:
                self._rankings, self._rankings_for = {}, self.rank_on
            key = (kind, self.feature.value)
            if key not in self._rankings:
                trace, features = self.rank_on
                self._rankings[key] = rank_units(trace[kind], features[self.feature.value])
            self.ranking = self._rankings[key]
        else:  # the piece on screen (also for a kind the text's trace lacks)
            self.ranking = rank_units(self.trace[kind], self.features[self.feature.value])
        self._busy = True  # one update for the whole menu change
        try:
            self.unit.options = [(f"unit {u} (r = {r:+.2f})", u) for u, r in self.ranking]
            self.unit.value = self.ranking[0][0]
        finally:
            self._busy = False
        self.update()

    def colours(self, values: np.ndarray, kind: str, unit: int = 0) -> list[str]:
        """Background colour of each value (viridis for gates in (0, 1), else red high, blue low)."""
        lo, hi = self.limits(kind, unit)
        shares = (np.clip(values, lo, hi) - lo) / (hi - lo)
        rgb = np.round(CMAPS["unit interval" if kind in BOUNDED01 else "signed"](shares)[:, :3] * 255).astype(int)
        return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb]

    def colour_key(self, kind: str, unit: int = 0) -> str:
        """A line above the text that says which colour is low and which high, with a swatch of
        each end (and of 0 for a signed value), so the colours are not left to be guessed."""
        lo, hi = self.limits(kind, unit)
        ends = (lo, hi) if kind in BOUNDED01 else (lo, 0.0, hi)
        names = colours.MAP_WORDS[colours.MAPS["unit interval" if kind in BOUNDED01 else "signed"]]
        swatch = "<span style='background:{};border:1px solid #999;padding:0 0.6em;margin:0 0.3em'></span>{}"
        marks = [swatch.format(c, f"{v:g}") for c, v in zip(self.colours(np.array(ends), kind, unit), ends)]
        marks[0] += f" low ({names[0]})"
        marks[-1] += f" high ({names[1]})"
        return f"<div style='font-size:11px;margin-bottom:2px'>background: {' &hellip; '.join(marks)}</div>"

    def update(self, change=None) -> None:
        if self._busy or self.trace is None or self.error:
            return  # a bad text: the faded picture and the message stay
        kind, unit, text = self.kind.value, self.unit.value, self.trace.text
        series = self.trace[kind][:, unit]
        feature = self.features[self.feature.value]
        r = float(correlations(series[:, None], feature)[0]) if self.ranked_on_text else dict(self.ranking)[unit]
        self.values = {
            "text": text,
            "kind": kind,
            "unit": unit,
            "series": series,
            "r": r,
            "feature": feature,
            "ranking": list(self.ranking),
        }
        spans, hi = [], self.limits(kind, unit)[1]
        for ch, v, bg in zip(text, series, self.colours(series, kind, unit)):
            body = "⏎<br>" if ch == "\n" else html.escape(ch)
            spans.append(f"<span data-v='{v:.4f}' style='background:{bg};color:{colours.text_on(bg)}'>{body}</span>")
        self.coloured.value = (
            self.colour_key(kind, unit) + "<div style='font-family:monospace;white-space:pre;"
            "font-size:12px;line-height:1.35'>" + "".join(spans) + "</div>"
        )
        x = np.arange(len(text))
        self.line.set_data(x, series / hi if kind == "c" else series)
        span = feature.max() - feature.min()
        self.feature_line.set_data(x, (feature - feature.min()) / span if span else np.zeros_like(feature))
        scale = f", max = {hi:g}" if kind == "c" else ""
        self.caption.set_text(f"{self._kind_name(kind)}, unit {unit} (solid{scale}) and {self.feature.value} (dashed)")
        self.status.value = readout_html(
            [("characters", str(len(text))), ("unit", str(unit)), ("correlation with feature", f"{r:+.2f}")]
            + ([("over the ranking text", f"{dict(self.ranking)[unit]:+.2f}")] if self.ranked_on_text else [])
            + [
                (
                    "rank",
                    f"1 of {len(self.ranking)}"
                    if unit == self.ranking[0][0]
                    else f"{[u for u, _ in self.ranking].index(unit) + 1} of {len(self.ranking)}",
                )
            ]
        )
        self.render()
