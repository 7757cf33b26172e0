"""One rendering path for every widget figure: drawn at twice its display size, shown at exactly
that size (never stretched by the page), with no text smaller than 9 px on screen."""

import io

import numpy as np
import pytest
import torch
from matplotlib.text import Text
from PIL import Image
from torch import nn


def build(name):
    from rnnlab import widgets as Wd

    if name == "gate_explorer":
        return Wd.GateExplorer()
    if name == "rnn_unroll":
        return Wd.RNNUnroll()
    if name == "lstm_shapes":
        return Wd.LSTMShapes()
    if name == "gradient_flow":
        return Wd.GradientFlow(hidden_size=8, batch=2, max_length=40, length=40)
    if name == "threshold":
        g = torch.Generator().manual_seed(0)
        labels = (torch.rand(400, generator=g) < 0.2).long()
        return Wd.ThresholdExplorer(torch.sigmoid(torch.randn(400, generator=g) + 2 * labels - 1), labels)
    if name == "sequence_gates":
        from rnnlab.tagging import encode_letters

        torch.manual_seed(0)
        lstm = nn.LSTM(6, 12, num_layers=2, bidirectional=True, batch_first=True)
        return Wd.SequenceGates(lstm, encode_letters, ["abcabcfed", "aaaaaaaaaaaa"], validate=encode_letters)
    if name.startswith("scan_tree"):
        widget = Wd.ScanTree()
        widget.level.value = 4  # every level drawn, the numbers at length 8
        widget.length.value = int(name.split("_")[-1])
        return widget
    if name in ("next_char", "cell_viewer"):
        from rnnlab import language_model as lm

        train_text, held = lm.code_corpus(600, seed=0), lm.code_corpus(150, seed=1)
        vocab = lm.Vocab(train_text)
        model = lm.load_trained_lm(vocab)
        if name == "next_char":
            return Wd.NextCharExplorer(model, vocab, "def f(a, b):\n    x = [")
        return Wd.CellViewer(model, vocab, [held[:260]], feature="inside quotes")
    raise KeyError(name)


NAMES = [
    "gate_explorer",
    "rnn_unroll",
    "lstm_shapes",
    "gradient_flow",
    "threshold",
    "sequence_gates",
    "scan_tree_8",
    "scan_tree_16",
    "next_char",
    "cell_viewer",
]


@pytest.mark.parametrize("name", NAMES)
def test_drawn_at_twice_a_fixed_size_with_readable_uncut_text(name):
    from rnnlab.widgets._base import CSS_DPI, MIN_FONT_PT, SCALE

    w = build(name)
    # the PNG holds SCALE pixels per CSS pixel, and the page shows it at exactly its CSS size
    width, height = w.css_size
    png = Image.open(io.BytesIO(w.image.value))
    assert png.size == (SCALE * width, SCALE * height)
    layout = w.image.layout
    assert (layout.width, layout.height) == (f"{width}px", f"{height}px")
    assert layout.flex == "0 0 auto" and layout.max_width == "none"  # never squeezed or grown
    assert 300 <= width <= 760 and height <= 400, w.css_size
    # no text under 9 px on screen: 1 pt = 1 CSS px, drawn with SCALE device pixels
    assert w.fig.dpi == SCALE * CSS_DPI
    small = [
        (t.get_text(), t.get_fontsize())
        for t in w.fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_fontsize() < MIN_FONT_PT
    ]
    assert not small, small
    # nothing cut off at the edge: each axes with everything it draws (tick labels in view,
    # axis labels, title, legend, texts), and the figure's own legends
    renderer = w.fig.canvas.get_renderer()
    box = w.fig.bbox
    extents = [(ax, ax.get_tightbbox(renderer)) for ax in w.fig.axes]
    extents += [(legend, legend.get_window_extent(renderer)) for legend in w.fig.legends]
    for artist, ext in extents:
        assert ext.x0 >= box.x0 - 1 and ext.x1 <= box.x1 + 1, (artist, ext, box)
        assert ext.y0 >= box.y0 - 1 and ext.y1 <= box.y1 + 1, (artist, ext, box)


@pytest.mark.parametrize("name", ["scan_tree_8", "scan_tree_16"])
def test_scan_tree_labels_are_legible_and_inside_their_nodes(name):
    """Issue 78: ScanTree's node labels at the 9 px floor showed digits about 7 px tall in JupyterLab.
    Every label shown is at least 11 CSS px (JupyterLab's text is 13-14 px) and stays inside its box."""
    w = build(name)
    renderer = w.fig.canvas.get_renderer()
    shown = [(key, label) for key, label in w.labels.items() if label.get_visible() and label.get_text()]
    assert len(shown) >= w.length.value, len(shown)
    for key, label in shown:
        assert label.get_fontsize() >= 11, (key, label.get_text(), label.get_fontsize())
        text, box = label.get_window_extent(renderer), w.boxes[key].get_window_extent(renderer)
        assert box.x0 + 2 <= text.x0 and text.x1 <= box.x1 - 2, (key, label.get_text(), text, box)
        assert box.y0 + 2 <= text.y0 and text.y1 <= box.y1 - 2, (key, label.get_text(), text, box)


@pytest.mark.parametrize("name", ["next_char", "cell_viewer"])
def test_chapter_09s_figures_are_read_at_the_lectures_text_size(name):
    """Issue 78, section 5: chapter 09's two figures of a whole vocabulary or text were drawn with
    9 px text (the floor) at 677 CSS pixels, and read in JupyterLab as plots shrunk to half size
    beside the lecture's own plots (10 points at 80 dpi: 11 px). Every text is at least 11 px, and
    the figure as wide as the course allows."""
    w = build(name)
    texts = [t for t in w.fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 11]
    assert texts and not small, small
    assert w.css_size[0] >= 740, w.css_size


def test_updates_keep_the_size():
    w = build("gate_explorer")
    w.x.value = -1.0
    assert Image.open(io.BytesIO(w.image.value)).size == tuple(2 * np.array(w.css_size))


def test_png_holds_exactly_the_canvas_pixels():
    """What a widget sends (rnnlab.widgets._base.png_bytes): a valid PNG whose pixels are the
    canvas's, bit for bit, at its size (no lossy step, no resampling)."""
    from rnnlab.widgets._base import png_bytes

    w = build("rnn_unroll")
    w.step.value = 5
    data = w.image.value
    Image.open(io.BytesIO(data)).verify()
    png = Image.open(io.BytesIO(data))
    assert png.mode == "RGB" and png.size == w.fig.canvas.get_width_height()
    expected = np.asarray(w.fig.canvas.buffer_rgba())[..., :3]
    np.testing.assert_array_equal(np.asarray(png), expected)
    assert png_bytes(w.fig.canvas) == data
