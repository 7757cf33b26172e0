"""Chapter 09's widgets draw what the lecture's model computes, checked against plain tensor code.

The model is the one the lecture's widgets read: the shipped LSTM (rnnlab/data/char_lm.pt). The
references never call the model's modules: the embedding is a row lookup in its weight, the LSTM
is unrolled by hand from its weights (tests/rnnlab/widgets/reference.py), the output layer is a matrix product,
the text features are counted again here, and correlations come from numpy.corrcoef.
"""

import html
import math
import re

import numpy as np
import pytest
import torch

from reference import lstm_by_hand
from rnnlab import language_model as lm
from rnnlab import setup, units
from rnnlab.widgets.language import shown


@pytest.fixture(scope="module")
def lecture():
    setup(quiet=True)
    train_text = lm.code_corpus(600, seed=0)
    held_text = lm.code_corpus(150, seed=1)
    vocab = lm.Vocab(train_text)
    return lm.load_trained_lm(vocab), vocab, held_text


@torch.no_grad()
def probs_by_hand(model, vocab, prompt, temperature):
    ids = [vocab.chars.index(ch) for ch in prompt]
    seq = model.embed.weight[ids]
    h = lstm_by_hand(model.rnn, seq)["h"][(0, 0)][-1]
    logits = (model.out.weight.double() @ h.double() + model.out.bias.double()) / temperature
    return torch.softmax(logits, 0).numpy()


def bar_heights(widget):
    return widget.heights()


def test_next_char_bars_are_the_softmax_of_the_logits_at_each_temperature(lecture):
    from rnnlab.widgets import NextCharExplorer

    model, vocab, _ = lecture
    w = NextCharExplorer(model, vocab, "def f(a, b):\n    x = [")
    for prompt, T in (("def f(a, b):\n    x = [", 1.0), ('print("', 0.5), ("x = ", 1.7), ("d", 0.1)):
        w.prompt.value = prompt
        w.temperature.value = T
        expected = probs_by_hand(model, vocab, prompt, T)
        assert np.allclose(bar_heights(w), expected, atol=1e-5), (prompt, T)
        assert np.allclose(w.at_one.get_ydata(), probs_by_hand(model, vocab, prompt, 1.0), atol=1e-5)
        top = int(np.argmax(expected))
        row = re.search(r"<tr data-name='top 1'><td[^>]*>top 1</td><td[^>]*>(.*?)</td>", w.readout.value)
        assert row and row.group(1) == f"{html.escape(shown(vocab.chars[top]))} {expected[top]:.3f}"
        entropy = -(expected[expected > 0] * np.log2(expected[expected > 0])).sum()
        assert f"{entropy:.2f} bits" in w.readout.value


def test_next_char_continuation_is_the_seeded_multinomial_sample(lecture):
    from rnnlab.widgets import NextCharExplorer

    model, vocab, _ = lecture
    w = NextCharExplorer(model, vocab, "def ", n_sample=25)
    for T, seed in ((1.0, 0), (0.5, 3), (1.5, 7)):
        w.temperature.value = T
        w.seed.value = seed
        # by hand: one multinomial draw per character from the hand-computed distribution
        g, text = torch.Generator().manual_seed(seed), "def "
        for _ in range(25):
            p = torch.from_numpy(probs_by_hand(model, vocab, text, T))
            text += vocab.chars[int(torch.multinomial(p, 1, generator=g))]
        assert w.values["continuation"] == text[4:], (T, seed)
        assert f"<b>{html.escape(text[4:])}</b>" in w.sample.value


