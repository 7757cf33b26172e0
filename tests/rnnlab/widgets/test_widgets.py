"""Widget logic without a browser: set a control's value, assert what changed in the kernel."""

import numpy as np
import pytest
import torch
from torch import nn

from rnnlab.gates import lstm_gates
from rnnlab.quiz import available_chapters, load_quiz
from rnnlab.tasks import bracket_depths, encode, train_bracket_counter
from rnnlab.widgets import Flashcards, GateExplorer, Quiz, SequenceGates


def bar_heights(bars):
    return [b.get_height() for b in bars]


class TestGateExplorer:
    def test_values_come_from_the_cell(self):
        torch.manual_seed(0)
        cell = nn.LSTMCell(1, 1)
        ex = GateExplorer(cell, x=0.7, h=-0.2, c=1.5)
        h, c = cell(torch.tensor([[0.7]]), (torch.tensor([[-0.2]]), torch.tensor([[1.5]])))
        assert ex.values["h"] == pytest.approx(h.item(), abs=1e-6)
        assert ex.values["c"] == pytest.approx(c.item(), abs=1e-6)
        assert bar_heights(ex.gate_bars) == pytest.approx([ex.values[k] for k in "ifgo"])

    def test_forget_bias_slider_sets_the_sum_of_both_biases(self):
        ex = GateExplorer()
        ex.forget_bias.value = 4.0
        total = (ex.cell.bias_ih[1] + ex.cell.bias_hh[1]).item()
        assert total == pytest.approx(4.0, abs=1e-6)
        high = ex.values["f"]
        ex.forget_bias.value = -4.0
        assert high > 0.9 and ex.values["f"] < high

    def test_moving_a_slider_redraws_and_updates_the_readout(self):
        ex = GateExplorer()
        before = (ex.image.value, ex.readout.value, bar_heights(ex.gate_bars), dict(ex.values))
        ex.x.value = -2.5
        assert ex.values["i"] != before[3]["i"]
        assert ex.image.value != before[0]
        assert ex.readout.value != before[1]
        assert f"{ex.values['i']:.3f}" in ex.readout.value
        assert bar_heights(ex.gate_bars) != before[2]
        assert ex.full_draws == 1  # later updates blit onto the saved background

    def test_cell_update_identity_shown(self):
        ex = GateExplorer()
        ex.c.value = 2.0
        v = ex.values
        kept, written = bar_heights(ex.state_bars)[1:3]
        assert kept == pytest.approx(v["f"] * 2.0)
        assert written == pytest.approx(v["i"] * v["g"])
        assert v["c"] == pytest.approx(kept + written, abs=1e-6)
        assert abs(v["h"]) < 1

    def test_sliders_start_on_their_grid(self):
        # a browser snaps off-grid values and sends them back, racing the notebook's own settings
        for seed in range(5):
            torch.manual_seed(seed)
            ex = GateExplorer(nn.LSTMCell(1, 1))
            for s in (ex.x, ex.h, ex.c, ex.forget_bias):
                steps = (s.value - s.min) / s.step
                assert abs(steps - round(steps)) < 1e-9, (s.description, s.value)

    def test_rejects_cells_it_cannot_show(self):
        with pytest.raises(ValueError, match="one unit"):
            GateExplorer(nn.LSTMCell(2, 3))


@pytest.fixture(scope="module")
def counter():
    model, _ = train_bracket_counter(hidden_size=6, steps=60, progress=False)
    return model


