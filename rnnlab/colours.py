"""Every colour that carries meaning in the course, in one place.

The widgets, the lectures' plots, the course's own plot style and the start page's progress
table read their colours from here, by what a colour means ("the forget gate", "a test that
failed"), never as a literal of their own. Each palette says where it is drawn, which of its
colours a reader must tell apart by colour, and what else tells them apart (a legend, a marker,
a word), because colour alone fails some readers: about one man in twelve sees red and green
alike. The palettes are chosen so that the colours that must be told apart stay apart under
simulated deuteranopia, protanopia and tritanopia; most come from the published colour-blind
safe sets of Okabe and Ito (2008) and of Paul Tol (2021). Neutral greys (chrome, frames, hints)
carry no category and may stay where they are drawn.

Plain data and two small helpers that import matplotlib only when called: the student's own
commands import this module too.
"""

from __future__ import annotations

from dataclasses import dataclass

# ----------------------------------------------------------------- the colours by name
# Okabe and Ito
OI_BLUE, OI_ORANGE, OI_VERMILLION = "#0072B2", "#E69F00", "#D55E00"
OI_GREEN, OI_PURPLE = "#009E73", "#CC79A7"
# Paul Tol: vibrant, muted, light and pale schemes
TOL_BLUE, TOL_RED, TOL_CYAN = "#0077BB", "#CC3311", "#33BBEE"
TOL_WINE, TOL_INDIGO = "#882255", "#332288"
TOL_LIGHT_CYAN, TOL_OLIVE, TOL_TEAL = "#99DDFF", "#AAAA00", "#44AA99"
TOL_LIGHT_ORANGE, TOL_PINK, TOL_SAND = "#EE8866", "#FFAABB", "#DDCC77"
OI_YELLOW = "#F0E442"
# the seaborn "deep" colours the course drew with first, kept where they pass
DEEP_BLUE, DEEP_ORANGE, DEEP_RED, DEEP_PURPLE = "#4c72b0", "#dd8452", "#c44e52", "#8172b2"
BLACK, WHITE = "#000000", "#ffffff"
# keyboard focus in the widgets: 5.7:1 on white, where WCAG 1.4.11 asks 3:1 of a focus indicator
FOCUS = "#1565c0"

# ----------------------------------------------------------------- palettes, by meaning
# matplotlib's colour cycle for every plot of the course ("C0", "C1", ... in the lectures):
# the first four stay apart for every reader; a plot of more series adds a legend and styles
CYCLE = (OI_BLUE, OI_ORANGE, TOL_CYAN, TOL_WINE, OI_GREEN, OI_PURPLE)
# the four gates of an LSTM, and a marker each, so the saturation plot reads without colour
GATES = {"i": OI_BLUE, "f": OI_ORANGE, "g": TOL_CYAN, "o": TOL_WINE}
GATE_MARKERS = {"i": "o", "f": "s", "g": "^", "o": "D"}
# the gate explorer's bars of the cell state: what is kept is the forget gate's, what is
# written the candidate's; every bar is named under it
CELL_BARS = {"c_prev": "#999999", "kept": GATES["f"], "written": GATES["g"], "c": "#333333", "h": DEEP_PURPLE}
# the three recurrent layers compared in chapter 07, each with its own line style too
MODELS = {"rnn": OI_VERMILLION, "lstm": TOL_INDIGO, "gru": TOL_CYAN}
MODEL_LINES = {"rnn": "-", "lstm": "--", "gru": "-."}
# words shown in colour on a white page (each word says it too): dark enough to read
REGIMES = {"vanishing": TOL_BLUE, "stable": BLACK, "exploding": TOL_RED}
VERDICTS = {"right": TOL_BLUE, "wrong": TOL_RED, "not attempted": "#666666"}
ERROR = VERDICTS["wrong"]  # "Cannot show this text:" above a widget's message
# a question's difficulty, as a badge of white text on the colour
DIFFICULTY = {"easy": TOL_BLUE, "medium": TOL_WINE, "hard": TOL_RED}
# the threshold explorer's two true classes, and the operating point on its curve
CLASSES = {"negative": DEEP_BLUE, "positive": DEEP_RED, "chosen": DEEP_ORANGE}
# beam search: beams still running (dots) and finished ones (squares)
BEAMS = {"alive": DEEP_BLUE, "done": DEEP_RED}
# the parallel scan: the node picked (thick outline) and the two nodes it joins
SCAN_EDGES = {"picked": DEEP_RED, "earlier": DEEP_ORANGE, "later": DEEP_BLUE}
# its node boxes: holding every step from the first (done), not yet, and levels not reached
# (not a blue: the tree's outlines use blue for the later steps; a pale yellow fades into white for
# a tritanope, 6.3 apart)
SCAN_FILLS = {"done": TOL_SAND, "pending": WHITE, "open": "#f4f4f4"}
# the unrolled RNN: what comes from the input, what from the previous hidden state
SOURCES = {"x": DEEP_BLUE, "h": DEEP_ORANGE}
# the LSTM shapes widget: rows picked by output[-1] / h_n[-1], last steps, both
SHAPE_CELLS = {"plain": "#d9d9d9", "picked": OI_ORANGE, "last": TOL_BLUE, "both": TOL_WINE}
# packed sequences: one light fill per original sequence, black text on it; padding is grey
# and hatched
SEQUENCES = (TOL_LIGHT_CYAN, TOL_OLIVE, OI_YELLOW, TOL_TEAL, TOL_LIGHT_ORANGE, TOL_PINK)
PAD = "#eeeeee"
# the two directions of a bidirectional layer (forward, backward), on a diagram meant to
# read in print as well: the two differ in lightness
DIRECTIONS = (TOL_LIGHT_CYAN, TOL_LIGHT_ORANGE)
# the cell viewer's plot: the unit (solid) against the text's feature (dashed)
TRACES = {"unit": OI_VERMILLION, "feature": "#555555"}


