"""What every widget draws is the truth: drawn values against an independent computation.

Each test builds a widget the way its lecture does (same model, same settings), sets its
controls, and compares what is drawn (artist arrays, bar heights, readout text) with values
computed here by hand from the model's weights (tests/rnnlab/widgets/reference.py, plain tensor code that
never calls the rnnlab function the widget uses), or from scikit-learn and NumPy.
"""

import html
import re

import numpy as np
import pytest
import torch
from torch import nn

from reference import lstm_by_hand, lstm_cell_by_hand, recurrent_grad_norms, rnn_parts_by_hand
from rnnlab.quiz import available_chapters


def readout_rows(widget_html: str) -> list[tuple[str, str]]:
    """The rows of a readout table, in order: (data-name, shown value), tags and entities removed."""
    rows = re.findall(r"<tr data-name='(.*?)'><td[^>]*>.*?</td><td[^>]*>(.*?)</td></tr>", widget_html)
    return [(html.unescape(k).strip(), html.unescape(re.sub(r"<[^>]+>", "", v))) for k, v in rows]


def readout(widget_html: str) -> dict[str, str]:
    return dict(readout_rows(widget_html))


def heights(bars):
    return np.array([b.get_height() for b in bars])


# ---------------------------------------------------------------- chapter 03: one LSTM step
class TestGateExplorer:
    """Chapter 03 shows GateExplorer() and moves the forget bias to -5, 0 and 5."""

    @pytest.mark.parametrize("x,h,c,bias", [(1.0, 0.0, 0.5, 0.0), (-2.5, 0.6, -1.2, -5.0), (0.3, -0.9, 2.9, 5.0)])
    def test_bars_labels_and_readout_are_the_cells_step(self, x, h, c, bias):
        from rnnlab.widgets import GateExplorer

        ex = GateExplorer()
        ex.x.value, ex.h.value, ex.c.value, ex.forget_bias.value = x, h, c, bias
        # by hand from the cell's weights, with the forget bias the slider asked for
        cell = nn.LSTMCell(1, 1)
        cell.load_state_dict(ex.cell.state_dict())
        assert (cell.bias_ih[1] + cell.bias_hh[1]).item() == pytest.approx(bias, abs=1e-6)
        v = lstm_cell_by_hand(cell, x, h, c)
        np.testing.assert_allclose(heights(ex.gate_bars), [v[k] for k in "ifgo"], atol=1e-6)
        expected = [c, v["f"] * c, v["i"] * v["g"], v["c"], v["h"]]
        np.testing.assert_allclose(heights(ex.state_bars), expected, atol=1e-6)
        assert [t.get_text() for t in ex.state_text] == [f"{e:+.2f}" for e in expected]
        shown = readout(ex.readout.value)
        for name in "ifgo":
            assert float(shown[name]) == pytest.approx(v[name], abs=6e-4)
        assert float(shown["c_t"]) == pytest.approx(v["c"], abs=6e-4)
        assert float(shown["h_t"]) == pytest.approx(v["h"], abs=6e-4)


# ---------------------------------------------------------------- chapters 03 and 06: gates over a text
def check_heatmaps(widget, lstm, text, encode):
    """Every layer and direction: the heatmaps, characters and saturation dots against gates
    recomputed by hand from `lstm`'s weights for `text` read as one sequence."""
    ref = lstm_by_hand(lstm, encode(text))
    with torch.no_grad():  # the reference itself is right: it gives nn.LSTM's output
        out, _ = lstm(encode(text).unsqueeze(0 if lstm.batch_first else 1))
    np.testing.assert_allclose(ref["output"], out.squeeze(0 if lstm.batch_first else 1), atol=1e-5)
    n = len(text)
    dirs = 2 if lstm.bidirectional else 1
    # c itself is shown on the shared scale (each unit's own scale is a division, tested in
    # test_widgets.py against this same kind of reference)
    widget.c_scale_choice.value = "shared"
    for layer in range(lstm.num_layers):
        for direction in range(dirs):
            widget.layer_choice.value, widget.direction_choice.value = layer, direction
            for name in "ifgoc":
                shown = np.asarray(widget.images[name].get_array())
                expected = ref[name][(layer, direction)].T.numpy()  # (units, steps)
                np.testing.assert_allclose(
                    shown[:, :n], expected, atol=1e-5, err_msg=f"{name}, layer {layer}, direction {direction}"
                )
                assert np.isnan(shown[:, n:]).all()
            for gate in "ifgo":
                v = ref[gate][(layer, direction)]
                if gate == "g":
                    v = (v + 1) / 2
                left, right = (v < 0.1).float().mean(0), (v > 0.9).float().mean(0)
                np.testing.assert_allclose(
                    widget.scatter[gate].get_offsets(), np.column_stack([left, right]), atol=1e-6
                )
    assert [t.get_text() for t in widget.chars[: n + 1]] == list(text) + [""]
    return ref


