"""The parallel scan of a minGRU's recurrence, level by level: which steps each node has joined."""

from __future__ import annotations

import ipywidgets as W
import torch
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .. import colours
from ..minrnn import MinGRU, g, log2_levels, scan_levels, scan_loop
from ._base import MIN_FONT_PT, FigureWidget, number, readout_html

LENGTHS = (8, 16)
MAX_LEVEL = log2_levels(max(LENGTHS))
PICKED, EARLIER, LATER = (colours.SCAN_EDGES[k] for k in ("picked", "earlier", "later"))
DONE, PENDING, OPEN = (colours.SCAN_FILLS[k] for k in ("done", "pending", "open"))
FAINT = "#d0d0d0"
HALF_W, HALF_H = 0.44, 0.4  # half a node box, in steps and levels
# node labels, in CSS px: 13 where a node holds three lines (8 steps), 11 where 16 nodes share a row
# (a label of 9 px, the course's floor, showed digits about 7 px tall in JupyterLab)
LABEL_PX = {8: 13, 16: 11}


def steps_text(first: int, last: int) -> str:
    """Steps first..last as a node names them: "3..6", or "5" for one step."""
    return str(last) if first == last else f"{first}..{last}"


def span(t: int, level: int) -> tuple[int, int]:
    """The steps (first, last), counted from 1, whose stretch node t holds after `level` levels."""
    return max(1, t - 2**level + 1), t


