"""What every course widget shares: a figure built once, then updated by blitting.

One rendering path for every widget figure: the figure is laid out in CSS pixels (72 per inch,
so a font of 9 points is 9 pixels on screen), drawn at twice that resolution, and shown in an
Image widget whose width and height are fixed to the CSS size. The page never stretches,
squeezes or blurs it, and on a high-density screen it stays sharp.

A full matplotlib draw of a multi-panel figure costs hundreds of milliseconds on a laptop CPU,
too slow to feel live. So a widget draws its static parts (axes, ticks, colour bars, titles)
once, keeps that picture, and on each update restores it and draws only the artists that
change (bars, heatmap data, labels), then encodes the pixels as a PNG for an Image widget.
"""

from __future__ import annotations

import html
import io

import ipywidgets as W
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .. import colours

CSS_DPI = 72  # CSS pixels per inch: a figure of 8 x 3 inches is shown at 576 x 216 px
SCALE = 2  # device pixels per CSS pixel in the PNG
MIN_FONT_PT = 9  # = 9 CSS px on screen at CSS_DPI


class FigureWidget:
    """Base class: build `self.fig`, register changing artists with `animate()`, call `render()`.

    `update()` in subclasses recomputes, moves artists and renders; it is a plain method, so
    tests call it (or set a control's value) and assert on kernel-side state: the artists'
    data, `self.image.value`, a readout's text. A widget whose static parts take a few shapes
    (axis limits for a few widths, say) returns the current one from `static_key()`: each
    shape is drawn in full once and its picture kept. Call `invalidate()` after any other
    change to something static, so the next render redraws everything.
    """

    dpi = CSS_DPI * SCALE

    def __init__(self, figsize: tuple[float, float]):
        # whole CSS pixels, so the PNG is exactly SCALE times the size it is shown at
        self.css_size = tuple(round(inches * CSS_DPI) for inches in figsize)
        self.fig = Figure(figsize=[px / CSS_DPI for px in self.css_size], dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(self.fig)
        width, height = self.css_size
        # fixed size, and never grown or shrunk by the flex boxes around it (ipywidgets' own CSS
        # stretches images to the box: a 691x208 figure was once shown at 691x354)
        self.image = W.Image(
            format="png",
            layout=W.Layout(
                width=f"{width}px",
                height=f"{height}px",
                min_width=f"{width}px",
                max_width="none",
                flex="0 0 auto",
                align_self="flex-start",
            ),
        )
        self.image.add_class("rnnlab-figure")
        # an Image widget cannot carry alt text (ipywidgets 8.1.9 even fails to draw one given a
        # tooltip): the text goes in a hidden HTML widget, shown with the widget (`accessible`)
        self.alt = W.HTML(layout=W.Layout(display="none"))
        self.alt.add_class("rnnlab-figure-alt")
        self._animated: list = []
        self._backgrounds: dict = {}
        self.full_draws = 0
        self.stale = False  # the picture is of an earlier input (see show_stale)

    def animate(self, *artists) -> None:
        for artist in artists:
            artist.set_animated(True)  # left out of full draws; drawn on every render
            self._animated.append(artist)

    def static_key(self):
        """Which version of the static parts is showing (override when there are several)."""
        return None

    def invalidate(self) -> None:
        self._backgrounds.clear()

    def render(self) -> None:
        canvas = self.fig.canvas
        key = self.static_key()
        if key not in self._backgrounds:
            canvas.draw()  # static parts only (and the layout, once)
            self.fig.set_layout_engine("none")  # keep that layout: later draws skip the solver
            self._backgrounds[key] = canvas.copy_from_bbox(self.fig.bbox)
            self.full_draws += 1
        else:
            canvas.restore_region(self._backgrounds[key])
        for artist in self._animated:
            self.fig.draw_artist(artist)
        self.image.value = png_bytes(canvas)
        # the figure's text alternative, of what it shows now (_a11y makes it the image's alt)
        self.alt.value = html.escape(self.alt_text())
        self.stale = False

    def alt_text(self) -> str:
        """What the figure shows, for who cannot see it: by default its panels' titles. Widgets
        whose controls change the picture say what it shows for the current setting."""
        titles = [ax.get_title() for ax in self.fig.axes if ax.get_title()]
        return "Figure: " + "; ".join(titles) if titles else "Figure"

    def show_stale(self) -> None:
        """The input cannot be shown: the picture of the last one that could stays, faded, so
        that nobody reads it as this input's (the readout says which input it is)."""
        if self.image.value and not self.stale:
            self.image.value = faded(self.image.value)
            self.alt.value = "Faded: the last picture that could be shown. " + self.alt.value
        self.stale = True

    def _ipython_display_(self) -> None:
        from IPython.display import display

        from ._a11y import accessible

        display(accessible(self.widget, self.alt))


def png_bytes(canvas: FigureCanvasAgg) -> bytes:
    """The canvas pixels as an RGB PNG, lightly compressed (zlib level 1): fast, and the image
    only travels to a browser on the same machine or network."""
    width, height = canvas.get_width_height()
    img = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="png", compress_level=1)
    return buf.getvalue()