@dataclass(frozen=True)
class Palette:
    """A palette and what the course promises about it.

    `apart`: the colours a reader must tell apart by colour, at the full distance (all of them
    unless named). `labelled`: colours beyond those, told apart by a label on every mark, which
    must still differ at a smaller distance. `cue`: what besides colour carries the meaning.
    `text`: "on white" for words coloured on a white page, "under white" for white words on the
    colour. `printed`: meant to read in greyscale too."""

    colours: dict
    used_in: str
    cue: str
    apart: tuple = ()
    labelled: tuple = ()
    text: str = ""
    printed: bool = False

    def keys_apart(self) -> tuple:
        return self.apart or tuple(self.colours)


def _indexed(colours) -> dict:
    return {str(k): c for k, c in enumerate(colours)}


PALETTES = {
    "cycle": Palette(
        _indexed(CYCLE),
        "every plot's colour cycle (course.setup)",
        "a legend; beyond four series, line styles or markers",
        apart=("0", "1", "2", "3"),
        labelled=tuple(map(str, range(len(CYCLE)))),
    ),
    "gates": Palette(
        GATES,
        "plots.saturation_axes, GateExplorer, SequenceGates",
        "a legend and one marker per gate; the bars are named i, f, g, o",
    ),
    "cell bars": Palette(
        CELL_BARS, "GateExplorer", "each bar is named under it", apart=("kept", "written"), labelled=tuple(CELL_BARS)
    ),
    "models": Palette(MODELS, "GradientFlow, chapter 07's race", "a legend and one line style per model"),
    "regimes": Palette(REGIMES, "GradientFlow's readout", "the word itself", text="on white"),
    "verdicts": Palette(
        VERDICTS,
        "Quiz (Correct / Not quite), the progress table",
        "the words Correct, Not quite, passed, failed",
        text="on white",
    ),
    "difficulty": Palette(DIFFICULTY, "Quiz's badges", "the word easy, medium or hard", text="under white"),
    "classes": Palette(
        CLASSES,
        "ThresholdExplorer",
        "a legend; the operating point is a dot on a curve",
        apart=("negative", "positive"),
    ),
    "beams": Palette(BEAMS, "BeamExplorer", "dots for running beams, squares for finished ones"),
    "scan edges": Palette(SCAN_EDGES, "ScanTree", "the picked node's outline is thicker; the readout names the steps"),
    "scan fills": Palette(
        SCAN_FILLS, "ScanTree", "each box names its steps; levels not reached have no label", apart=("done", "pending")
    ),
    "sources": Palette(SOURCES, "RNNUnroll", "a legend; the input's bar left of the hidden state's"),
    "shape cells": Palette(SHAPE_CELLS, "LSTMShapes", "a legend"),
    "sequences": Palette(
        _indexed(SEQUENCES),
        "packing.draw_packed",
        "every cell is labelled with its step",
        apart=("0", "1", "2", "3"),
        labelled=tuple(map(str, range(len(SEQUENCES)))),
    ),
    "directions": Palette(
        _indexed(DIRECTIONS),
        "stacking.draw_h_n_layout",
        "every slot is labelled with its layer and direction",
        printed=True,
    ),
    "traces": Palette(TRACES, "CellViewer's plot", "solid against dashed, named in the caption"),
}

# ----------------------------------------------------------------- colour maps, by meaning
# name -> (matplotlib's map, kind): "sequential" maps order values by lightness, "diverging"
# maps give the two signs two arms that meet in a light middle
MAPS = {
    "unit interval": "viridis",  # gates in (0, 1), attention weights, every image's default
    "signed": "RdBu_r",  # tanh values, h, c and candidates: red high, blue low
    "counts": "Blues",  # confusion matrices
}
MAP_KINDS = {"viridis": "sequential", "RdBu_r": "diverging", "Blues": "sequential"}
MAP_WORDS = {"viridis": ("dark purple", "yellow"), "RdBu_r": ("blue", "red"), "Blues": ("white", "dark blue")}
# a value a heat map does not have (a step not computed yet, a cell past the text) shows the
# axes' background through it: white, hatched, so it is never read as a value of the map
MISSING_HATCH, MISSING_LINES = "////", "#bbbbbb"


def colour_map(meaning: str):
    """The colour map for `meaning` (a key of MAPS), whose missing values are see-through."""
    import matplotlib

    return matplotlib.colormaps[MAPS[meaning]].with_extremes(bad=(0, 0, 0, 0))


def hatch_missing(ax) -> None:
    """Hatch `ax`'s background, which a heat map drawn with colour_map() shows where a value is missing."""
    ax.patch.set_facecolor(WHITE)
    ax.patch.set_hatch(MISSING_HATCH)
    if hasattr(ax.patch, "set_hatchcolor"):  # matplotlib 3.11, the course's
        ax.patch.set_hatchcolor(MISSING_LINES)
    else:  # before it (Colab's 3.10) the hatch takes the edge's colour
        ax.patch.set_edgecolor(MISSING_LINES)
        ax.patch.set_linewidth(0)


def luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a colour written '#rrggbb'."""
    channels = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_on(background: str) -> str:
    """Black or white, whichever reads better on `background` (WCAG's contrast ratio): at least
    4.58 to 1 on any colour, above the 4.5 that WCAG 2.1 AA asks of text."""
    light = luminance(background)
    return BLACK if (light + 0.05) / 0.05 >= 1.05 / (light + 0.05) else WHITE