def fixed_recurrence(length: int = max(LENGTHS), seed: int = 11):
    """One unit of a small minGRU (3 inputs, seeded) on a fixed random input x (1, length, 3), in
    float64: (cell, x, a, b, h0) with a = 1 - z and b = z g(h~) of shape (1, length, 1), h0 = 0.5."""
    torch.manual_seed(seed)
    cell = MinGRU(3, 1).double()
    x = torch.randn(1, length, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        z = torch.sigmoid(cell.linear_z(x))
        a, b = 1 - z, z * g(cell.linear_h(x))
    return cell, x, a, b, torch.full((1, 1), 0.5, dtype=torch.float64)


def short(value: float) -> str:
    """A node's number in at most 7 characters: 3 significant digits."""
    return f"{value:.3g}"


class ScanTree(FigureWidget):
    """The levels of `rnnlab.minrnn.scan_levels` (Hillis and Steele) over 8 or 16 steps of one unit of
    a minGRU on a fixed input: level 0 holds every step's own (a_t, b_t); at level k each node t joins
    what it holds with what node t - 2^(k-1) held, so it holds the stretch of the 2^k steps ending at
    t. Every node shows which steps it holds ("3..6"), and at length 8 its numbers A (the product of
    their a) and B (their h started from 0).

    Controls: the length (8 or 16), the level shown, a step to pick. The picked node is outlined, the
    two nodes it joined at that level are coloured (the earlier stretch and the later one), and the
    readout gives its A and B; once its stretch reaches step 1, A h0 + B is h_t, and the readout puts
    it beside the loop's h_t (`scan_loop`). A level above the last is shown as the last: nothing is
    left to join. A step beyond the length is shown as the last step."""

    css_class = "rnnlab-scan-tree"

    def __init__(self, length: int = 8, level: int = 1, step: int = 6, seed: int = 11):
        super().__init__(figsize=(10.2, 4.2))
        self.cell, self.x, self.a, self.b, self.h0 = fixed_recurrence(max(LENGTHS), seed)
        # every level of both lengths, and the loop's h, computed once: an update only looks them up
        self.levels = {T: scan_levels(self.a[:, :T], self.b[:, :T]) for T in LENGTHS}
        self.loop = scan_loop(self.a, self.b, self.h0)[0, :, 0]

        self.length = W.ToggleButtons(
            options=[(str(T), T) for T in LENGTHS], value=length, description="length", style={"button_width": "3.5em"}
        )
        slider = dict(continuous_update=False, style={"description_width": "4em"}, layout=W.Layout(width="19em"))
        self.level = W.IntSlider(value=level, min=0, max=MAX_LEVEL, description="level", **slider)
        self.step = W.IntSlider(value=step, min=1, max=max(LENGTHS), description="step t", **slider)
        for name in ("length", "level", "step"):
            getattr(self, name).add_class(f"rnnlab-control-{name}")
        self.readout = W.HTML()
        self.readout.add_class("rnnlab-readout")

        self.ax = self.fig.add_subplot()
        ax = self.ax
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        ax.tick_params(length=0, labelsize=MIN_FONT_PT + 2)
        ax.set_xticks([])
        ax.grid(False)
        # one box, one label per node of the longest sequence; a length shows some of them
        self.boxes, self.labels = {}, {}
        for k in range(MAX_LEVEL + 1):
            for t in range(1, max(LENGTHS) + 1):
                self.boxes[k, t] = ax.add_patch(
                    Rectangle((t - HALF_W, k - HALF_H), 2 * HALF_W, 2 * HALF_H, lw=0.8, ec="0.55", fc=OPEN)
                )
                self.labels[k, t] = ax.text(t, k, "", ha="center", va="center", linespacing=1.15)
        self.edges = {}  # (level, t, "later" | "earlier") -> the line into node t
        for k in range(1, MAX_LEVEL + 1):
            for t in range(1, max(LENGTHS) + 1):
                self.edges[k, t, "later"] = ax.add_line(
                    Line2D([t, t], [k - 1 + HALF_H, k - HALF_H], lw=0.6, color="0.7")
                )
                if t - 2 ** (k - 1) >= 1:
                    s = t - 2 ** (k - 1)
                    self.edges[k, t, "earlier"] = ax.add_line(
                        Line2D([s, t], [k - 1 + HALF_H, k - HALF_H], lw=0.6, color="0.7")
                    )
        # what moves with the picked step: its outline, the two nodes it joined, their two edges,
        # and the steps it holds marked on level 0
        self.picked = ax.add_patch(Rectangle((0, 0), 2 * HALF_W, 2 * HALF_H, lw=2.4, ec=PICKED, fc="none"))
        self.from_earlier = ax.add_patch(Rectangle((0, 0), 2 * HALF_W, 2 * HALF_H, lw=2.0, ec=EARLIER, fc="none"))
        self.from_later = ax.add_patch(Rectangle((0, 0), 2 * HALF_W, 2 * HALF_H, lw=2.0, ec=LATER, fc="none"))
        self.edge_earlier = ax.add_line(Line2D([], [], lw=2.0, color=EARLIER))
        self.edge_later = ax.add_line(Line2D([], [], lw=2.0, color=LATER))
        self.held = ax.add_patch(Rectangle((0, -0.5), 1, 0.08, lw=0, fc=PICKED, alpha=0.8))
        self.animate(self.from_earlier, self.from_later, self.edge_earlier, self.edge_later, self.picked, self.held)

        self.shown = (length, level, step)
        for control in (self.length, self.level, self.step):
            control.observe(self.update, names="value")
        self.widget = W.VBox([self.image, W.HBox([W.VBox([self.length, self.level, self.step]), self.readout])])
        self.widget.add_class(self.css_class)
        self.update()

    # ---------------------------------------------------------------- what is shown
    def shown_level(self) -> int:
        """The level drawn: the slider's, or the last one of this length if the slider is above it."""
        return min(self.level.value, log2_levels(self.length.value))

    def shown_step(self) -> int:
        return min(self.step.value, self.length.value)

    def node(self, level: int, t: int) -> tuple[float, float]:
        """(A, B) that node t holds after `level` levels, from scan_levels."""
        A, B = self.levels[self.length.value][level]
        return float(A[0, t - 1, 0]), float(B[0, t - 1, 0])

    def node_text(self, level: int, t: int) -> str:
        steps = steps_text(*span(t, level))
        if self.length.value > LENGTHS[0]:
            return steps  # 16 nodes a row: the steps only
        A, B = self.node(level, t)
        return f"{steps}\nA {short(A)}\nB {short(B)}"

    def static_key(self):
        return self.length.value, self.shown_level()

    def _draw_static(self) -> None:
        """Boxes, labels and edges for the length and level shown. Set on every update, so that the artists
        always say what the kept picture shows; drawn in full once per (length, level)."""
        T, shown = self.static_key()
        L = log2_levels(T)
        for (k, t), box in self.boxes.items():
            visible = t <= T and k <= L
            box.set_visible(visible)
            self.labels[k, t].set_visible(visible and k <= shown)
            self.labels[k, t].set_fontsize(LABEL_PX[T])
            if visible:
                box.set_facecolor((DONE if span(t, k)[0] == 1 else PENDING) if k <= shown else OPEN)
                box.set_edgecolor("0.55" if k <= shown else FAINT)
                if k <= shown:
                    self.labels[k, t].set_text(self.node_text(k, t))
        for (k, t, _), line in self.edges.items():
            line.set_visible(t <= T and k <= shown)
        self.ax.set_xlim(0.5, T + 0.5)
        self.ax.set_ylim(L + 0.55, -0.6)
        self.ax.set_yticks(range(L + 1), [f"level {k}" for k in range(L + 1)])
        self.ax.set_title(
            f"h_t = a_t h_(t-1) + b_t over {T} steps: {L} levels"
            + ("; each node: its steps" if T > LENGTHS[0] else "; each node: its steps, A, B")
            + "; yellow: back to step 1",
            fontsize=MIN_FONT_PT + 2,
        )

    def update(self, change=None) -> None:
        T, k, t = self.length.value, self.shown_level(), self.shown_step()
        self.shown = (T, k, t)
        self._draw_static()  # cheap; the canvas draws it only when no picture of it is kept
        first, last = span(t, k)
        A, B = self.node(k, t)
        self.picked.set_xy((t - HALF_W, k - HALF_H))
        self.held.set_bounds(first - HALF_W, -0.58, last - first + 2 * HALF_W, 0.12)
        rows = [
            (
                "length, level, step",
                f"{T}, {k}, {t}" + (" (capped)" if (k, t) != (self.level.value, self.step.value) else ""),
            ),
            ("node holds steps", steps_text(first, last)),
        ]
        joined = k >= 1 and t - 2 ** (k - 1) >= 1
        if joined:
            s = t - 2 ** (k - 1)
            e_first, e_last = span(s, k - 1)
            l_first, l_last = span(t, k - 1)
            self.from_earlier.set_xy((s - HALF_W, k - 1 - HALF_H))
            self.from_later.set_xy((t - HALF_W, k - 1 - HALF_H))
            self.edge_earlier.set_data([s, t], [k - 1 + HALF_H, k - HALF_H])
            self.edge_later.set_data([t, t], [k - 1 + HALF_H, k - HALF_H])
            rows.append(
                (
                    "joined at this level",
                    f"<span style='color:{EARLIER}'>{steps_text(e_first, e_last)}</span>"
                    f" then <span style='color:{LATER}'>{steps_text(l_first, l_last)}</span>",
                )
            )
        else:
            rows.append(("joined at this level", "its own a_t, b_t" if k == 0 else "nothing: kept"))
        for artist in (self.from_earlier, self.from_later, self.edge_earlier, self.edge_later):
            artist.set_visible(joined)
        rows += [("A = product of its a", number(A, 4)), ("B = its h from h = 0", number(B, 4))]
        if first == 1:
            h_scan = A * float(self.h0) + B
            h_loop = float(self.loop[t - 1])
            rows += [
                ("A h0 + B (h0 = 0.5)", number(h_scan, 6)),
                ("h_t by the loop", number(h_loop, 6)),
                ("equal", "yes" if abs(h_scan - h_loop) <= 1e-12 * max(1.0, abs(h_loop)) else "no"),
            ]
        else:
            rows += [
                ("A h0 + B (h0 = 0.5)", f"not yet: needs steps 1..{t}"),
                ("h_t by the loop", "&nbsp;"),
                ("equal", "&nbsp;"),
            ]
        self.readout.value = readout_html(rows)
        self.render()