class TestSequenceGatesChapter03:
    """Chapter 03: the bracket counter, a time-major one-layer LSTM."""

    def test_heatmaps_are_the_counters_gates(self):
        from rnnlab.tasks import bracket_depths, encode, train_bracket_counter
        from rnnlab.widgets import SequenceGates

        model, _ = train_bracket_counter(steps=10, progress=False)
        assert not model.lstm.batch_first
        w = SequenceGates(model.lstm, encode, ["(((a)))b", "(a(b)a)(b(a))"], validate=bracket_depths)
        w.text.value = "((a)b)(a"
        check_heatmaps(w, model.lstm, "((a)b)(a", encode)
        assert readout(w.status.value)["characters"] == "8"


class TestSequenceGatesChapter06:
    """Chapter 06: the tagger is batch_first, two layers, bidirectional, and the widget starts
    on layer 0, backward. Its heatmaps once showed a batch of len(text) one-step sequences."""

    @pytest.fixture(scope="class")
    @staticmethod
    def tagger():
        from rnnlab.tagging import load_trained_tagger

        model = load_trained_tagger()  # the lecture's own model
        assert model.lstm.batch_first and model.lstm.bidirectional and model.lstm.num_layers == 2
        return model

    def make(self, tagger):
        from rnnlab.tagging import encode_letters, seen_again
        from rnnlab.widgets import SequenceGates

        def describe(text):
            return [
                ("appears again later", " ".join(map(str, seen_again(text)))),
                ("predicted", " ".join(map(str, tagger.predict(text)))),
            ]

        examples = ["abcabcfed", "abcdefabcdef", "aaaaaaaaaaaa", "fedcbaf", "abacadaeaf"]
        return SequenceGates(
            tagger.lstm, encode_letters, examples, validate=encode_letters, describe=describe, layer=0, direction=1
        )

    def test_heatmaps_are_the_taggers_gates(self, tagger):
        from rnnlab.tagging import encode_letters

        w = self.make(tagger)
        w.text.value = "abcabcfed"
        ref = check_heatmaps(w, tagger.lstm, "abcabcfed", encode_letters)
        # the lecture prints mean forget gates from the widget's trace (cell 38)
        for layer in (0, 1):
            for direction in (0, 1):
                assert w.trace.get("f", layer, direction).mean() == pytest.approx(
                    ref["f"][(layer, direction)].mean().item(), abs=1e-6
                )
        # columns differ: one column per character, not one step copied across
        shown = np.asarray(w.images["c"].get_array())[:, :9]
        assert not np.allclose(shown, shown[:, :1])

    def test_readout_says_where_the_shown_direction_starts(self, tagger):
        w = self.make(tagger)
        w.text.value = "fedcbaf"
        w.layer_choice.value, w.direction_choice.value = 1, 1
        rows = readout(w.status.value)
        assert rows["characters"] == "7"
        assert rows["first step of this direction"] == "position 6 ('f')"
        assert rows["appears again later"] == "1 0 0 0 0 0 0"
        with torch.no_grad():
            from rnnlab.tagging import encode_letters

            logits = tagger(encode_letters("fedcbaf")[None])[0]
        assert rows["predicted"] == " ".join(str(int(k)) for k in logits.argmax(-1))


