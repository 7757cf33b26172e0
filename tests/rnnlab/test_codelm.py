"""rnnlab.codelm: the features of Python code (checked by hand and against Python's tokenizer on
every file of the corpus), the distance to a bracket's opening, losses character by character."""

import io
import json
import tokenize

import numpy as np
import pytest
import torch

from rnnlab.codelm import CODE_VOCAB, NEEDS, char_losses, code_features, matching_distance, needs_of
from rnnlab.language_model import CharLM, cross_entropy_of
from rnnlab.realcode import HELD_OUT_FILES, plain, torch_root, train_files

EXAMPLE = 'x = f(a, "b(c", [1,\n    2])  # it\'s (\ny = """doc\n(q"""\nz = f"{a}(" + \'x\'\n'


def bits(feature):
    return "".join(str(int(v)) for v in feature)


def test_features_by_hand():
    f = code_features(EXAMPLE)
    # the string flag is on from the opening quote to the character before the one that closes it
    assert bits(f["inside a string"]) == ("0000000001111000000000000000000000000000001111111111100000001111100001100")
    assert bits(f["inside a one-line string"]) == (
        "0000000001111000000000000000000000000000000000000000000000001111100001100"
    )  # not the docstring
    assert bits(f["inside a comment"]) == "0" * 29 + "11111111" + "0" * 36
    assert (
        bits(f["bracket depth"]) == "00000111111111112222222221" + "0" * 47
    )  # "(" in the string and comment count not
    assert f["position in line"][:3].tolist() == [1, 2, 3] and f["position in line"][19] == 0
    assert f["indent"][20:24].tolist() == [0, 0, 0, 1]


def test_an_escaped_quote_and_a_piece_cut_from_a_file():
    f = code_features('s = "a\\"b" + c\n')
    assert bits(f["inside a string"]) == "000011111000000"
    cut = code_features('call(x, "unclosed\nnext(')  # an unclosed one-line string ends at its line
    assert cut["inside a string"][-4:].tolist() == [0, 0, 0, 0] and cut["bracket depth"][-1] == 2


def tokenizer_features(text):
    """The same string, comment and depth features from Python's tokenizer (Python 3.11's
    tokenize gives an f-string as one STRING token; 3.12 splits it, handled as one span)."""
    starts = np.cumsum([0] + [len(line) for line in text.splitlines(keepends=True)])
    at = lambda pos: int(starts[pos[0] - 1] + pos[1])  # noqa: E731
    string, comment, step, open_f = np.zeros(len(text)), np.zeros(len(text)), np.zeros(len(text)), []
    short = np.zeros(len(text))
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        name = tokenize.tok_name[tok.type]
        if name == "FSTRING_START":
            open_f.append(tok.start)
        elif name == "STRING" or name == "FSTRING_END":
            first, end = at(open_f.pop() if name == "FSTRING_END" else tok.start), at(tok.end)
            quote = min(k for k in (text.find(q, first, end) for q in "'\"") if k >= 0)
            string[quote : end - 1] = 1
            if not text.startswith(text[quote] * 3, quote):
                short[quote : end - 1] = 1
        elif name == "COMMENT":
            comment[at(tok.start) : at(tok.end)] = 1
        elif name == "OP" and not open_f and tok.string in "([{)]}":
            step[at(tok.start)] = 1 if tok.string in "([{" else -1
    return {
        "inside a string": string,
        "inside a one-line string": short,
        "inside a comment": comment,
        "bracket depth": np.cumsum(step),
    }


@pytest.mark.parametrize("part", ["nn/modules", "optim"])
def test_the_scanner_agrees_with_pythons_tokenizer_on_whole_files(part):
    """On 28 files of the training part and every held-out file, as torch has them (docstrings and
    comments in: the scanner must follow them too)."""
    root = torch_root()
    files = HELD_OUT_FILES if part == "optim" else [f for f in train_files() if f.startswith("nn/modules/")]
    assert len(files) in (21, 28)
    for name in files:
        text = plain((root / name).read_text(encoding="utf-8"))
        mine, theirs = code_features(text), tokenizer_features(text)
        for feature, expected in theirs.items():
            wrong = np.flatnonzero(mine[feature] != expected)
            assert not len(wrong), f"{name}: {feature} differs at {len(wrong)} characters, first at {wrong[:1]}"


def test_matching_distance():
    text = "f(a, [b])\n"
    d = matching_distance(text)
    assert len(d) == len(text) - 1
    # ")" at 8 closes "(" at 1; "]" at 7 closes "[" at 5; losses are indexed by character - 1
    assert d[7 - 1] == 2 and d[8 - 1] == 7 and np.count_nonzero(d) == 2