class TestSequenceGates:
    def make(self, model, **kw):
        return SequenceGates(model.lstm, encode, ["(a)", "((b))a"], validate=bracket_depths, **kw)

    @pytest.mark.parametrize("batch_first", [False, True])
    def test_heatmaps_hold_the_real_gates(self, counter, batch_first):
        # the text is one sequence in either layout: the model's own output on it, in its
        # own layout, is what the recomputed gates must reproduce
        lstm = nn.LSTM(counter.lstm.input_size, counter.lstm.hidden_size, batch_first=batch_first)
        lstm.load_state_dict(counter.lstm.state_dict())
        w = SequenceGates(lstm, encode, ["(a)", "((b))a"], validate=bracket_depths)
        w.text.value = "((a)b)"
        x = encode("((a)b)").unsqueeze(0 if batch_first else 1)
        expected = lstm_gates(lstm, x)
        with torch.no_grad():
            output, _ = lstm(x)
        torch.testing.assert_close(expected.output, output)
        for name in ("i", "f", "g", "o", "c"):
            shown = np.asarray(w.images[name].get_array())
            # c is shown as a share of each unit's largest |c| (the default scale, "each unit")
            scale = w.unit_scales()[:, None] if name == "c" else 1.0
            np.testing.assert_allclose(shown[:, :6], expected.get(name).T / scale, atol=1e-6)
            assert np.isnan(shown[:, 6:]).all()  # columns past the input stay blank
        assert [t.get_text() for t in w.chars[:7]] == list("((a)b)") + [""]

    def test_picking_an_example_updates_the_text_and_figure(self, counter):
        w = self.make(counter)
        first = w.image.value
        w.examples.value = "((b))a"
        assert w.text.value == "((b))a"
        assert w.image.value != first
        assert w.trace.c.shape[2] == 6

    def test_bad_input_fades_the_picture_and_explains(self, counter):
        """Issue 31, item 5: the last good picture stays only faded, and the readout says whose
        it is (before: kept as it was, as if it were this input's)."""
        import html

        w = self.make(counter)
        picture, shown = w.image.value, w.text.value
        w.text.value = "(x)"
        said = html.unescape(w.status.value)
        assert (
            "Cannot show" in said
            and "'x'" in said
            and f"still that of the last input it could show, <code>{shown}</code>" in said
        )
        assert w.stale and 255 - _mean_grey(w.image.value) < 0.4 * (255 - _mean_grey(picture)), "not faded"
        w.text.value = shown
        assert not w.stale and w.image.value == picture and "Cannot show" not in w.status.value
        w.text.value = "(x)"
        w.text.value = "))"
        assert "closes a bracket that is not open" in w.status.value
        w.text.value = "(" * 3 + "a" * 70
        assert "60 characters" in w.status.value

    def test_an_example_it_cannot_show_is_refused(self, counter):
        """Issue 31, item 5: a built-in example that only shows an error is a mistake of the lecture."""
        w = self.make(counter)
        with pytest.raises(ValueError, match="cannot show"):
            type(w)(w.lstm, w.encode, ["(a)", "(x)"], validate=w.validate)

    def test_c_is_shown_on_each_units_scale_or_one_shared(self, counter):
        """Issue 31, item 5: on one scale for all units, a unit whose c stays small is pale however
        clearly it counts. "each unit" divides each row by the unit's largest |c| over the examples
        and the text; "shared" shows c itself on one scale; each is its own kept picture."""
        w = self.make(counter)
        w.text.value = "((((a))))"
        c = w.trace.get("c", -1, 0).T  # (units, time)
        in_examples = np.max([np.abs(w._trace(e).get("c")).max(axis=0) for e in w.examples.options], axis=0)
        largest = np.maximum(np.abs(c).max(axis=1), in_examples)
        shown = np.asarray(w.images["c"].get_array())[:, :9]
        np.testing.assert_allclose(shown, c / largest[:, None], atol=1e-6)
        assert np.allclose(np.abs(shown).max(axis=1)[np.abs(c).max(axis=1) == largest], 1.0)
        assert w.images["c"].get_clim() == (-1.0, 1.0) and "max" in w.c_bar.ax.get_ylabel()
        draws, per_unit = w.full_draws, w.image.value
        w.c_scale_choice.value = "shared"
        lo, hi = w.images["c"].get_clim()
        np.testing.assert_allclose(np.asarray(w.images["c"].get_array())[:, :9], c, atol=1e-6)
        # one scale for every text, fixed by the examples (a typed text may reach past it)
        assert lo == -hi and in_examples.max() <= hi < in_examples.max() + 0.5 and w.full_draws == draws + 1
        w.c_scale_choice.value = "unit"
        assert w.image.value == per_unit and w.full_draws == draws + 1

    def test_saturation_dots_match_the_trace(self, counter):
        w = self.make(counter)
        w.text.value = "(((a)))"
        sat = w.trace.saturation()
        for gate, dots in w.scatter.items():
            np.testing.assert_allclose(dots.get_offsets(), np.column_stack(sat[gate]))

    def test_each_heatmap_width_is_drawn_in_full_once(self, counter):
        w = self.make(counter)
        draws = w.full_draws
        w.text.value = "(a)" * 10  # 30 characters: next width bucket
        assert w.width == 32 and w.full_draws == draws + 1
        w.text.value = "(b)" * 9
        w.text.value = "(a)"  # back to the first width: kept picture
        w.text.value = "(b)" * 8
        assert w.full_draws == draws + 1
        w.invalidate()  # forget the kept pictures
        w.update()
        assert w.full_draws == draws + 2

    def test_layers_and_directions_reuse_their_kept_pictures(self):
        """Switching layer redraws only the heatmaps (a full draw of this figure costs about half
        a second, and once made every layer switch in the browser take that long); each reading
        direction is drawn in full once, with its own axis label, and its picture kept."""
        from rnnlab.tagging import encode_letters

        torch.manual_seed(0)
        lstm = nn.LSTM(6, 4, num_layers=2, bidirectional=True, batch_first=True)
        w = SequenceGates(lstm, encode_letters, ["abcabcfed"], validate=encode_letters, layer=0, direction=0)
        draws, first = w.full_draws, w.image.value
        w.layer_choice.value = 1
        assert w.full_draws == draws and w.image.value != first
        w.layer_choice.value = 0
        assert w.full_draws == draws and w.image.value == first  # the same picture again
        w.direction_choice.value = 1
        assert w.full_draws == draws + 1 and "right to left" in w.axes["c"].get_xlabel()
        backward = w.image.value
        w.direction_choice.value = 0
        assert w.full_draws == draws + 1 and w.image.value == first  # its label, not the other's
        w.layer_choice.value = 1
        w.direction_choice.value = 1
        w.layer_choice.value = 0
        assert w.full_draws == draws + 1 and w.image.value == backward

    def test_describe_rows_reach_the_readout(self, counter):
        w = self.make(counter, describe=lambda t: [("true depth", str(bracket_depths(t)))])
        w.text.value = "(a)"
        assert "[1, 1, 0]" in w.status.value


