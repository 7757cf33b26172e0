"""Chapter 10: beam search step by step, with the log-probability of every beam kept."""
from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection

from ..seq2seq import EOS, VOCAB, beam_search, decode_tokens, model_stepper
from ._base import MIN_FONT_PT, FigureWidget, readout_html

MAX_WIDTH = 5


def _label(token: int) -> str:
    return "$" if token == EOS else VOCAB[token]


class BeamExplorer(FigureWidget):
    """A width slider for beam search on one input of a trained model.

    The figure plots every beam kept at every step at its total log-probability (higher is
    likelier), with a line to the beam it extends and the letter it adds ($ is EOS); finished
    beams are drawn as squares. The readout lists the final beams, best first by total
    log-probability, the course's one ranking rule (no length penalty: see
    `rnnlab.seq2seq.beam_search`). Searches of every width are run once when the widget is built,
    so moving the slider only redraws.
    """

    css_class = "rnnlab-beam-explorer"

    def __init__(self, model, text: str, width: int = 1, max_len: int | None = None):
        super().__init__(figsize=(6.4, 3.6))
        self.text, self.model = text, model.eval()
        self.max_len = max_len or len(text) + 3
        self.width = W.IntSlider(value=int(width), min=1, max=MAX_WIDTH, step=1, description="beam width",
                                 continuous_update=True, style={"description_width": "6em"})
        self.width.add_class("rnnlab-control-width")
        self.readout = W.HTML()
        self.readout.add_class("rnnlab-readout")
        self.searches = {}
        for k in range(1, MAX_WIDTH + 1):
            step, state = model_stepper(model, text)
            trace: list = []
            final = beam_search(step, state, k, self.max_len, trace=trace)
            self.searches[k] = (trace, final)
        lowest = min(b.logprob for trace, _ in self.searches.values() for kept in trace for b in kept)
        self.values: dict = {}

        ax = self.ax = self.fig.add_subplot()
        ax.set(xlim=(-0.3, self.max_len + 0.7), ylim=(min(lowest * 1.08, -1.0), 0.5), xlabel="step",
               ylabel="total log-probability", title=f"beams kept for the input {text!r}")
        ax.tick_params(labelsize=MIN_FONT_PT)
        self.edges = LineCollection([], colors="#999999", linewidths=0.8)
        ax.add_collection(self.edges)
        ax.plot([0], [0], "o", color="#555555", ms=5)                   # BOS, where every beam starts
        ax.annotate("BOS", (0, 0), textcoords="offset points", xytext=(3, 3), fontsize=MIN_FONT_PT)
        (self.alive_dots,) = ax.plot([], [], "o", color="#4c72b0", ms=5)
        (self.done_dots,) = ax.plot([], [], "s", color="#c44e52", ms=6)
        n = MAX_WIDTH * self.max_len
        self.letters = [ax.text(0, 0, "", fontsize=MIN_FONT_PT, ha="left", va="bottom", family="monospace")
                        for _ in range(n)]
        self.animate(self.edges, self.alive_dots, self.done_dots, *self.letters)
        self.width.observe(self.update, names="value")
        self.widget = W.VBox([self.width, W.HBox([self.image, self.readout])])
        self.widget.add_class(self.css_class)
        self.update()

    def update(self, change=None) -> None:
        k = self.width.value
        trace, final = self.searches[k]
        points, segments, done, labels = [], [], [], []
        previous = {(): (0, 0.0)}
        for t, kept in enumerate(trace, start=1):
            now = {}
            for b in kept:
                x, y = t, b.logprob
                (points if not b.finished else done).append((x, y))
                if b.tokens[:-1] in previous:
                    segments.append([previous[b.tokens[:-1]], (x, y)])
                labels.append((x, y, _label(b.tokens[-1])))
                now[b.tokens] = (x, y)
            previous = now
        self.values = {"width": k, "steps": [[(b.tokens, b.logprob) for b in kept] for kept in trace],
                       "final": [(b.tokens, b.logprob) for b in final]}
        self.edges.set_segments(segments)
        xy = np.array(points or [(np.nan, np.nan)])
        self.alive_dots.set_data(xy[:, 0], xy[:, 1])
        xy = np.array(done or [(np.nan, np.nan)])
        self.done_dots.set_data(xy[:, 0], xy[:, 1])
        for i, t in enumerate(self.letters):
            if i < len(labels):
                x, y, s = labels[i]
                t.set_position((x + 0.08, y + 0.05))
                t.set_text(s)
            else:
                t.set_text("")
        rows = [(f"beam {i + 1}", f"{decode_tokens(b.tokens) or '(empty)'}{'' if b.finished else ' (unfinished)'}"
                 f" &nbsp; {b.logprob:.3f}") for i, b in enumerate(final)]
        self.readout.value = readout_html([("input", self.text), ("width", str(k))] + rows +
                                          [("best is right?", "yes" if decode_tokens(final[0].tokens) == self.text[::-1] else "no")])
        self.render()
