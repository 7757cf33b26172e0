"""Chapter 10: where a trained decoder looks, as a heatmap of its attention weights."""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
import torch

from .. import colours
from ..seq2seq import reverse_text
from ._base import MIN_FONT_PT, FigureWidget, cannot_show, readout_html
from ._letters import LetterInput

MAX_INPUT = 16  # letters the widget accepts (the heatmap's widest shape)


class AttentionMap(LetterInput, FigureWidget):
    """Pick or type a string; see the decoder's attention weights over it, step by step.

    Rows are output steps (the letter decoded at that step on the left, EOS last), columns the
    input letters. The model reverses strings, so the right alignment is the anti-diagonal;
    the readout gives the decoded output, whether it is right, and the share of weight the
    decoder put where the task says it should look. `values` holds the current weights.
    """

    css_class = "rnnlab-attention-map"
    max_input = MAX_INPUT

    def __init__(self, model, examples: list[str] | None = None, text: str | None = None):
        super().__init__(figsize=(5.4, 4.4))
        if getattr(model, "attention", None) is None:
            raise ValueError("AttentionMap needs a model with attention (attention='dot' or 'additive')")
        self.model = model.eval()
        examples = examples or ["abcdefgh", "badge", "jihgfedcba", "aaaaaaa", "cabbage", "abcdefghijabcdef"]
        self.letter_controls(examples, text, placeholder=f"up to {MAX_INPUT} of a to j")
        self.readout = W.HTML()
        self.readout.add_class("rnnlab-readout")
        self.values: dict = {}

        ax = self.ax = self.fig.add_subplot()
        # one fixed grid (every input up to MAX_INPUT letters, its output steps and EOS), so an
        # update redraws only the heatmap and the letters: unused cells are NaN, which shows the
        # axes' hatched background (colours.hatch_missing)
        self.heat = ax.imshow(
            np.full((MAX_INPUT + 1, MAX_INPUT), np.nan),
            vmin=0,
            vmax=1,
            cmap=colours.colour_map("unit interval"),
            aspect="auto",
            interpolation="nearest",
        )
        self.fig.colorbar(self.heat, ax=ax, label="attention weight", shrink=0.9)
        ax.set(title="attention weights of each output step", xticks=[], yticks=[])
        # the letters are drawn as text beside the axes (they change with every input)
        ax.set_xlabel("input letters", labelpad=MIN_FONT_PT + 6)
        ax.set_ylabel("output step: letter decoded", labelpad=3 * MIN_FONT_PT + 4)
        colours.hatch_missing(ax)
        ax.grid(False)
        self.x_letters = [
            ax.text(
                i,
                -0.02,
                "",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=MIN_FONT_PT,
                family="monospace",
                clip_on=False,
            )
            for i in range(MAX_INPUT)
        ]
        self.y_letters = [
            ax.text(
                -0.02,
                j,
                "",
                transform=ax.get_yaxis_transform(),
                ha="right",
                va="center",
                fontsize=MIN_FONT_PT,
                family="monospace",
                clip_on=False,
            )
            for j in range(MAX_INPUT + 1)
        ]
        self.animate(self.heat, *self.x_letters, *self.y_letters)
        self.shape = (MAX_INPUT, MAX_INPUT + 1)  # the grid's visible part: input letters, output steps
        # a column of fixed width: the figure beside it stays put whatever the readout says
        left = W.VBox([self.pick, self.typed, self.readout], layout=W.Layout(width="300px", flex="0 0 auto"))
        self.widget = W.HBox([left, self.image])
        self.widget.add_class(self.css_class)
        self.show(self.pick.value)

    def show(self, text: str) -> None:
        """Decode `text` and draw its attention; a bad input is reported, and the last picture faded."""
        problem = self.check(text)
        if problem:
            # nothing of the last input's decoding in the readout: its picture stays, faded, and
            # the message is every widget's (cannot_show: the red heading, the problem escaped)
            last = self.values.get("text")
            self.values = {"error": problem, **({"text": last} if last else {})}
            self.show_stale()
            self.readout.value = readout_html([("input", html.escape(text))]) + cannot_show("input", problem, last)
            return
        with torch.no_grad():
            output, weights = reverse_text(self.model, text, max_len=MAX_INPUT + 1)
        weights = weights.numpy()
        target = text[::-1]
        aligned = np.array([weights[j, len(text) - 1 - j] for j in range(min(len(target), len(weights)))])
        self.values = {
            "text": text,
            "output": output,
            "weights": weights,
            "correct": output == target,
            "on_alignment": float(aligned.mean()) if len(aligned) else 0.0,
        }
        grid = np.full((MAX_INPUT + 1, MAX_INPUT), np.nan)
        grid[: len(weights), : len(text)] = weights[: MAX_INPUT + 1]
        self.heat.set_data(grid)
        # the axes show this input's letters and steps only (8 letters no longer use a quarter of
        # a 16 by 17 grid); each shape's axes are drawn in full once, then kept (static_key)
        self.shape = (len(text), min(len(weights), MAX_INPUT + 1))
        self.ax.set_xlim(-0.5, self.shape[0] - 0.5)
        self.ax.set_ylim(self.shape[1] - 0.5, -0.5)
        decoded = list(output) + ["EOS"]
        for i, t in enumerate(self.x_letters):
            t.set_text(text[i] if i < len(text) else "")
        for j, t in enumerate(self.y_letters):
            t.set_text(decoded[j] if j < len(weights) and j < len(decoded) else "")
        self.readout.value = readout_html([("input", html.escape(text))] + self._rows())
        self.render()

    def static_key(self):
        return self.shape

    def _rows(self) -> list[tuple[str, str]]:
        v = self.values
        if "output" not in v:
            return []
        return [
            ("decoded", v["output"] or "(empty)"),
            ("reversed input", v["text"][::-1]),
            ("right?", "yes" if v["correct"] else "no"),
            ("mean on anti-diagonal", f"{v['on_alignment']:.2f}"),
        ]