# ---------------------------------------------------------------- chapter 02: an RNN unrolled
class TestRNNUnroll:
    """Chapter 02 shows RNNUnroll() (nn.RNN(1, 5), seed 2, 16 steps) and moves its controls."""

    @pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
    def test_bars_heatmap_and_readout_are_the_layers_steps(self, scale):
        from rnnlab.widgets import RNNUnroll

        w = RNNUnroll()
        w.scale.value = scale
        for pattern in w.pattern.options:
            w.pattern.value = pattern
            x = w.inputs[pattern]
            w_hh = w.w_hh * scale
            ref = rnn_parts_by_hand(w.rnn, x, w_hh)
            changed = x.clone()
            changed[0] += 1
            # the memory in float64, as the widget measures it (float32 rounds it away by step 16)
            still = rnn_parts_by_hand(w.rnn, x, w_hh, torch.float64)["h"]
            moved = rnn_parts_by_hand(w.rnn, changed, w_hh, torch.float64)["h"]
            for t in (1, 5, 16):
                w.step.value = t
                np.testing.assert_allclose(heights(w.bars_x), ref["from_x"][t - 1], atol=1e-6)
                np.testing.assert_allclose(heights(w.bars_h), ref["from_h"][t - 1], atol=1e-6)
                np.testing.assert_allclose(w.dots.get_ydata(), ref["h"][t - 1], atol=1e-6)
                shown = np.asarray(w.heat.get_array())
                np.testing.assert_allclose(shown[:, :t], ref["h"][:t].T, atol=1e-6)
                assert np.isnan(shown[:, t:]).all()
                np.testing.assert_allclose(w.x_lines[0].get_ydata(), x[:, 0])
                rows = readout(w.readout.value)
                assert rows["step t"] == str(t)
                assert float(rows["|from x_t|"]) == pytest.approx(ref["from_x"][t - 1].norm().item(), abs=6e-4)
                assert float(rows["|from h_(t-1)|"]) == pytest.approx(ref["from_h"][t - 1].norm().item(), abs=6e-4)
                assert float(rows["|h_t|"]) == pytest.approx(ref["h"][t - 1].norm().item(), abs=6e-4)
                memory = (moved[t - 1] - still[t - 1]).norm().item()
                assert float(rows["memory of x_1"]) == pytest.approx(memory, rel=0.06, abs=1e-12)


# ---------------------------------------------------------------- chapter 04: shapes of nn.LSTM
class TestLSTMShapes:
    """Chapter 04 shows LSTMShapes() (seq_len 5, batch 3, input 4, hidden 6) and its sliders."""

    @pytest.mark.parametrize(
        "layers,bidirectional,batch_first,proj",
        [(1, False, False, 0), (2, True, True, 0), (3, True, False, 2), (2, False, True, 3)],
    )
    def test_picture_and_readout_are_pytorchs_shapes(self, layers, bidirectional, batch_first, proj):
        from rnnlab.widgets import LSTMShapes
        from rnnlab.widgets.lstm_shapes import CELL, GAP

        w = LSTMShapes()
        w.num_layers.value, w.bidirectional.value = layers, bidirectional
        w.batch_first.value, w.proj_size.value = batch_first, proj
        T, B, I, H = 5, 3, 4, 6
        lstm = nn.LSTM(I, H, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, proj_size=proj)
        x = torch.zeros((B, T, I) if batch_first else (T, B, I))
        with torch.no_grad():
            output, (h_n, c_n) = lstm(x)
        d = 2 if bidirectional else 1
        rows = readout(w.readout.value)
        shape = lambda t: str(tuple(t.shape))  # noqa: E731
        last_step = output[:, -1] if batch_first else output[-1]
        assert (rows["input"], rows["output"], rows["h_n"], rows["c_n"], rows["output[-1]"], rows["h_n[-1]"]) == (
            shape(x),
            shape(output),
            shape(h_n),
            shape(c_n),
            shape(output[-1]),
            shape(h_n[-1]),
        )
        assert rows["h_n[-1] equals the last step of output"] == str(
            last_step.shape == h_n[-1].shape and bool(torch.allclose(last_step, h_n[-1]))
        )
        # parameters: per layer and direction, 4H x (input + recurrent) + two 4H biases (+ projection)
        count = 0
        for k in range(layers):
            inp = I if k == 0 else d * (proj or H)
            count += d * (4 * H * inp + 4 * H * (proj or H) + 8 * H + (proj * H if proj else 0))
        assert count == sum(p.numel() for p in lstm.parameters())
        assert rows["parameters"].replace(",", "") == str(count)
        # the picture: one cell per (first index, second index) of output, one row per h_n row
        data = np.asarray(w.images[0].get_array())
        assert data.shape == (output.shape[0] * CELL, output.shape[1] * CELL)
        cells = data[::CELL, ::CELL]
        picked = output[-1]  # what output[-1] selects: the last row
        assert (cells[-1] != 0).all() and picked.shape[0] == cells.shape[1]
        last = cells[:, -1] if batch_first else cells[-1]
        assert (last >= 2).all()  # each sequence's last step is marked
        h_cells = np.asarray(w.images[1].get_array())[::CELL, ::CELL]
        assert h_cells.shape == (h_n.shape[0], h_n.shape[1])
        assert (h_cells[-1] == 1).all() and (h_cells[:-1] == 0).all()
        assert GAP not in cells


