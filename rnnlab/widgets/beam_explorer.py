"""Chapter 10: beam search step by step, with the log-probability of every beam kept."""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection

from .. import colours
from ..seq2seq import EOS, VOCAB, beam_search, decode_tokens, model_stepper
from ._base import MIN_FONT_PT, FigureWidget, cannot_show, readout_html
from ._letters import LetterInput

MAX_WIDTH = 5
MAX_INPUT = 14  # letters it takes: training saw 3 to 12
LABEL_GAP_PX = MIN_FONT_PT + 2  # the least vertical distance between two letters of one step
# a string of every width's picture: width 1 (greedy) is wrong, 2 right, 3 to 5 wrong again
BOTH_WAYS = "jbggfheghj"


def spread(ys, gap: float) -> np.ndarray:
    """Positions as near to `ys` as they can be with at least `gap` between any two, in the
    same order: neighbours closer than `gap` form a group, spaced by `gap` around their mean."""
    ys = np.asarray(ys, dtype=float)
    out = np.empty_like(ys)
    groups: list[list] = []  # [first y of the group, its members (indices)]
    for i in np.argsort(ys, kind="stable"):
        groups.append([ys[i], [i]])
        while len(groups) > 1:
            (base0, members0), (base1, members1) = groups[-2], groups[-1]
            if base0 + len(members0) * gap <= base1:
                break
            members = members0 + members1
            centre = np.mean([ys[m] for m in members])
            groups[-2:] = [[centre - (len(members) - 1) * gap / 2, members]]
    for base, members in groups:
        for k, m in enumerate(members):
            out[m] = base + k * gap
    return out