def faded(png: bytes, keep: float = 0.25) -> bytes:
    """A PNG washed out towards white: `keep` of its contrast is left."""
    img = Image.open(io.BytesIO(png)).convert("RGB")
    out = Image.blend(Image.new("RGB", img.size, "white"), img, keep)
    buf = io.BytesIO()
    out.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def cannot_show(what: str, problem: str, last: str | None) -> str:
    """The readout for an input a widget cannot show: the problem, and which input the faded
    picture still shows."""
    import html

    if last and len(last) > 40:  # a 400-character text is not named in full
        last = last[:30] + "…"
    picture = (
        f"<br>The faded picture is still that of the last input it could show, <code>{html.escape(last)}</code>."
        if last
        else ""
    )
    return f"<b style='color:{colours.ERROR}'>Cannot show this {what}:</b> {html.escape(problem)}{picture}"


def typed_text_problem(
    text: str, allowed: str | None, allowed_words: str | None = None, max_len: int | None = None
) -> str | None:
    """The one wording of every widget's message for typed text it cannot take, or None when it
    can: empty, longer than `max_len`, or holding characters outside `allowed` (None: any). Every bad
    character is named, each once and in the order typed, as Python writes it (so a space reads
    ' ' and a tab '\\t'), with what may be typed: `allowed_words` ("the lower-case letters a to
    j"), else the allowed characters listed."""
    if not text:
        return "Type at least one character."
    problems = []
    bad = [] if allowed is None else list(dict.fromkeys(c for c in text if c not in allowed))
    if bad:
        words = allowed_words or ("these characters: " + ", ".join(map(repr, dict.fromkeys(allowed))))
        problems.append(
            f"Unknown character{'s' if len(bad) > 1 else ''} {', '.join(map(repr, bad))}. Use only {words}."
        )
    if max_len is not None and len(text) > max_len:
        problems.append(f"Keep it to {max_len} characters (this has {len(text)}).")
    return " ".join(problems) or None


CHARACTER_GROUPS = (
    ("lower-case letters", "abcdefghijklmnopqrstuvwxyz"),
    ("capital letters", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    ("digits", "0123456789"),
)
CHARACTER_NAMES = {" ": "space", "\n": "newline", "\t": "tab"}


def _and(items: list[str], last: str = "and") -> str:
    return ", ".join(items[:-1]) + f" {last} " * (len(items) > 1) + items[-1] if items else ""


def _runs(chars: str, group: str) -> list[str]:
    """`chars` (all of `group`) as runs in the group's order: "a to f", or a run of one or two
    characters each named."""
    runs, start = [], None
    at = [group.index(c) for c in sorted(chars, key=group.index)]
    for k, i in enumerate(at):
        start = i if start is None else start
        if k + 1 == len(at) or at[k + 1] != i + 1:
            runs += [f"{group[start]} to {group[i]}"] if i - start >= 2 else list(group[start : i + 1])
            start = None
    return runs


def describe_characters(chars, most_listed: int | None = None) -> str | None:
    """The characters `chars` in words, for "Use only ...": each group of letters and the digits
    as a whole ("digits"), as all but a few ("lower-case letters (not j, q or v)"), or as the runs
    it has ("the lower-case letters a to j"); space, newline and tab by name; the rest listed one
    by one after "the characters", in code-point order. None when more than `most_listed` would
    be listed one by one (a short wording of the caller's serves better)."""
    chars = set(chars)
    parts = []
    for name, group in CHARACTER_GROUPS:
        have, missing = [c for c in group if c in chars], [c for c in group if c not in chars]
        if not have:
            continue
        runs = _runs("".join(have), group)
        if not missing:
            parts.append(name)
        elif len(have) == 1:
            parts.append(f"the {name[:-1]} {have[0]}")
        elif len(missing) <= min(5, len(runs) + 1):
            parts.append(f"{name} (not {_and(missing, 'or')})")
        elif len(runs) == 1:
            parts.append(f"the {name} {runs[0]}")
        else:
            parts.append(f"{name} ({_and(runs)})")
    grouped = {c for _, group in CHARACTER_GROUPS for c in group}
    parts += [named for c, named in CHARACTER_NAMES.items() if c in chars]
    rest = sorted(chars - grouped - set(CHARACTER_NAMES))
    if most_listed is not None and len(rest) > most_listed:
        return None
    if rest:
        shown = [c if c.isprintable() else repr(c) for c in rest]
        parts.append(f"the character{'s' * (len(rest) > 1)} {' '.join(shown)}")
    return _and(parts)


def number(value: float, digits: int = 1, zero: str = "0") -> str:
    """A number for a readout in scientific notation, but never a rounded "0e+00": an exact
    zero is written as `zero` (say "0 (underflow)"), an infinite value as "inf"."""
    if value == 0:
        return zero
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    return f"{value:.{digits}e}"


def readout_html(rows: list[tuple[str, str]], css_class: str = "rnnlab-readout", wrap: tuple[str, ...] = ()) -> str:
    """A two-column table as HTML, one `data-name` per row so tests can find each value. Each row
    stays on one line (a value that wrapped moved everything below it as it changed), except the
    values of the rows named in `wrap` (one number per character of a long input, say)."""
    cells = []
    for k, v in rows:
        free = k in wrap
        value = (
            f"<td{' class=rnnlab-wraps' if free else ''} style='text-align:right;font-family:monospace;"
            f"padding-left:1em;white-space:{'normal' if free else 'nowrap'}'>{v}</td>"
        )
        cells.append(f"<tr data-name='{k}'><td style='white-space:nowrap'>{k}</td>{value}</tr>")
    return f"<table class='{css_class}'>{''.join(cells)}</table>"