# ---------------------------------------------------------------- chapter 07: gradient flow
class TestGradientFlow:
    """Chapter 07 shows GradientFlow() (32 units, T = 100 of at most 200) and moves its sliders."""

    @pytest.fixture(scope="class")
    @staticmethod
    def flow():
        from rnnlab.widgets import GradientFlow

        return GradientFlow()

    @pytest.mark.parametrize("length,bias,scale", [(100, 0.0, 1.0), (60, 3.0, 0.5), (40, -1.0, 2.5)])
    def test_curves_and_readout_are_the_gradients_by_hand(self, flow, length, bias, scale):
        flow.length.value, flow.forget_bias.value, flow.scale.value = length, bias, scale
        x = flow.x[:length]
        rows = readout(flow.readout.value)
        titles = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
        lines = readout_rows(flow.readout.value)
        for kind, title in titles.items():
            layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind](2, 32)
            with torch.no_grad():  # the widget's starting weights, then
                for name, p in layer.named_parameters():  # the sliders' changes, by hand
                    p.copy_(flow.originals[kind][name])
                layer.weight_hh_l0.mul_(scale)
                if kind == "lstm":
                    layer.bias_ih_l0[32:64] = bias - layer.bias_hh_l0[32:64]
            norms = recurrent_grad_norms(layer, kind, x).numpy()
            xs, ys = flow.lines[kind].get_data()
            np.testing.assert_array_equal(xs, np.arange(1, length + 1))
            drawn = np.where(norms > 0, norms, np.nan)
            np.testing.assert_allclose(ys, drawn, rtol=1e-4, err_msg=kind)
            # readout: the ratio of the first to the last norm, as shown
            at = next(k for k, (name, _) in enumerate(lines) if name == title)
            ratio_text = lines[at + 1][1]
            ratio = norms[0] / norms[-1]
            if ratio > 0:
                assert float(ratio_text) == pytest.approx(ratio, rel=0.06), (kind, ratio_text)
            else:
                assert "0" in ratio_text and "underflow" in ratio_text
            if kind == "lstm":
                with torch.no_grad():
                    H = 32
                    h = torch.zeros(x.shape[1], H)
                    c = torch.zeros(x.shape[1], H)
                    fs = []
                    for t in range(length):
                        z = x[t] @ layer.weight_ih_l0.T + layer.bias_ih_l0 + h @ layer.weight_hh_l0.T + layer.bias_hh_l0
                        i, f, g, o = z.chunk(4, dim=1)
                        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                        h = torch.sigmoid(o) * torch.tanh(c)
                        fs.append(torch.sigmoid(f))
                assert float(rows["LSTM mean forget gate"]) == pytest.approx(torch.stack(fs).mean().item(), abs=6e-4)

    def test_the_text_alternative_names_the_sliders_settings_and_each_regime(self, flow):
        """Issue 57: the figure's text alternative gave only its title, the same for every setting.
        It names the sliders' values and, as the readout does, each model's regime and factor."""
        seen = set()
        for length, bias, scale in ((100, 0.0, 1.0), (60, 3.0, 0.5), (40, -1.0, 2.5)):
            flow.length.value, flow.forget_bias.value, flow.scale.value = length, bias, scale
            alt = html.unescape(flow.alt.value)
            assert (
                f"for sequence length T = {length}, LSTM forget bias {bias:.1f} and recurrent weight scale {scale:.2f}:"
            ) in alt, alt
            lines = readout_rows(flow.readout.value)
            for title in ("RNN", "LSTM", "GRU"):
                at = next(k for k, (name, _) in enumerate(lines) if name == title)
                regime, factor = re.sub("<[^>]+>", "", lines[at][1]), lines[at + 2][1]
                assert f"{title} {regime}, factor {factor} per step back" in alt, (title, alt)
            seen.add(alt)
        assert len(seen) == 3

    def test_no_readout_shows_a_rounded_zero(self, flow):
        flow.length.value, flow.forget_bias.value, flow.scale.value = 200, 0.0, 0.25
        shown = readout(flow.readout.value)
        assert not any(re.fullmatch(r"0(\.0+)?e[+-]?0+", v) for v in shown.values()), shown