class TestQuizWidgets:
    def test_right_and_wrong_answers(self):
        quiz = Quiz("03")
        card = quiz.cards[0]
        q = card.q
        wrong = next(k for k in q.choices if k != q.answer)
        card.choice.value = wrong
        card.check.click()
        assert "Not quite" in card.feedback.value and card.correct is False
        assert "0 of 9" in quiz.score.value
        card.choice.value = q.answer
        card.check.click()
        assert "Correct" in card.feedback.value and card.correct is True
        assert "1 of 9" in quiz.score.value

    def test_wrong_choice_shows_its_mistake(self):
        quiz = Quiz("03")
        card = quiz.cards[1]
        wrong, why = next(iter(card.q.mistakes.items()))
        card.choice.value = wrong
        card.check.click()
        assert why[:30].replace("'", "&#x27;") in card.feedback.value

    def test_check_without_choice_asks_to_pick(self):
        card = Quiz("03").cards[2]
        card.check.click()
        assert "Pick an answer" in card.feedback.value

    def test_show_answer(self):
        card = Quiz("03").cards[3]
        card.reveal.click()
        assert f"Answer: {card.q.answer})" in card.feedback.value

    def test_flashcards_reveal_and_cycle(self):
        fc = Flashcards("03")
        data = load_quiz("03").flashcards
        assert "card 1 of" in fc.counter.value
        assert data[0].back not in fc.back.value
        fc.reveal.click()
        assert fc.revealed
        fc.next.click()
        assert "card 2 of" in fc.counter.value and not fc.revealed
        fc.prev.click()
        fc.prev.click()
        assert f"card {len(data)} of" in fc.counter.value