def test_next_char_rejects_unknown_characters_and_keeps_the_picture(lecture):
    from rnnlab.widgets import NextCharExplorer

    model, vocab, _ = lecture
    w = NextCharExplorer(model, vocab, "x = ")
    before = bar_heights(w).copy()
    picture = w.image.value
    w.prompt.value = "x = {"
    assert "Cannot show" in w.readout.value and "&#x27;{&#x27;" in w.readout.value
    assert np.array_equal(bar_heights(w), before)
    # issue 31, item 5: the last prompt's bars stay only faded, named as the last prompt's
    assert w.stale and w.image.value != picture and "<code>x = </code>" in w.readout.value
    w.prompt.value = "x = "
    assert not w.stale and w.image.value == picture
    w.prompt.value = "x = {"
    w.prompt.value = ""
    assert "at least one character" in w.readout.value


def features_by_hand(text):
    quotes = [text[: t + 1].count('"') % 2 for t in range(len(text))]
    depth = [
        sum(text[: t + 1].count(c) for c in "([") - sum(text[: t + 1].count(c) for c in ")]") for t in range(len(text))
    ]
    column = [
        t - (text.rfind("\n", 0, t + 1) + 1) + (text[t] != "\n") if text[t] != "\n" else 0 for t in range(len(text))
    ]
    return {
        "inside quotes": np.array(quotes, float),
        "bracket depth": np.array(depth, float),
        "position in line": np.array(column, float),
    }


def test_text_features_agree_with_counting_again(lecture):
    _, _, held = lecture
    text = held[:300]
    mine, ref = units.text_features(text), features_by_hand(text)
    for name in ref:
        assert np.array_equal(mine[name], ref[name]), name


def span_values(html_text):
    return np.array([float(v) for v in re.findall(r"data-v='(-?[\d.]+)'", html_text)])