class BeamExplorer(LetterInput, FigureWidget):
    """A width slider for beam search on an input of a trained model, picked or typed.

    The figure plots every beam kept at every step at its total log-probability (higher is
    likelier), with a line to the beam it extends and the letter it adds ($ is EOS); finished
    beams are drawn as squares. Letters of one step that would overlap are moved apart, with a
    thin line to their beam's dot. The readout lists the final beams, best first by total
    log-probability, the course's one ranking rule (no length penalty: see
    `rnnlab.seq2seq.beam_search`), and at which widths the best output is right. Searches of
    every width are run once per input, so moving the slider only redraws.
    """

    css_class = "rnnlab-beam-explorer"
    max_input = MAX_INPUT

    def __init__(self, model, text: str | None = None, width: int = 1, examples: list[str] | None = None):
        super().__init__(figsize=(6.4, 3.6))
        self.model = model.eval()
        examples = list(examples or ["jihgfedcba", BOTH_WAYS, "abcabc"])
        if text is not None and text not in examples:
            examples.insert(0, text)
        self.letter_controls(examples, text, placeholder=f"up to {MAX_INPUT} of a to j")
        self.width = W.IntSlider(
            value=int(width),
            min=1,
            max=MAX_WIDTH,
            step=1,
            description="beam width",
            continuous_update=True,
            style={"description_width": "6em"},
            layout=W.Layout(width="20em"),
        )
        self.width.add_class("rnnlab-control-width")
        self.readout = W.HTML()
        self.readout.add_class("rnnlab-readout")
        self.values: dict = {}
        self.text, self.error = None, None

        ax = self.ax = self.fig.add_subplot()
        ax.set(xlabel="step", ylabel="total log-probability", title="beams kept at each step")
        ax.tick_params(labelsize=MIN_FONT_PT)
        self.edges = LineCollection([], colors="#999999", linewidths=0.8)
        self.leaders = LineCollection([], colors="#bbbbbb", linewidths=0.5)
        ax.add_collection(self.edges)
        ax.add_collection(self.leaders)
        ax.plot([0], [0], "o", color="#555555", ms=5)  # BOS, where every beam starts
        ax.annotate("BOS", (0, 0), textcoords="offset points", xytext=(3, 3), fontsize=MIN_FONT_PT)
        (self.alive_dots,) = ax.plot([], [], "o", color=colours.BEAMS["alive"], ms=5)
        (self.done_dots,) = ax.plot([], [], "s", color=colours.BEAMS["done"], ms=6)
        n = MAX_WIDTH * (MAX_INPUT + 3)
        self.letters = [
            ax.text(0, 0, "", fontsize=MIN_FONT_PT, ha="left", va="center", family="monospace") for _ in range(n)
        ]
        self.animate(self.edges, self.leaders, self.alive_dots, self.done_dots, *self.letters)
        self.width.observe(self.update, names="value")
        controls = W.VBox([self.pick, self.typed, self.width], layout=W.Layout(flex="0 0 auto"))
        self.widget = W.VBox([controls, W.HBox([self.image, self.readout])])
        self.widget.add_class(self.css_class)
        # the layout once, for the widest tick labels any input gets (a layout made for the first
        # input's axes cut the axis label off for an input whose totals reach -10)
        ax.set(xlim=(-0.3, MAX_INPUT + 3.7), ylim=(-100, 0.5))
        self.fig.canvas.draw()
        self.fig.set_layout_engine("none")
        self.show(self.pick.value)

    def show(self, text: str) -> None:
        """Search `text` at every width and draw the slider's width; a bad input is reported and
        the last picture faded."""
        problem = self.error = self.check(text)
        if problem:
            self.show_stale()
            self.readout.value = readout_html([("input", html.escape(text))]) + cannot_show("input", problem, self.text)
            return
        self.text, self.max_len = text, len(text) + 3
        self.searches = {}
        for k in range(1, MAX_WIDTH + 1):
            step, state = model_stepper(self.model, text)
            trace: list = []
            final = beam_search(step, state, k, self.max_len, trace=trace)
            self.searches[k] = (trace, final)
        self.right_at = [k for k, (_, final) in self.searches.items() if decode_tokens(final[0].tokens) == text[::-1]]
        lowest = min(b.logprob for trace, _ in self.searches.values() for kept in trace for b in kept)
        # whole units of log-probability: inputs of one length and depth share their axes' picture
        self.limits = (self.max_len, int(np.floor(min(lowest * 1.08, -1.0))))
        self.ax.set(xlim=(-0.3, self.max_len + 0.7), ylim=(self.limits[1], 0.5))
        self.update()

    def static_key(self):
        return self.limits

    def _label_heights(self, labels) -> list[float]:
        """Each letter's height, moved apart from the others of its step (in pixels, then back)."""
        to_px, to_data = self.ax.transData, self.ax.transData.inverted()
        heights = [y for _, y, _ in labels]
        steps = {}
        for i, (x, _, _) in enumerate(labels):
            steps.setdefault(x, []).append(i)
        for x, members in steps.items():
            px = to_px.transform([(x, labels[i][1]) for i in members])[:, 1] / (self.dpi / 72)
            moved = spread(px, LABEL_GAP_PX) * (self.dpi / 72)
            for i, y in zip(members, moved):
                heights[i] = to_data.transform((0, y))[1]
        return heights

    def update(self, change=None) -> None:
        if self.error:  # a bad input: the faded picture and the message stay
            return
        k, text = self.width.value, self.text
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
                labels.append((x, y, "$" if b.tokens[-1] == EOS else VOCAB[b.tokens[-1]]))
                now[b.tokens] = (x, y)
            previous = now
        self.values = {
            "text": text,
            "width": k,
            "right_at": self.right_at,
            "steps": [[(b.tokens, b.logprob) for b in kept] for kept in trace],
            "final": [(b.tokens, b.logprob) for b in final],
        }
        self.edges.set_segments(segments)
        xy = np.array(points or [(np.nan, np.nan)])
        self.alive_dots.set_data(xy[:, 0], xy[:, 1])
        xy = np.array(done or [(np.nan, np.nan)])
        self.done_dots.set_data(xy[:, 0], xy[:, 1])
        heights = self._label_heights(labels)
        leaders = []
        for i, t in enumerate(self.letters):
            if i < len(labels):
                x, y, s = labels[i]
                t.set_position((x + 0.15, heights[i]))
                t.set_text(s)
                if heights[i] != y:
                    leaders.append([(x, y), (x + 0.14, heights[i])])
            else:
                t.set_text("")
        self.leaders.set_segments(leaders)
        best_right = decode_tokens(final[0].tokens) == text[::-1]
        rows = [
            (
                f"beam {i + 1}",
                f"{decode_tokens(b.tokens) or '(empty)'}{'' if b.finished else ' (unfinished)'} &nbsp; {b.logprob:.3f}",
            )
            for i, b in enumerate(final)
        ]
        widths = ", ".join(map(str, self.right_at)) or "none"
        self.readout.value = readout_html(
            [("input", text), ("width", str(k))]
            + rows
            + [("best is right?", "yes" if best_right else "no"), ("right at widths", widths)]
        )
        self.render()
