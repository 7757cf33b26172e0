"""Chapter 10's widgets draw the truth: the attention map and the beam explorer, on the lecture's
own shipped models, against computations written here from the models' weights (plain tensor
code following the LSTM equations, no call into rnnlab.seq2seq's forward, step or search)."""

import html
import itertools
import re

import numpy as np
import pytest
import torch

from rnnlab.seq2seq import load_trained

LETTERS = "abcdefghij"
BOS, EOS = 1, 2


def readout(widget_html: str) -> dict[str, str]:
    rows = re.findall(r"<tr data-name='(.*?)'><td[^>]*>.*?</td><td[^>]*>(.*?)</td></tr>", widget_html)
    return {html.unescape(k): html.unescape(re.sub(r"<[^>]+>", "", v)) for k, v in rows}


def lstm_step(lstm, x, h, c):
    """One step of a one-layer nn.LSTM by its equations (gates i, f, g, o), in float64."""
    w_ih, w_hh = lstm.weight_ih_l0.double(), lstm.weight_hh_l0.double()
    z = w_ih @ x + w_hh @ h + lstm.bias_ih_l0.double() + lstm.bias_hh_l0.double()
    i, f, g, o = z.chunk(4)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


@torch.no_grad()
def decoder_log_probs(model, text, prefix):
    """Log-probabilities of the next token after `prefix` (tokens after BOS), with the dot or no
    attention, and the attention weights of that step: by hand, from the weights."""
    emb = model.embed.weight.double()
    H = model.hidden_size
    h, c = torch.zeros(H, dtype=torch.float64), torch.zeros(H, dtype=torch.float64)
    keys = []
    for ch in text:
        h, c = lstm_step(model.encoder, emb[3 + LETTERS.index(ch)], h, c)
        keys.append(h)
    keys = torch.stack(keys)
    weights = None
    for token in [BOS] + list(prefix):
        h, c = lstm_step(model.decoder, emb[token], h, c)
    if model.attention is None:
        logits = model.out.weight.double() @ h + model.out.bias.double()
    else:
        assert model.attention == "dot"
        weights = torch.softmax(keys @ h, 0)
        context = weights @ keys
        mixed = torch.tanh(model.combine.weight.double() @ torch.cat([context, h]) + model.combine.bias.double())
        logits = model.out.weight.double() @ mixed + model.out.bias.double()
    return torch.log_softmax(logits, 0), weights


def greedy_by_hand(model, text, max_len):
    prefix, maps = [], []
    for _ in range(max_len):
        logp, w = decoder_log_probs(model, text, prefix)
        token = int(logp.argmax())
        prefix.append(token)
        maps.append(w)
        if token == EOS:
            break
    out = "".join(LETTERS[t - 3] for t in itertools.takewhile(lambda t: t != EOS, prefix) if t >= 3)
    return out, (torch.stack(maps) if maps[0] is not None else None), prefix


@pytest.fixture(scope="module")
def dot_model():
    return load_trained("dot")


@pytest.fixture(scope="module")
def plain_model():
    return load_trained(None)


class TestAttentionMap:
    """Chapter 10 shows AttentionMap(models["dot"]) and invites typing inputs."""

    @pytest.mark.parametrize("text", ["abcdefgh", "badge", "aaaaaaa", "jihgfedcbajihg"])
    def test_heatmap_letters_and_readout_are_the_models_attention(self, dot_model, text):
        from rnnlab.widgets import AttentionMap

        w = AttentionMap(dot_model)
        w.typed.value = text
        output, maps, tokens = greedy_by_hand(dot_model, text, 17)
        grid = np.asarray(
            w.heat.get_array().filled(np.nan) if np.ma.isMaskedArray(w.heat.get_array()) else w.heat.get_array()
        )
        n_out, n_in = maps.shape
        np.testing.assert_allclose(grid[:n_out, :n_in], maps.numpy(), atol=1e-5)
        assert np.isnan(grid[n_out:]).all() and np.isnan(grid[:, n_in:]).all()  # nothing else drawn
        assert [t.get_text() for t in w.x_letters[:n_in]] == list(text)
        assert all(t.get_text() == "" for t in w.x_letters[n_in:])
        shown_rows = [t.get_text() for t in w.y_letters[:n_out]]
        assert shown_rows == [LETTERS[t - 3] if t >= 3 else "EOS" for t in tokens]
        r = readout(w.readout.value)
        assert r["decoded"] == (output or "(empty)") and r["reversed input"] == text[::-1]
        assert r["right?"] == ("yes" if output == text[::-1] else "no")
        diag = [maps[j, len(text) - 1 - j].item() for j in range(min(len(text), n_out))]
        assert float(r["mean on anti-diagonal"]) == pytest.approx(np.mean(diag), abs=6e-3)

    def test_the_trained_model_reverses_and_looks_along_the_anti_diagonal(self, dot_model):
        from rnnlab.widgets import AttentionMap

        w = AttentionMap(dot_model, text="abcdefgh")
        assert w.values["output"] == "hgfedcba" and w.values["on_alignment"] > 0.5

    def test_bad_input_is_reported_and_fades_the_last_picture(self, dot_model):
        """Issue 31, item 5: no row of the last input's decoding ("right? yes" under "hello"),
        and its picture only faded, named as the last input's."""
        from rnnlab.widgets import AttentionMap

        w = AttentionMap(dot_model)
        before = np.array(w.heat.get_array(), copy=True)
        image, last = w.image.value, w.values["text"]
        w.typed.value = "hello"
        rows, said = readout(w.readout.value), html.unescape(re.sub(r"<[^>]+>", "", w.readout.value))
        assert "Cannot show this input: Unknown characters 'l', 'o'. Use only the lower-case letters a to j." in said
        assert f"The faded picture is still that of the last input it could show, {last}." in said, said
        assert rows == {"input": "hello"}, rows
        np.testing.assert_array_equal(np.asarray(w.heat.get_array()), before)
        assert w.stale and w.image.value != image
        w.typed.value = "a" * 17
        assert "Keep it to 16 characters (this has 17)." in w.readout.value
        w.typed.value = ""  # an emptied box: the picked example again
        assert not w.stale and w.values["text"] == w.pick.value
        w.pick.value = "badge"  # and it recovers
        assert w.values["output"] == "egdab" and "Cannot show" not in w.readout.value

    def test_a_model_without_attention_is_refused(self, plain_model):
        from rnnlab.widgets import AttentionMap

        with pytest.raises(ValueError, match="attention"):
            AttentionMap(plain_model)