# ---------------------------------------------------------------- chapter 08: the threshold
class TestThresholdExplorer:
    """Chapter 08 shows ThresholdExplorer(test_scores, test.labels, threshold=0.5) for the spam
    classifier it trains; here the same classifier with fewer training steps."""

    @pytest.fixture(scope="class")
    @staticmethod
    def data():
        from rnnlab.classify import SpamClassifier, make_messages, spam_scores, train_classifier
        from rnnlab.widgets import ThresholdExplorer

        torch.manual_seed(0)
        model = SpamClassifier()
        train_classifier(model, steps=40, seed=0)
        test = make_messages(2000, seed=2_000_000)
        scores = spam_scores(model, test)
        return scores, test.labels, ThresholdExplorer(scores, test.labels, threshold=0.5)

    @pytest.mark.parametrize("t", [0.5, 0.12, 0.87])
    def test_drawn_counts_and_scores_are_sklearns(self, data, t):
        from sklearn import metrics as skm

        scores, labels, w = data
        w.threshold.value = t
        y, s = labels.numpy(), scores.double().numpy()
        pred = (s >= t).astype(int)
        tn, fp, fn, tp = skm.confusion_matrix(y, pred, labels=[0, 1]).ravel()
        counts = np.array([[tn, fp], [fn, tp]])
        shares = counts / counts.sum(1, keepdims=True)
        np.testing.assert_allclose(np.asarray(w.matrix.get_array()), shares)
        for i in (0, 1):
            for j in (0, 1):
                assert w.cell_text[i][j].get_text() == f"{counts[i, j]}\n{shares[i, j]:.0%}"
        precision = skm.precision_score(y, pred, zero_division=0)
        recall = skm.recall_score(y, pred, zero_division=0)
        assert w.dot.get_xdata()[0] == pytest.approx(recall) and w.dot.get_ydata()[0] == pytest.approx(precision)
        assert list(w.line.get_xdata()) == [t, t]
        rows = readout(w.readout.value)
        assert (rows["TP"], rows["FP"], rows["FN"], rows["TN"]) == tuple(map(str, (tp, fp, fn, tn)))
        assert float(rows["precision"]) == pytest.approx(precision, abs=6e-4)
        assert float(rows["recall"]) == pytest.approx(recall, abs=6e-4)
        assert float(rows["F1"]) == pytest.approx(skm.f1_score(y, pred, zero_division=0), abs=6e-4)
        assert float(rows["accuracy"]) == pytest.approx(skm.accuracy_score(y, pred), abs=6e-4)
        assert rows["ham flagged as spam"] == f"{fp} of {fp + tn}"
        # the figure's text alternative (issue 57): this threshold and what it gives
        alt = html.unescape(w.alt.value)
        assert alt.startswith(f"Three charts at threshold {t:.2f}:"), alt
        assert f"{tp} of {tp + fn} spam caught and {fp} of {fp + tn} ham flagged as spam" in alt, alt
        assert f"recall {recall:.3f} and precision {precision:.3f}." in alt, alt
        # the static parts: histogram bars of each class, and the precision-recall curve
        bins = np.linspace(0, 1, 26)
        ax_h = w.line.axes
        drawn = [heights(c) for c in ax_h.containers]
        for cls, bars in zip((0, 1), drawn):
            np.testing.assert_array_equal(bars, np.histogram(s[y == cls], bins=bins)[0])
        curve = w.dot.axes.lines[0]
        for threshold in (0.2, 0.5, 0.8):
            p = s >= threshold
            if p.sum():
                r_t, p_t = (p & (y == 1)).sum() / (y == 1).sum(), (p & (y == 1)).sum() / p.sum()
                near = np.isclose(curve.get_xdata(), r_t) & np.isclose(curve.get_ydata(), p_t)
                assert near.any(), threshold


# ---------------------------------------------------------------- quizzes and flashcards
@pytest.mark.parametrize("chapter", available_chapters())
def test_quiz_score_and_flashcard_counter_count_what_happened(chapter):
    from rnnlab.widgets import Flashcards, Quiz

    quiz = Quiz(chapter)
    right = 0
    for k, card in enumerate(quiz.cards):
        if k % 3 == 2:
            continue  # left unanswered
        choice = card.q.answer if k % 2 == 0 else next(c for c in card.q.choices if c != card.q.answer)
        card.choice.value = choice
        card.check.click()
        right += choice == card.q.answer
    assert quiz.score.value == f"<b>{right} of {len(quiz.cards)} correct so far</b>"
    cards = Flashcards(chapter)
    n = len(cards.cards)
    for k in range(n + 2):
        assert cards.counter.value == f"card {k % n + 1} of {n}"
        cards.next.click()
