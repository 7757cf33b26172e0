"""Issue 57, item 3: every colour that carries meaning reads for colour-blind readers and, where
a figure is meant to be printed, in greyscale; and every such colour comes from rnnlab.colours.

Colours are compared in CAM02-UCS, where the Euclidean distance between two colours follows how
different they look (about 1 is the smallest difference seen between large patches side by
side), under normal vision and under colorspacious's simulation of deuteranopia, protanopia and
tritanopia at severity 100 (the Machado, Oliveira and Fernandes model).

Thresholds, with what the course's palettes measured when this test was written:
- MIN_APART = 15 for colours a reader must tell apart by colour: lines, dots and words, small
  marks seen apart rather than side by side, need many times the smallest visible difference.
  The pairs readers with a red-green deficiency report confusing measured 5.6 to 8.8 under
  simulation (the old gate colours f/g and g/o, the old red/green regimes, badges and verdicts),
  while the blue/orange pairs that read for everyone measured 31 or more. Open a palette that
  fails with `closest(...)` below to see which pair, and under which vision.
- MIN_LABELLED = 10 for colours told apart by a label on every mark too (the fifth and sixth
  colour of a cycle, the cells of packed sequences past the fourth).
- MIN_LIGHTNESS = 10 in J' (0 black, 100 white) for colours a printed figure tells apart: about
  a tenth of the range from black to white, as far apart as neighbouring steps of a ten-step
  grey scale, which an office printer keeps apart.
- Words coloured on white (or white words on a colour) keep WCAG's contrast of 4.5 for text.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from colorspacious import cspace_convert
from matplotlib.colors import to_rgb

from rnnlab import colours

REPO = Path(__file__).resolve().parents[2]
VISIONS = (None, "deuteranomaly", "protanomaly", "tritanomaly")
MIN_APART, MIN_LABELLED, MIN_LIGHTNESS, MIN_TEXT_CONTRAST = 15.0, 10.0, 10.0, 4.5


# ----------------------------------------------------------------- measuring
def ucs(rgb, vision=None) -> np.ndarray:
    """CAM02-UCS coordinates (J', a', b') of sRGB colours in 0..1, as a reader with `vision` sees them."""
    rgb = np.asarray(rgb, dtype=float)
    if vision:
        cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        rgb = np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")


@functools.cache
def seen(colour: str, vision) -> tuple:
    return tuple(ucs(to_rgb(colour), vision))


def distance(a: str, b: str, vision=None) -> float:
    return float(np.linalg.norm(np.subtract(seen(a, vision), seen(b, vision))))


def closest(palette: dict, keys=None) -> tuple[float, str, str, str]:
    """The two colours of `palette` (among `keys`) that come closest under any vision:
    (distance, key, key, vision)."""
    keys = list(keys or palette)
    return min(
        (distance(palette[a], palette[b], v), a, b, v or "normal")
        for a, b in itertools.combinations(keys, 2)
        for v in VISIONS
    )


def too_close(palette: dict, keys=None, minimum: float = MIN_APART) -> list:
    """Every pair of `keys` closer than `minimum` under some vision: [(a, b, vision, distance)]."""
    keys = list(keys or palette)
    return [
        (a, b, v or "normal", round(d, 1))
        for a, b in itertools.combinations(keys, 2)
        for v in VISIONS
        if (d := distance(palette[a], palette[b], v)) < minimum
    ]


def lightness(colour: str) -> float:
    return seen(colour, None)[0]


def too_alike_in_grey(palette: dict, keys=None, minimum: float = MIN_LIGHTNESS) -> list:
    keys = list(keys or palette)
    return [
        (a, b, round(abs(lightness(palette[a]) - lightness(palette[b])), 1))
        for a, b in itertools.combinations(keys, 2)
        if abs(lightness(palette[a]) - lightness(palette[b])) < minimum
    ]


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance, written here apart from rnnlab.colours.luminance to check it."""
    r = np.array(to_rgb(colour))
    r = np.where(r <= 0.04045, r / 12.92, ((r + 0.055) / 1.055) ** 2.4)
    return float(r @ [0.2126, 0.7152, 0.0722])


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours."""
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def map_problems(name: str, kind: str) -> list[str]:
    """What keeps colour map `name` from reading as a `kind` map for every reader."""
    cmap = matplotlib.colormaps[name]
    problems = []
    for vision in VISIONS:
        who = vision or "normal"
        if kind == "sequential":  # lightness alone orders the values
            J = ucs(cmap(np.linspace(0, 1, 64))[:, :3], vision)[:, 0]
            if not (np.all(np.diff(J) > 0) or np.all(np.diff(J) < 0)):
                problems.append(f"{who}: lightness not monotonic")
        else:  # two arms from the ends to a light middle
            low = ucs(cmap(np.linspace(0, 0.5, 32))[:, :3], vision)
            high = ucs(cmap(np.linspace(1, 0.5, 32))[:, :3], vision)
            for arm, points in (("low", low), ("high", high)):
                if not np.all(np.diff(points[:, 0]) > 0):
                    problems.append(f"{who}: the {arm} arm does not lighten towards the middle")
            # from 40% of the scale out (a fifth of the map from its middle), a value and its
            # negative must not look alike; the ends are checked the same way
            s = np.linspace(0.2, 0.5, 13)
            apart = np.linalg.norm(ucs(cmap(0.5 - s)[:, :3], vision) - ucs(cmap(0.5 + s)[:, :3], vision), axis=1)
            if apart.min() < MIN_APART:
                problems.append(f"{who}: the arms come within {apart.min():.1f} at |x| = {s[apart.argmin()] * 2:.1f}")
    return problems


# ----------------------------------------------------------------- the checks can fail
def test_the_measure_rejects_pairs_colour_blind_readers_confuse():
    # red and green of about the same lightness: far apart in normal vision, not in deuteranopia
    assert distance("#c44e52", "#55a868") > 40
    assert too_close({"red": "#c44e52", "green": "#55a868"}) == [("red", "green", "deuteranomaly", 8.8)]
    # the course's own palettes before issue 57, each caught
    old_regimes = {"vanishing": "#c44e52", "stable": "#2e7d32", "exploding": "#ef6c00"}
    assert {(a, b) for a, b, *_ in too_close(old_regimes)} == {
        ("vanishing", "stable"),
        ("stable", "exploding"),
        ("vanishing", "exploding"),
    }
    old_gates = {"i": "#4c72b0", "f": "#dd8452", "g": "#55a868", "o": "#c44e52"}
    assert closest(old_gates)[0] < 6
    # pure blue and orange pass for every reader; a grey pair of one lightness fails in print
    assert not too_close({"blue": "#0072B2", "orange": "#E69F00"})
    assert too_alike_in_grey({"a": "#a6cee3", "b": "#fdbf6f"})
    assert contrast("#ef6c00", "#ffffff") < MIN_TEXT_CONTRAST < contrast("#CC3311", "#ffffff")


def test_the_map_checks_reject_maps_that_fail_some_readers():
    assert map_problems("viridis", "sequential") == []
    assert any("monotonic" in p for p in map_problems("jet", "sequential"))
    # red-yellow-green: its arms look alike under deuteranopia, not under normal vision
    problems = map_problems("RdYlGn", "diverging")
    assert any(p.startswith("deuteranomaly: the arms") for p in problems)
    assert not any(p.startswith("normal: the arms") for p in problems)


# ----------------------------------------------------------------- the course's colours
@pytest.mark.parametrize("name", sorted(colours.PALETTES))
def test_colours_that_mean_different_things_look_different_to_every_reader(name):
    p = colours.PALETTES[name]
    assert p.cue, f"{name}: say what besides colour tells its colours apart"
    assert not too_close(p.colours, p.keys_apart()), (name, p.used_in)
    if p.labelled:
        assert not too_close(p.colours, p.labelled, MIN_LABELLED), (name, p.used_in)


@pytest.mark.parametrize("name", sorted(n for n, p in colours.PALETTES.items() if p.text))
def test_coloured_words_are_readable(name):
    p = colours.PALETTES[name]
    for key, colour in p.colours.items():
        assert contrast(colour, colours.WHITE) >= MIN_TEXT_CONTRAST, (name, key, p.text)


@pytest.mark.parametrize("meaning", ["unit interval", "signed"])
def test_text_on_every_colour_of_a_map_is_readable(meaning):
    """The cell viewer writes each character on its value's colour: black or white, whichever
    reads better (colours.text_on), reaches WCAG's 4.5 on every colour the map can give; the
    choice by a fixed threshold it replaced did not (3.66 to 1 at worst on the gates' map, 4.04 on the signed one)."""
    cmap = colours.colour_map(meaning)
    for share in np.linspace(0, 1, 1001):
        bg = "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in cmap(share)[:3]))
        assert contrast(colours.text_on(bg), bg) >= MIN_TEXT_CONTRAST, (meaning, share, bg)
        assert abs(colours.luminance(bg) - relative_luminance(bg)) < 1e-9
    bad = "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in cmap(0.8)[:3]))
    worse = colours.WHITE if colours.text_on(bad) == colours.BLACK else colours.BLACK
    assert contrast(worse, bad) < contrast(colours.text_on(bad), bad)


def test_printed_figures_read_in_greyscale():
    printed = {n: p for n, p in colours.PALETTES.items() if p.printed}
    assert printed, "no palette is marked for print: the greyscale check would check nothing"
    for name, p in printed.items():
        assert not too_alike_in_grey(p.colours, p.keys_apart()), name


def test_the_cheat_sheet_prints_without_colour():
    """The cheat sheet is the page meant for printing: it draws no figure and colours nothing.
    A figure added to it uses a palette marked `printed` in rnnlab.colours (greyscale-checked
    above), and this test is changed to find its colours there."""
    nb = json.loads((REPO / "notebooks" / "cheatsheet.ipynb").read_text())
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        assert not re.search(r"color|colour|cmap|imshow|\.plot\(", source), source[:80]
        for output in cell.get("outputs", []):
            assert not {"image/png", "image/svg+xml"} & set(output.get("data", {})), source[:80]


@pytest.mark.parametrize("meaning", sorted(colours.MAPS))
def test_colour_maps_order_their_values_for_every_reader(meaning):
    name = colours.MAPS[meaning]
    assert map_problems(name, colours.MAP_KINDS[name]) == []


def test_missing_values_are_hatched_not_a_colour_of_the_map():
    """A heat map's missing value (a step not computed yet) showed #f2f2f2, 1.4 from RdBu_r's
    middle: a value near 0 looked not computed. It is now see-through over a hatched background."""
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    colours.hatch_missing(ax)
    image = ax.imshow(np.array([[np.nan, 0.0]]), cmap=colours.colour_map("signed"), vmin=-1, vmax=1)
    assert ax.patch.get_hatch() == colours.MISSING_HATCH
    rgba = image.to_rgba(image.get_array())
    assert rgba[0, 0, 3] == 0 and rgba[0, 1, 3] == 1
    assert distance(colours.MISSING_LINES, colours.WHITE) >= MIN_APART


def test_the_saturation_plot_tells_gates_apart_by_marker_too():
    from matplotlib.figure import Figure

    from rnnlab.plots import saturation_axes

    dots = saturation_axes(Figure().subplots())
    paths = [tuple(map(tuple, d.get_paths()[0].vertices.round(3))) for d in dots.values()]
    assert len(set(paths)) == len(dots) == 4


def test_model_lines_differ_in_style_as_well_as_colour():
    assert set(colours.MODEL_LINES) == set(colours.MODELS)
    assert len(set(colours.MODEL_LINES.values())) == len(colours.MODELS)


# ----------------------------------------------------------------- one home for colours
# six hex digits anywhere; three only where CSS or a string starts ("#129" in a comment is an issue)
HEX = re.compile(r"(?<![\w&])#[0-9a-fA-F]{6}\b|(?<=[\"':])#[0-9a-fA-F]{3}\b")
NAMED = re.compile(
    r"""(?:color|colou?rs?|facecolors?|edgecolors?|cmap|fc|ec)\s*=\s*["']"""
    r"""(red|green|blue|orange|purple|yellow|magenta|cyan|tab:\w+|[A-Z]\w*_r?|[a-z]+_r)["']"""
)
MAP_BY_NAME = re.compile(r"""colormaps\[\s*["']""")


def chromatic(literal: str) -> bool:
    """A hex colour that is not a neutral grey (greys carry no category)."""
    h = literal.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    r, g, b = (int(h[k : k + 2], 16) for k in (0, 2, 4))
    return max(r, g, b) - min(r, g, b) > 8


def colour_literals(text: str) -> list[str]:
    """Meaning-carrying colours written out in `text`: chromatic hex values, colour or map names."""
    found = [m.group(0) for m in HEX.finditer(text) if chromatic(m.group(0))]
    found += [m.group(0) for m in NAMED.finditer(text)]
    found += [m.group(0) for m in MAP_BY_NAME.finditer(text)]
    return found


def sources():
    """Every file whose code draws: the course package, the website's own files, the lectures'
    code cells (a notebook's markdown and outputs are not code)."""
    for path in sorted((REPO / "rnnlab").rglob("*.py")):
        if path.name != "colours.py":
            yield path, path.read_text()
    for path in sorted((REPO / "autograder" / "publishing" / "site").rglob("*")):
        if path.suffix in {".py", ".js", ".html"}:
            yield path, path.read_text()
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        yield path, "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_the_guard_finds_colours_written_out():
    assert colour_literals('REGIMES = {"stable": "#2e7d32"}') == ["#2e7d32"]
    assert colour_literals('ax.plot(x, color="green")') == ['color="green"']
    assert colour_literals('ax.imshow(a, cmap="RdBu_r")') == ['cmap="RdBu_r"']
    assert colour_literals('matplotlib.colormaps["viridis"]') == ['colormaps["']
    assert colour_literals('edgecolor="#555555", color="k", color="C1", "&#9654;" # 3 #fff, nbmake #129') == []
    assert colour_literals("<b style='color:#b00'>") == ["#b00"]


def test_no_module_or_lecture_writes_out_a_colour_that_carries_meaning():
    """Every such colour comes from rnnlab.colours, where the checks above measure it."""
    found = {str(path.relative_to(REPO)): hits for path, text in sources() if (hits := colour_literals(text))}
    assert not found, found