@pytest.mark.parametrize(
    "kind, feature", [("c", "inside quotes"), ("f", "bracket depth"), ("h", "position in line"), ("c", "bracket depth")]
)
def test_cell_viewer_colours_by_the_unit_and_ranks_units_by_correlation(lecture, kind, feature):
    from rnnlab.widgets import CellViewer

    model, vocab, held = lecture
    text = held[:200]
    w = CellViewer(model, vocab, [text, held[300:400]], feature=feature)
    w.kind.value = kind
    ref = lstm_by_hand(model.rnn, model.embed.weight[[vocab.chars.index(c) for c in text]])[kind][(0, 0)].numpy()
    f = features_by_hand(text)[feature]
    r = np.array([np.corrcoef(ref[:, u], f)[0, 1] if ref[:, u].std() > 0 else 0.0 for u in range(ref.shape[1])])
    order = [u for _, u in w.unit.options]
    # the menu is sorted by |r|, best first, and starts on the best unit
    assert np.all(np.diff(np.abs(r[order])) <= 1e-9)
    assert w.unit.value == order[0] and abs(abs(r[order[0]]) - np.abs(r).max()) < 1e-9
    for unit in (order[0], order[-1], order[len(order) // 2]):
        w.unit.value = unit
        shown = span_values(w.coloured.value)
        assert len(shown) == len(text)
        assert np.allclose(shown, ref[:, unit], atol=2e-4), (kind, unit)
        scale = w.limits(kind, unit)[1] if kind == "c" else 1.0  # c: a share of its unit's scale
        assert np.allclose(w.line.get_ydata(), ref[:, unit] / scale, atol=1e-5)
        assert f"{r[unit]:+.2f}" in w.status.value


def test_each_unit_of_c_is_coloured_on_its_own_scale(lecture):
    """Issue 31, item 5: one colour scale for every unit of c (the largest |c| of any unit, about
    33 here) left the unit the lecture asks about pale and its line flat. Each unit's scale is now
    its own largest |c| over the examples and the text, rounded up to a half."""
    from rnnlab.widgets import CellViewer

    model, vocab, held = lecture
    examples = [held[:200], held[300:400]]
    w = CellViewer(model, vocab, examples)
    w.kind.value = "c"
    largest = np.max(
        [
            np.abs(
                lstm_by_hand(model.rnn, model.embed.weight[[vocab.chars.index(c) for c in t]])["c"][(0, 0)].numpy()
            ).max(axis=0)
            for t in examples
        ],
        axis=0,
    )
    scales = []
    for unit in range(len(largest)):
        w.unit.value = unit
        lo, hi = w.limits("c", unit)
        assert lo == -hi and largest[unit] <= hi < max(largest[unit] + 0.5, 0.5) + 1e-9, (unit, hi, largest[unit])
        shown = span_values(w.coloured.value)
        # the unit's strongest character is coloured at least halfway to an end of the map
        assert np.abs(shown).max() / hi >= 0.5 and np.abs(w.line.get_ydata()).max() <= 1 + 1e-9
        assert f"max = {hi:g}" in w.caption.get_text()
        scales.append(hi)
    assert max(scales) > 3 * np.median(scales), "one scale would do: the test shows nothing"


def test_the_cell_viewer_says_which_colour_is_high(lecture):
    """Issue 57, item 3: the text's background was left to be guessed (red high, blue low, or
    viridis for a gate). A key above the text shows a swatch of each end of the scale, the
    colours the lowest and highest values get, with the words low and high."""
    from rnnlab.widgets import CellViewer

    model, vocab, held = lecture
    w = CellViewer(model, vocab, [held[:120], held[300:400]])
    for kind in ("c", "f"):
        w.kind.value = kind
        lo, hi = w.limits(kind, w.unit.value)
        key, text = w.coloured.value.split("</div>", 1)
        ends = w.colours(np.array([lo, hi]), kind, w.unit.value)
        swatches = re.findall(r"background:(#[0-9a-f]{6})", key)
        assert swatches[0] == ends[0] and swatches[-1] == ends[1], (kind, swatches, ends)
        assert f"{lo:g} low" in key and f"{hi:g} high" in key and "data-v" not in key
        assert len(span_values(text)) == 120


def test_the_cell_viewer_refuses_an_example_it_cannot_show(lecture):
    """Issue 31, item 5: a built-in example outside the model's vocabulary only showed an error
    (and was silently left out of the colour scales); like every widget's, it is refused."""
    from rnnlab.widgets import CellViewer

    model, vocab, held = lecture
    with pytest.raises(ValueError, match="cannot show"):
        CellViewer(model, vocab, [held[:100], "x = {1}"])


def test_cell_viewer_reports_bad_text_and_keeps_the_last_picture(lecture):
    from rnnlab.widgets import CellViewer

    model, vocab, held = lecture
    w = CellViewer(model, vocab, [held[:100]])
    before = w.coloured.value
    w.text.value = "x = {1}"
    assert "Cannot show" in w.status.value and "&#x27;{&#x27;" in w.status.value
    assert w.stale and w.coloured.value == f"<div style='opacity:0.3'>{before}</div>", "faded, not kept as it was"
    faded = w.coloured.value
    w.kind.value = "f"  # another menu: still this text's problem, still faded
    assert w.stale and w.coloured.value == faded and "Cannot show" in w.status.value
    w.text.value = "x" * (w.MAX_CHARS + 1)
    assert "Keep it to" in w.status.value
    w.text.value = held[:100] * 3  # the readout names a long last text by its start only
    w.text.value = "x = {1}"
    assert f"<code>{html.escape(held[:30])}…</code>" in w.status.value


def test_the_next_character_figures_text_alternative_follows_the_prompt_and_temperature(lecture):
    """Issue 57: its axes have no title, so the figure's text alternative said only "Figure". It
    says what the bars are for the prompt and temperature shown, and the likeliest characters."""
    from rnnlab.widgets import NextCharExplorer

    model, vocab, _ = lecture
    w = NextCharExplorer(model, vocab, "x = ")
    for prompt, T in (("x = ", 1.0), ("x = ", 0.3), ('print("ab', 1.7), ("def f(a, b):\n    x = [", 0.5)):
        w.prompt.value, w.temperature.value = prompt, T
        alt = html.unescape(w.alt.value)
        after = ("…" if len(prompt) > 20 else "") + prompt[-20:]
        assert alt.startswith(
            f"Bar chart of the model's probabilities for the next character after {after!r} at temperature {T:.1f}"
        ), alt
        expected = probs_by_hand(model, vocab, prompt, T)
        top = np.argsort(-expected, kind="stable")[:3]
        named = {" ": "space", "\n": "newline"}
        likeliest = ", ".join(f"{named.get(vocab.chars[j], repr(vocab.chars[j]))} {expected[j]:.2f}" for j in top)
        assert alt.endswith(f"likeliest: {likeliest}."), (alt, likeliest)


def test_the_cell_viewers_text_alternative_follows_its_menus(lecture):
    """Issue 57: "Figure" said nothing of the line chart; it names the unit, what it is coloured
    by, the feature and r, as the menus set them."""
    from rnnlab.widgets import CellViewer

    model, vocab, held = lecture
    w = CellViewer(model, vocab, [held[:120], held[300:400]])
    seen = set()
    for kind, feature in (("c", "inside quotes"), ("f", "bracket depth"), ("h", "position in line")):
        w.kind.value, w.feature.value = kind, feature
        for unit in (w.unit.options[0][1], w.unit.options[-1][1]):
            w.unit.value = unit
            alt = html.unescape(w.alt.value)
            assert alt.startswith(f"Line chart of unit {unit}'s {w._kind_name(kind)} over the 120 characters"), alt
            assert f"with the feature {feature} dashed" in alt and alt.endswith(f"r = {w.values['r']:+.2f}."), alt
            assert ("as a share of its largest value" in alt) == (kind == "c"), alt
            seen.add(alt)
    assert len(seen) == 6, seen
    w.examples.value = held[300:400]
    assert "over the 100 characters" in w.alt.value


def test_widgets_render_by_blitting(lecture):
    from rnnlab.widgets import CellViewer, NextCharExplorer

    model, vocab, held = lecture
    e = NextCharExplorer(model, vocab, "x = ")
    draws = e.full_draws
    for T in (0.5, 0.7, 1.3):
        e.temperature.value = T
    assert e.full_draws == draws and e.image.value[:4] == b"\x89PNG"
    v = CellViewer(model, vocab, [held[:120]])
    draws = v.full_draws
    for unit in [u for _, u in v.unit.options][:4]:
        v.unit.value = unit
    assert v.full_draws == draws
    assert math.isclose(v.css_size[0] / v.css_size[1], 10.5 / 2.2, rel_tol=0.02)


def test_the_cell_viewers_caption_covers_neither_trace(lecture):
    """Issue 78, section 5: the caption was drawn inside the plot, at its top left, where the
    dashed feature runs whenever the feature is high: the caption's text sat over the trace. No
    point of either trace may fall inside the caption's box, whatever the menus show, and the
    caption stays inside the figure."""
    from rnnlab.widgets import CellViewer

    model, vocab, held = lecture
    w = CellViewer(model, vocab, [held[:260], 'print("ok" + "no done")\nx = [f(a, [b, (1 + 2)]), "red"]\n'])
    renderer = w.fig.canvas.get_renderer()
    checked = 0
    for example in w.examples.options:
        w.examples.value = example[1]
        for feature in w.feature.options:
            w.feature.value = feature
            for kind in ("c", "f", "h"):
                w.kind.value = kind
                box = w.caption.get_window_extent(renderer)
                assert w.caption.get_text().strip() and box.width > 0
                assert box.x0 >= 0 and box.x1 <= w.fig.bbox.x1 and box.y1 <= w.fig.bbox.y1, (box, w.fig.bbox)
                for line in (w.line, w.feature_line):
                    xy = line.get_transform().transform(line.get_xydata())
                    inside = (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)
                    assert not inside.any(), (feature, kind, line.get_label(), xy[inside][:3], box)
                checked += 1
    assert checked == 2 * len(w.feature.options) * 3