def test_needs_of_by_hand():
    text = "if a:\n    b = 1\n\n  c\nd\n"
    needs = needs_of(text)
    assert len(needs) == len(text) - 1 and set(needs) <= {"", *NEEDS}
    expected = {k: "" for k in range(1, len(text))}
    expected.update({2: "space inside a line", 5: "line end", 6: "indentation begins"})
    expected.update({7: "indentation continues", 8: "indentation continues", 9: "indentation continues"})
    expected.update({10: "indentation ends", 11: "space inside a line", 13: "space inside a line"})
    expected.update({15: "line end", 16: "line end", 17: "indentation begins", 18: "indentation continues"})
    expected.update({19: "indentation ends", 20: "line end", 22: "line end"})  # "d" at 21 follows no indentation
    # losses are indexed by character - 1
    assert {k: needs[k - 1] for k in expected} == expected


def test_char_losses_are_the_models_cross_entropy_character_by_character():
    torch.manual_seed(0)
    model = CharLM(len(CODE_VOCAB), 8, 12)
    text = EXAMPLE * 20
    losses = char_losses(model, text, bptt=37)  # chunks that do not divide the text
    assert losses.shape == (len(text) - 1,)
    assert losses.mean() == pytest.approx(cross_entropy_of(model, CODE_VOCAB.encode(text)), rel=1e-6)


def test_the_vocabulary_is_printable_ascii_and_the_newline():
    assert len(CODE_VOCAB) == 96 and CODE_VOCAB.chars[0] == "\n" and CODE_VOCAB.chars[-1] == "~"


def test_whole_lines():
    from rnnlab.codelm import whole_lines

    text = "ab\ncde\nfghij\nk\n"
    assert whole_lines(text, 4, limit=8) == "cde\n"  # from the start of the line holding 4
    assert whole_lines(text, 4, limit=10) == "cde\nfghij\n"
    assert whole_lines(text, 0, limit=2) == "ab"  # one line longer than the limit: cut


def test_the_shipped_weights_are_what_make_code_lm_trains():
    """code_lm.json records the run that made code_lm.pt; its first 5 steps, trained again from the
    seeds, give the same losses (another CPU's last bits move them by far less than 1e-3), and the
    shipped model is the record's: trained, it predicts the training text at about the record's last losses."""
    from rnnlab.codelm import RECORD_FILE, SHIPPED, load_code_lm, new_model, train_code_lm
    from rnnlab.realcode import corpus
    from rnnlab.shipped import DATA

    record = json.loads((DATA / RECORD_FILE).read_text())
    assert record["settings"] == SHIPPED and len(record["losses"]) == SHIPPED["steps"]
    assert (DATA / "code_lm.pt").stat().st_size < 4_000_000  # "a few MB" at most: 3.6 MB
    train = corpus().train
    s = SHIPPED
    again = train_code_lm(
        new_model(),
        CODE_VOCAB.encode(train),
        s["steps"],
        s["n_streams"],
        s["bptt"],
        s["lr"],
        s["lr_end"],
        s["clip"],
        s["seed"],
        log=None,
        stop=5,
    )
    assert again == pytest.approx(record["losses"][:5], abs=1e-3)
    assert again != pytest.approx(record["losses"][1:6], abs=1e-3)  # the comparison can tell steps apart
    late = np.mean(record["losses"][-100:])
    shipped = char_losses(load_code_lm(), train[:20000]).mean()
    assert abs(shipped - late) < 0.25 and late < 0.8, (shipped, late)


def test_the_cell_viewer_on_real_code_ranks_units_by_the_code_features():
    from rnnlab.codelm import PAPER_FEATURES, load_code_lm, paper_features
    from rnnlab.units import rank_units, unit_trace
    from rnnlab.widgets import CellViewer

    model = load_code_lm()
    viewer = CellViewer(model, CODE_VOCAB, [EXAMPLE], feature="inside a string", features=paper_features)
    assert list(viewer.feature.options) == list(PAPER_FEATURES)
    for name in PAPER_FEATURES:
        viewer.feature.value = name
        truth = rank_units(unit_trace(model, CODE_VOCAB, EXAMPLE)["c"], code_features(EXAMPLE)[name])
        assert [u for u, _ in viewer.values["ranking"]] == [u for u, _ in truth] and viewer.values["unit"] == truth[0][
            0
        ]
        assert np.array_equal(viewer.values["feature"], code_features(EXAMPLE)[name])


