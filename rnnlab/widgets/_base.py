"""What every course widget shares: a figure built once, then updated by blitting.

A full matplotlib draw of a multi-panel figure costs hundreds of milliseconds on a laptop CPU,
too slow to feel live. So a widget draws its static parts (axes, ticks, colour bars, titles)
once, keeps that picture, and on each update restores it and draws only the artists that
change (bars, heatmap data, labels), then encodes the pixels as a PNG for an Image widget.
"""
from __future__ import annotations

import io

import ipywidgets as W
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image


class FigureWidget:
    """Base class: build `self.fig`, register changing artists with `animate()`, call `render()`.

    `update()` in subclasses recomputes, moves artists and renders; it is a plain method, so
    tests call it (or set a control's value) and assert on kernel-side state: the artists'
    data, `self.image.value`, a readout's text. A widget whose static parts take a few shapes
    (axis limits for a few widths, say) returns the current one from `static_key()`: each
    shape is drawn in full once and its picture kept. Call `invalidate()` after any other
    change to something static, so the next render redraws everything.
    """

    dpi = 72

    def __init__(self, figsize: tuple[float, float]):
        self.fig = Figure(figsize=figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(self.fig)
        self.image = W.Image(format="png", layout=W.Layout(max_width="100%"))
        self.image.add_class("rnnlab-figure")
        self._animated: list = []
        self._backgrounds: dict = {}
        self.full_draws = 0

    def animate(self, *artists) -> None:
        for artist in artists:
            artist.set_animated(True)          # left out of full draws; drawn on every render
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
            canvas.draw()                      # static parts only (and the layout, once)
            self.fig.set_layout_engine("none")  # keep that layout: later draws skip the solver
            self._backgrounds[key] = canvas.copy_from_bbox(self.fig.bbox)
            self.full_draws += 1
        else:
            canvas.restore_region(self._backgrounds[key])
        for artist in self._animated:
            self.fig.draw_artist(artist)
        self.image.value = png_bytes(canvas)

    def _ipython_display_(self) -> None:
        from IPython.display import display
        display(self.widget)


def png_bytes(canvas: FigureCanvasAgg) -> bytes:
    """The canvas pixels as PNG, with light compression (fast; the image is small)."""
    width, height = canvas.get_width_height()
    img = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="png", compress_level=1)
    return buf.getvalue()


def readout_html(rows: list[tuple[str, str]], css_class: str = "rnnlab-readout") -> str:
    """A two-column table as HTML, one `data-name` per row so tests can find each value."""
    body = "".join(f"<tr data-name='{k}'><td>{k}</td><td style='text-align:right;"
                   f"font-family:monospace;padding-left:1em'>{v}</td></tr>" for k, v in rows)
    return f"<table class='{css_class}'>{body}</table>"