class TestSequenceGatesLayersAndDirections:
    """The gate widget shows any layer and direction of a stacked, bidirectional LSTM."""

    @staticmethod
    def make(lstm, **kw):
        from rnnlab.tagging import encode_letters

        return SequenceGates(lstm, encode_letters, ["abcab", "fedcbaabc"], **kw)

    @pytest.mark.parametrize("proj_size", [0, 2])
    def test_every_layer_and_direction_shows_its_own_gates(self, proj_size):
        from rnnlab.tagging import encode_letters

        torch.manual_seed(4)
        lstm = nn.LSTM(6, 5, num_layers=3, bidirectional=True, proj_size=proj_size)
        w = self.make(lstm)
        w.text.value = "abcdefa"
        expected = lstm_gates(lstm, encode_letters("abcdefa").unsqueeze(1))
        examples = [lstm_gates(lstm, encode_letters(t).unsqueeze(1)) for t in ("abcab", "fedcbaabc")]
        assert w.layer == 2 and w.direction == 0  # the top layer, forward, by default
        for layer in range(3):
            for direction in range(2):
                w.layer_choice.value = layer
                w.direction_choice.value = direction
                for name in ("i", "f", "g", "o", "c"):
                    shown = np.asarray(w.images[name].get_array())[:, :7]
                    scale = 1.0
                    if name == "c":  # each unit on its own scale, in this layer and direction
                        scale = np.max(
                            [np.abs(t.get("c", layer, direction)).max(axis=0) for t in examples + [expected]], axis=0
                        )[:, None]
                    np.testing.assert_allclose(shown, expected.get(name, layer, direction).T / scale, atol=1e-6)
                sat = expected.saturation(layer=layer, direction=direction)
                np.testing.assert_allclose(w.scatter["f"].get_offsets(), np.column_stack(sat["f"]))
                assert f"layer {layer} of 0-2, " in w.status.value

    def test_directions_differ_and_the_readout_says_where_each_starts(self):
        torch.manual_seed(5)
        lstm = nn.LSTM(6, 4, bidirectional=True)
        w = self.make(lstm)
        w.text.value = "abcd"
        forward = np.asarray(w.images["c"].get_array()).copy()
        assert "forward (left to right)" in w.status.value and "position 0 (&#x27;a&#x27;)" in w.status.value.replace(
            "'", "&#x27;"
        )
        picture = w.image.value
        w.direction_choice.value = 1
        assert not np.allclose(np.asarray(w.images["c"].get_array())[:, :4], forward[:, :4])
        assert "backward (right to left)" in w.status.value and "position 3" in w.status.value
        assert "right to left" in w.axes["c"].get_xlabel()
        assert w.image.value != picture

    def test_switching_keeps_the_trace_and_a_later_text_uses_the_choice(self):
        from rnnlab.tagging import encode_letters

        torch.manual_seed(6)
        lstm = nn.LSTM(6, 3, num_layers=2)
        w = self.make(lstm, layer=0)
        trace = w.trace
        w.layer_choice.value = 1
        assert w.trace is trace  # no recomputation for a switch
        w.text.value = "fff"
        expected = lstm_gates(lstm, encode_letters("fff").unsqueeze(1))
        np.testing.assert_allclose(np.asarray(w.images["i"].get_array())[:, :3], expected.get("i", 1, 0).T, atol=1e-6)

    def test_controls_appear_only_when_there_is_a_choice(self):
        torch.manual_seed(7)
        single = self.make(nn.LSTM(6, 3))
        assert single.layer_choice not in single.controls.children
        assert single.direction_choice not in single.controls.children
        assert "showing" not in single.status.value
        both = self.make(nn.LSTM(6, 3, num_layers=2, bidirectional=True))
        assert both.layer_choice in both.controls.children and both.direction_choice in both.controls.children
        assert "rnnlab-control-layer" in both.layer_choice._dom_classes

    def test_rejects_a_layer_or_direction_that_does_not_exist(self):
        with pytest.raises(ValueError, match="1 direction"):
            self.make(nn.LSTM(6, 3), direction=1)
        with pytest.raises(ValueError, match="2 layer"):
            self.make(nn.LSTM(6, 3, num_layers=2), layer=2)


def _mean_grey(png: bytes) -> float:
    """The mean brightness of a PNG, 0 to 255: a faded picture is much lighter."""
    import io

    from PIL import Image, ImageStat

    return ImageStat.Stat(Image.open(io.BytesIO(png)).convert("L")).mean[0]


# A kernel sends one message per widget it makes, faster than a busy Jupyter server reads them.
# ZMQ queues about 2,000 (a high-water mark of 1,000 at the kernel's end and 1,000 at the
# server's) and drops what comes after, the "idle" that ends a cell among them: JupyterLab then
# shows that cell running for ever. Measured with a reader that waits 20 s (IPC, as the browser
# tests' server): of 23 cells making 2,441 widgets (every chapter's quiz and cards), the last six
# never ended. One run (a lecture's Run All, a step of a browser test) must stay well below that.
WIDGETS_PER_RUN = 600


@pytest.mark.parametrize("chapter", available_chapters())
def test_a_chapters_quiz_and_cards_make_few_enough_widgets_for_one_run(chapter):
    """The browser test runs one chapter's quiz and cards at a time (test_browser_chapters.py)."""
    from ipywidgets.widgets.widget import _instances

    before = len(_instances)
    made = [Quiz(chapter), Flashcards(chapter)]
    count = len(_instances) - before
    assert 40 < count <= WIDGETS_PER_RUN, f"chapter {chapter}: {count} widgets ({made})"


def test_every_lecture_makes_few_enough_widgets_for_one_run():
    """A lecture's saved widget state holds every widget its Run All made (counted against the
    kernel's messages: equal for each lecture)."""
    import nbformat

    from lecture_list import LECTURES, START, WIDGET_STATE

    counts = {
        p.stem: len(nbformat.read(p, 4).metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {}))
        for p in [START, *LECTURES]
    }
    assert all(counts.values()) and max(counts.values()) <= WIDGETS_PER_RUN, counts