def test_the_cell_viewer_ranks_units_over_a_longer_text_when_given_one():
    from rnnlab.codelm import load_code_lm, paper_features
    from rnnlab.units import rank_units, unit_trace
    from rnnlab.widgets import CellViewer

    model = load_code_lm()
    longer = EXAMPLE * 12
    trace, feats = unit_trace(model, CODE_VOCAB, longer, keep=("c",)), code_features(longer)
    assert set(trace.values) == {"c"}
    viewer = CellViewer(
        model, CODE_VOCAB, [EXAMPLE], feature="bracket depth", features=paper_features, rank_on=(trace, feats)
    )
    assert viewer.values["ranking"] == rank_units(trace["c"], feats["bracket depth"])
    assert "over the ranking text" in viewer.status.value
    here = rank_units(unit_trace(model, CODE_VOCAB, EXAMPLE)["c"], code_features(EXAMPLE)["bracket depth"])
    assert viewer.values["r"] == pytest.approx(dict(here)[viewer.values["unit"]])  # the readout's r: the piece shown
    viewer.feature.value = "inside a string"  # another feature, and back: each ranked over the longer text
    assert viewer.values["ranking"] == rank_units(trace["c"], feats["inside a string"])
    viewer.feature.value = "bracket depth"
    assert viewer.values["ranking"] == rank_units(trace["c"], feats["bracket depth"])
    shorter = EXAMPLE * 3  # another ranking text: its own rankings, not the kept ones
    viewer.rank_on = (unit_trace(model, CODE_VOCAB, shorter, keep=("c",)), code_features(shorter))
    viewer.feature.value = "inside a string"
    assert viewer.values["ranking"] == rank_units(viewer.rank_on[0]["c"], viewer.rank_on[1]["inside a string"])
    viewer.feature.value = "bracket depth"
    viewer.kind.value = "f"  # a kind the longer text's trace lacks: ranked on the piece
    assert viewer.values["ranking"] == rank_units(
        unit_trace(model, CODE_VOCAB, EXAMPLE)["f"], code_features(EXAMPLE)["bracket depth"]
    )
    assert "over the ranking text" not in viewer.status.value


def test_the_cell_viewer_offers_only_the_kinds_asked_for():
    from rnnlab.codelm import load_code_lm, paper_features
    from rnnlab.units import unit_trace
    from rnnlab.widgets import CellViewer

    viewer = CellViewer(
        load_code_lm(), CODE_VOCAB, [EXAMPLE], feature="bracket depth", features=paper_features, kinds=("c",)
    )
    assert [v for _, v in viewer.kind.options] == ["c"]
    both = CellViewer(
        load_code_lm(),
        CODE_VOCAB,
        [EXAMPLE],
        feature="inside a string",
        features=paper_features,
        kinds=("c", "tanh(c)"),
        kind="tanh(c)",
        layer=1,
    )
    assert [v for _, v in both.kind.options] == ["c", "tanh(c)"] and both.values["kind"] == "tanh(c)"
    c = unit_trace(load_code_lm(), CODE_VOCAB, EXAMPLE, layer=1)["c"][:, both.values["unit"]]
    assert np.allclose(both.values["series"], np.tanh(c))  # what it shows: the second layer's tanh(c)
    default = CellViewer(load_code_lm(), CODE_VOCAB, [EXAMPLE], feature="inside a string", features=paper_features)
    assert "tanh(c)" not in [v for _, v in default.kind.options]  # offered when asked for only
    with pytest.raises(ValueError, match="'tanh\\(c\\)' is not among those offered .*name it in kinds"):
        CellViewer(
            load_code_lm(), CODE_VOCAB, [EXAMPLE], feature="inside a string", features=paper_features, kind="tanh(c)"
        )
    with pytest.raises(ValueError, match="kinds must name some of"):
        CellViewer(
            load_code_lm(), CODE_VOCAB, [EXAMPLE], feature="bracket depth", features=paper_features, kinds=("x",)
        )


def test_ngram_losses_are_the_counted_models_and_are_kept_between_runs(tmp_path, monkeypatch):
    from rnnlab import codelm, ngram
    from rnnlab.realcode import cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    train, text = "def f(x):\n    return (x, [x])\n" * 40, "def g(y):\n    return [y, (y)]\n"
    counted = []
    monkeypatch.setattr(ngram, "NGram", lambda *a, _real=ngram.NGram: counted.append(a) or _real(*a))
    first = codelm.ngram_losses(train, text, orders=range(1, 4))
    model = ngram.NGram(3, train, len(CODE_VOCAB))
    for n in (1, 2, 3):
        assert first[n].tolist() == pytest.approx(model.nll(text, order=n), abs=0)
    assert len(counted) == 2  # the function's count, and this test's
    again = codelm.ngram_losses(train, text, orders=range(1, 4))
    assert len(counted) == 2 and all(np.array_equal(first[n], again[n]) for n in (1, 2, 3))  # read back
    other = codelm.ngram_losses(train, text[:-3], orders=range(1, 4))  # another text: counted
    assert len(counted) == 3 and len(other[1]) == len(text) - 4
    codelm.ngram_losses(train, text, orders=(1, 2))  # other orders: counted
    assert len(counted) == 4
    for entry in cache_dir("ngram").glob("*.txt"):  # a damaged entry is counted again, not read
        entry.write_bytes(entry.read_bytes()[:-8] + b"\0" * 8)
    damaged = codelm.ngram_losses(train, text, orders=range(1, 4))
    assert len(counted) == 5 and all(np.array_equal(first[n], damaged[n]) for n in (1, 2, 3))
    assert len(codelm.ngram_losses(train, "a\ud800b", orders=(1,))[1]) == 2  # a lone surrogate: keyed too