def beam_by_hand(model, text, width, max_len):
    """Beam search as the widget documents it (finished beams set aside, ties to the lower
    tokens), every prefix scored by the hand-written decoder above: the kept beams of each step."""
    live, finished, steps = [((), 0.0)], [], []
    for _ in range(max_len):
        cand = []
        for tokens, score in live:
            logp, _ = decoder_log_probs(model, text, tokens)
            cand += [(tokens + (v,), score + float(lp)) for v, lp in enumerate(logp.tolist())]
        cand.sort(key=lambda b: (-b[1], b[0]))
        kept = cand[:width]
        steps.append(kept)
        finished += [b for b in kept if b[0][-1] == EOS]
        live = [b for b in kept if b[0][-1] != EOS]
        if len(finished) >= width or not live:
            break
    return steps


@pytest.fixture(scope="module")
def explorer(plain_model):
    from rnnlab.widgets import BeamExplorer

    return BeamExplorer(plain_model, "jihgfedcba", width=3)


class TestBeamExplorer:
    """Chapter 10 shows BeamExplorer(models["none"], "jihgfedcba", width=3)."""

    @pytest.mark.parametrize("width", [1, 2, 3, 5])
    def test_kept_beams_and_points_are_the_search(self, explorer, plain_model, width):
        explorer.width.value = width
        steps = beam_by_hand(plain_model, "jihgfedcba", width, explorer.max_len)
        got = explorer.values["steps"]
        assert [[t for t, _ in kept] for kept in got] == [[t for t, _ in kept] for kept in steps]
        for kept_w, kept_h in zip(got, steps):
            np.testing.assert_allclose([s for _, s in kept_w], [s for _, s in kept_h], atol=1e-4)
        alive = [(t, s) for t, kept in enumerate(steps, 1) for tok, s in kept if tok[-1] != EOS]
        done = [(t, s) for t, kept in enumerate(steps, 1) for tok, s in kept if tok[-1] == EOS]
        ax, ay = explorer.alive_dots.get_data()
        np.testing.assert_allclose(np.c_[ax, ay], np.array(alive), atol=1e-4)
        if done:
            dx, dy = explorer.done_dots.get_data()
            np.testing.assert_allclose(np.c_[dx, dy], np.array(done), atol=1e-4)
        letters = [t.get_text() for t in explorer.letters if t.get_text()]
        assert letters == ["$" if tok[-1] == EOS else LETTERS[tok[-1] - 3] for kept in steps for tok, _ in kept]
        r = readout(explorer.readout.value)
        assert r["width"] == str(width)

    def test_width_one_is_greedy_and_the_readout_ranks_the_finished_beams(self, explorer, plain_model):
        explorer.width.value = 1
        output, _, tokens = greedy_by_hand(plain_model, "jihgfedcba", explorer.max_len)
        assert list(explorer.values["final"][0][0]) == tokens
        explorer.width.value = 4
        final = explorer.values["final"]
        scores = [s for _, s in final]
        assert scores == sorted(scores, reverse=True)
        r = readout(explorer.readout.value)
        assert r["beam 1"].startswith(output) and f"{final[0][1]:.3f}" in r["beam 1"]
        assert explorer.full_draws == 1


