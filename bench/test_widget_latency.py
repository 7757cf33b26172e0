"""Kernel-side widget latency with pytest-benchmark: a control changes, the figure is redrawn.

Each benchmark sets one control to a new value per round, which runs the widget's observers
(compute, update artists, blit, encode the PNG) exactly as a slider move in the browser does.
The 95th percentile is taken from the raw round times and stored in extra_info.
"""

import itertools

import numpy as np
import pytest

from rnnlab import setup


def _percentile_95(benchmark):
    data = benchmark.stats.stats.data
    benchmark.extra_info["p95_ms"] = float(np.percentile(data, 95) * 1000)
    benchmark.extra_info["median_ms"] = float(np.median(data) * 1000)


@pytest.fixture(scope="module")
def counter():
    from rnnlab.tasks import train_bracket_counter

    setup(quiet=True)
    model, _ = train_bracket_counter(steps=200, progress=False)
    return model


def test_gate_explorer_slider(benchmark):
    from rnnlab.widgets import GateExplorer

    setup(quiet=True)
    explorer = GateExplorer()
    values = itertools.cycle([round(v, 1) for v in np.arange(-3, 3, 0.1)])
    benchmark.pedantic(lambda: setattr(explorer.x, "value", next(values)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_sequence_gates_text(benchmark, counter):
    from rnnlab.tasks import bracket_depths, encode
    from rnnlab.widgets import SequenceGates

    texts = itertools.cycle(["(a)" * k + "b" for k in range(1, 10)])
    widget = SequenceGates(counter.lstm, encode, ["(((a)))"], validate=bracket_depths)
    benchmark.pedantic(lambda: setattr(widget.text, "value", next(texts)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_rnn_unroll_step(benchmark):
    from rnnlab.widgets import RNNUnroll

    setup(quiet=True)
    widget = RNNUnroll()
    steps = itertools.cycle(list(range(1, widget.seq_len + 1)))
    benchmark.pedantic(lambda: setattr(widget.step, "value", next(steps)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_lstm_shapes_option(benchmark):
    from rnnlab.widgets import LSTMShapes

    setup(quiet=True)
    widget = LSTMShapes()
    layers = itertools.cycle([1, 2, 3])
    benchmark.pedantic(lambda: setattr(widget.num_layers, "value", next(layers)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_gradient_flow_forget_bias(benchmark):
    """At the default length; the slider moves the forget bias, which needs a new backward pass."""
    from rnnlab.widgets import GradientFlow

    setup(quiet=True)
    widget = GradientFlow()
    biases = itertools.cycle([b / 2 for b in range(-6, 13)])
    benchmark.pedantic(lambda: setattr(widget.forget_bias, "value", next(biases)), rounds=30, warmup_rounds=2)
    _percentile_95(benchmark)


def test_scan_tree_step(benchmark):
    """Chapter 11's scan at length 8, every level drawn: the step slider moves the highlights."""
    from rnnlab.widgets import ScanTree

    setup(quiet=True)
    widget = ScanTree()
    widget.level.value = 3
    steps = itertools.cycle(range(1, 9))
    benchmark.pedantic(lambda: setattr(widget.step, "value", next(steps)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_scan_tree_level(benchmark):
    """The level slider: each level's picture is drawn in full once, then kept."""
    from rnnlab.widgets import ScanTree

    setup(quiet=True)
    widget = ScanTree(length=16)
    levels = itertools.cycle([0, 1, 2, 3, 4, 3, 2, 1])
    benchmark.pedantic(lambda: setattr(widget.level, "value", next(levels)), rounds=40, warmup_rounds=2)
    _percentile_95(benchmark)


def test_threshold_explorer(benchmark):
    from rnnlab.widgets import ThresholdExplorer

    setup(quiet=True)
    gen = np.random.default_rng(0)
    labels = (gen.random(2000) < 0.1).astype(int)
    scores = np.clip(0.3 * labels + 0.7 * gen.random(2000), 0, 1)
    widget = ThresholdExplorer(scores, labels)
    thresholds = itertools.cycle([k / 100 for k in range(5, 96, 5)])
    benchmark.pedantic(lambda: setattr(widget.threshold, "value", next(thresholds)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


@pytest.fixture(scope="module")
def char_model():
    """Chapter 09's lecture model: the same corpus, sizes, seed and steps."""
    from rnnlab.language_model import CharLM, Vocab, code_corpus, train_lm

    setup(quiet=True)
    text = code_corpus(600, seed=0)
    vocab = Vocab(text)
    import torch

    torch.manual_seed(0)
    model = CharLM(len(vocab), embed_size=48, hidden_size=48)
    train_lm(model, vocab.encode(text), steps=400, lr=1e-2, seed=0, progress=False)
    return model, vocab, code_corpus(150, seed=1)


def test_next_char_temperature(benchmark, char_model):
    """A temperature move: reshape the cached logits, resample 60 characters, redraw the bars."""
    from rnnlab.widgets import NextCharExplorer

    model, vocab, _ = char_model
    widget = NextCharExplorer(model, vocab, "def f(a, b):\n    x = [")
    temperatures = itertools.cycle([round(0.1 * k, 1) for k in range(1, 21)])
    benchmark.pedantic(lambda: setattr(widget.temperature, "value", next(temperatures)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_cell_viewer_unit(benchmark, char_model):
    """Another unit from the menu: recolour the text (HTML) and redraw the unit's curve."""
    from rnnlab.widgets import CellViewer

    model, vocab, held = char_model
    widget = CellViewer(model, vocab, [held[:260]])
    units = itertools.cycle([u for _, u in widget.unit.options])
    benchmark.pedantic(lambda: setattr(widget.unit, "value", next(units)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_attention_map_example(benchmark):
    from rnnlab.seq2seq import load_trained
    from rnnlab.widgets import AttentionMap

    setup(quiet=True)
    widget = AttentionMap(load_trained("dot"))
    texts = itertools.cycle(["abcdefgh", "badge", "jihgfedcba", "aaaaaaa", "hijacked", "abcdefghijabcdef"])
    benchmark.pedantic(lambda: setattr(widget.pick, "value", next(texts)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_beam_explorer_width(benchmark):
    from rnnlab.seq2seq import load_trained
    from rnnlab.widgets import BeamExplorer

    setup(quiet=True)
    widget = BeamExplorer(load_trained(None), "jihgfedcba", width=3)
    widths = itertools.cycle([1, 2, 3, 4, 5, 4, 3, 2])
    benchmark.pedantic(lambda: setattr(widget.width, "value", next(widths)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_sequence_gates_layer(benchmark):
    """Chapter 06's widget on a batch_first, two-layer, bidirectional tagger: the layer and
    direction buttons pick another layer's gates of the same text (no new forward pass)."""
    from rnnlab.tagging import encode_letters, load_trained_tagger
    from rnnlab.widgets import SequenceGates

    setup(quiet=True)
    tagger = load_trained_tagger()  # the lecture's own model
    widget = SequenceGates(
        tagger.lstm, encode_letters, ["abcabcfed", "abcdefabcdef"], validate=encode_letters, layer=0, direction=1
    )
    layers = itertools.cycle([1, 0])
    benchmark.pedantic(lambda: setattr(widget.layer_choice, "value", next(layers)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_attention_map_typed(benchmark):
    """Text typed into the attention map's box (sent when Enter is pressed)."""
    from rnnlab.seq2seq import load_trained
    from rnnlab.widgets import AttentionMap

    setup(quiet=True)
    widget = AttentionMap(load_trained("dot"))
    texts = itertools.cycle(["jihgfe", "abcde", "cafe", "hijacked"])
    benchmark.pedantic(lambda: setattr(widget.typed, "value", next(texts)), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_quiz_check(benchmark, tmp_path, monkeypatch):
    """A quiz answer checked, then its answer shown: the feedback and the score change (the
    answer is saved in the review file), as the Check and Show answer buttons do."""
    from rnnlab.widgets import Quiz

    monkeypatch.setenv("RNNLAB_REVIEW_FILE", str(tmp_path / "review.json"))
    quiz = Quiz("01")
    card = quiz.cards[0]
    card.choice.value = next(iter(card.q.choices))
    clicks = itertools.cycle([card.check, card.reveal])
    benchmark.pedantic(lambda: next(clicks).click(), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)


def test_flashcards_next(benchmark, tmp_path, monkeypatch):
    from rnnlab.widgets import Flashcards

    monkeypatch.setenv("RNNLAB_REVIEW_FILE", str(tmp_path / "review.json"))
    cards = Flashcards("01")
    clicks = itertools.cycle([cards.next, cards.prev])
    benchmark.pedantic(lambda: next(clicks).click(), rounds=60, warmup_rounds=3)
    _percentile_95(benchmark)