def test_a_typed_input_is_searched_at_every_width(explorer, plain_model):
    """Issue 31, item 5: the beam explorer takes a typed input (it had one fixed input, on which
    no width changed the answer); its default examples include one that width changes both
    ways, and a bad input fades the picture and says which input it still shows."""
    from rnnlab.widgets.beam_explorer import BOTH_WAYS

    explorer.typed.value = "abcab"
    explorer.width.value = 3
    steps = beam_by_hand(plain_model, "abcab", 3, len("abcab") + 3)
    assert [[t for t, _ in kept] for kept in explorer.values["steps"]] == [[t for t, _ in kept] for kept in steps]
    assert readout(explorer.readout.value)["input"] == "abcab"
    assert BOTH_WAYS in explorer.pick.options
    explorer.pick.value = BOTH_WAYS
    right = [k for k in range(1, 6) if greedy_or_beam_right(plain_model, BOTH_WAYS, k)]
    assert explorer.values["right_at"] == right and right and right != list(range(right[0], 6)), right
    assert readout(explorer.readout.value)["right at widths"] == ", ".join(map(str, right))
    picture = explorer.image.value
    explorer.typed.value = "hello"
    said = html.unescape(explorer.readout.value)
    assert explorer.stale and "Cannot show this input" in said and f"<code>{BOTH_WAYS}</code>" in said
    assert explorer.image.value != picture
    explorer.width.value = 1  # the slider does not bring the old picture back
    assert explorer.stale and "Cannot show this input" in explorer.readout.value
    explorer.pick.value = "jihgfedcba"
    assert not explorer.stale and explorer.values["text"] == "jihgfedcba"


def greedy_or_beam_right(model, text, width):
    """Whether the best output of a beam of `width` (by hand) is the reversed text: the best
    finished beam, or without one the best beam of the last step."""
    steps = beam_by_hand(model, text, width, len(text) + 3)
    finished = [b for kept in steps for b in kept if b[0][-1] == EOS]
    best = min(finished or steps[-1], key=lambda b: (-b[1], b[0]))
    return "".join(LETTERS[t - 3] for t in best[0] if t >= 3) == text[::-1]


@pytest.mark.parametrize("width", [3, 4, 5])
def test_the_letters_of_a_step_do_not_overlap(explorer, width):
    """Issue 31, item 5: at widths 4 and 5 the letters of beams with close totals were drawn on
    top of each other; they are now moved apart, each with a line to its beam's dot."""
    renderer = explorer.fig.canvas.get_renderer()
    for text in explorer.pick.options:
        explorer.pick.value = text
        explorer.width.value = width
        boxes = [t.get_window_extent(renderer) for t in explorer.letters if t.get_text()]
        assert len(boxes) == sum(len(kept) for kept in explorer.values["steps"])
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                overlap = min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)
                assert min(overlap) <= 0.5, (text, width, a, b)


def test_spread_keeps_order_and_gap_and_moves_no_more_than_needed():
    from rnnlab.widgets.beam_explorer import spread

    assert list(spread([0, 50, 100], 10)) == [0, 50, 100]  # far apart: unmoved
    assert list(spread([5, 5], 10)) == [0, 10]  # a pair: about their mean
    out = spread([3, 0, 1, 30, 2], 10)
    order = np.argsort([3, 0, 1, 30, 2], kind="stable")
    assert np.all(np.diff(out[order]) >= 10 - 1e-9)
    assert out[3] == 30 and np.isclose(out[[0, 1, 2, 4]].mean(), np.mean([3, 0, 1, 2]))


def test_every_built_in_example_can_be_shown(dot_model):
    """Issue 31, item 5: lecture 10's examples are all inputs the model takes ("hijacked" had a k,
    outside a-j, and showed only an error); a widget now refuses an example it cannot show."""
    from rnnlab.widgets import AttentionMap

    w = AttentionMap(dot_model)
    for example in w.pick.options:
        w.pick.value = example
        assert "Cannot show" not in w.readout.value and w.values["text"] == example, example
    with pytest.raises(ValueError, match="hijacked"):
        AttentionMap(dot_model, examples=["badge", "hijacked"])


def test_the_grid_fits_the_input(dot_model):
    """Issue 31, item 5: the axes show the input's letters and output steps, not a 16 x 17 grid
    of which 8 letters filled a quarter."""
    from rnnlab.widgets import AttentionMap

    w = AttentionMap(dot_model, text="abcdefgh")
    steps = len(w.values["weights"])
    assert w.ax.get_xlim() == (-0.5, 7.5) and w.ax.get_ylim() == (steps - 0.5, -0.5)
    w.pick.value = "badge"
    assert w.ax.get_xlim() == (-0.5, 4.5)
