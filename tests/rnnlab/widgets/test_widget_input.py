"""Typed text a widget cannot take gets one wording in every widget (issue 57, item 5): every bad
character named once, in the order typed, as Python writes it, and what may be typed."""

import ast
import html
import re
from pathlib import Path

import pytest
import torch
from torch import nn

from rnnlab.widgets._base import describe_characters, typed_text_problem

WIDGETS = Path(__file__).resolve().parents[3] / "rnnlab" / "widgets"


def test_the_message_names_every_bad_character_once_in_order():
    said = typed_text_problem("ab x\tyx b!", "abc", "the letters a to c")
    assert said == "Unknown characters ' ', 'x', '\\t', 'y', '!'. Use only the letters a to c."
    assert (
        typed_text_problem("aZ", "abc", "the letters a to c") == "Unknown character 'Z'. Use only the letters a to c."
    )
    assert typed_text_problem("a)", "()a") is None
    assert typed_text_problem("a]", "()a") == "Unknown character ']'. Use only these characters: '(', ')', 'a'."
    assert typed_text_problem("", "abc") == "Type at least one character."
    assert (
        typed_text_problem("abcz", "abc", max_len=3)
        == "Unknown character 'z'. Use only these characters: 'a', 'b', 'c'. Keep it to 3 characters (this has 4)."
    )
    assert typed_text_problem("any text at all", None) is None


def _sequence_gates(chapter):
    from rnnlab.widgets import SequenceGates

    torch.manual_seed(0)
    if chapter == 3:
        from rnnlab.tasks import BRACKET_CHARS, bracket_depths, encode

        return SequenceGates(
            nn.LSTM(len(BRACKET_CHARS), 4), encode, ["(a)"], allowed=BRACKET_CHARS, validate=bracket_depths
        ), BRACKET_CHARS
    from rnnlab.tagging import LETTERS, encode_letters

    return SequenceGates(
        nn.LSTM(len(LETTERS), 4), encode_letters, ["abc"], allowed=LETTERS, validate=encode_letters
    ), LETTERS


def _language(kind):
    from rnnlab import language_model as lm
    from rnnlab.widgets import CellViewer, NextCharExplorer

    vocab = lm.Vocab(lm.code_corpus(600, seed=0))
    model = lm.load_trained_lm(vocab)
    widget = NextCharExplorer(model, vocab, "x = ") if kind == "next" else CellViewer(model, vocab, ["x = 1"])
    return widget, vocab.chars


def _seq2seq(kind):
    from rnnlab.seq2seq import LETTERS, load_trained
    from rnnlab.widgets import AttentionMap, BeamExplorer

    widget = AttentionMap(load_trained("dot")) if kind == "attention" else BeamExplorer(load_trained(None), "abc")
    return widget, LETTERS


# each widget that takes typed text: how to make it, the box typed into, the readout that answers
CASES = {
    "SequenceGates, chapter 03": (lambda: _sequence_gates(3), "text", "status"),
    "SequenceGates, chapter 06": (lambda: _sequence_gates(6), "text", "status"),
    "NextCharExplorer": (lambda: _language("next"), "prompt", "readout"),
    "CellViewer": (lambda: _language("cells"), "text", "status"),
    "AttentionMap": (lambda: _seq2seq("attention"), "typed", "readout"),
    "BeamExplorer": (lambda: _seq2seq("beam"), "typed", "readout"),
}


@pytest.mark.parametrize("name", CASES)
def test_every_widget_names_all_bad_characters_in_the_shared_wording(name):
    make, box, readout = CASES[name]
    widget, allowed = make()
    good = getattr(widget, box).value
    bad = [c for c in "\t ~Ω€" if c not in allowed][:3]
    assert len(bad) == 3
    typed = "a" + bad[0] + "a" + bad[1] + bad[0] + bad[2] + "a"  # a repeat, whitespace inside
    getattr(widget, box).value = typed
    said = html.unescape(getattr(widget, readout).value)
    expected = widget.check(typed)
    assert expected.startswith("Unknown characters " + ", ".join(map(repr, bad)) + ". Use only "), expected
    assert expected in said, said
    getattr(widget, box).value = good or "abc"  # nothing lost: a good text shows again
    assert "Unknown character" not in html.unescape(getattr(widget, readout).value)


def test_every_widget_with_a_text_box_checks_it_with_the_shared_wording():
    """A new widget that takes typed text joins the shared wording (and the cases above)."""
    takers = set()
    for path in WIDGETS.glob("*.py"):
        tree = ast.parse(path.read_text())
        boxes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in ("Text", "Textarea")}
        calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        if boxes:
            assert "typed_text_problem" in calls, f"{path.name} takes typed text without typed_text_problem"
            takers |= {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    covered = {name.split(",")[0] for name in CASES} | {"LetterInput"}
    assert takers <= covered, takers - covered


GRAMMAR = '\n "()*+,-0123456789:<=[]abcdefghiklmnoprstuwxyz'  # chapter 09's vocabulary


def test_a_set_of_characters_is_said_in_words():
    assert describe_characters(GRAMMAR) == (
        'lower-case letters (not j, q or v), digits, space, newline and the characters " ( ) * + , - : < = [ ]'
    )
    assert describe_characters("jihgfedcba") == "the lower-case letters a to j"
    assert describe_characters("abcfxyz0123") == "lower-case letters (a to c, f and x to z) and the digits 0 to 3"
    assert describe_characters("a7-") == "the lower-case letter a, the digit 7 and the character -"
    assert describe_characters("ABCDEFGHIJKLMNOPQRSTUVWXYZ\t") == "capital letters and tab"
    assert describe_characters("()ab", most_listed=2) == "lower-case letters (a and b) and the characters ( )"
    assert describe_characters("()ab", most_listed=1) is None


def test_chapter_09s_widgets_say_which_characters_the_grammar_has():
    from rnnlab.codelm import CODE_VOCAB
    from rnnlab.widgets.language import CORPUS_CHARACTERS, typable

    widget, chars = _language("next")
    assert "".join(chars) == GRAMMAR
    widget.prompt.value = "value = 1"
    said = html.unescape(widget.readout.value)
    assert "Unknown character 'v'. Use only lower-case letters (not j, q or v), digits, space, newline" in said, said
    assert typable(CODE_VOCAB) == CORPUS_CHARACTERS  # printable ASCII: the short wording


def test_spaces_around_typed_letters_are_named_not_dropped():
    widget, _ = _seq2seq("attention")
    widget.typed.value = " abc "
    said = html.unescape(widget.readout.value)
    assert "Unknown character ' '. Use only the lower-case letters a to j." in said, said
    widget.typed.value = ""  # an emptied box: the picked example again
    assert "Unknown" not in html.unescape(widget.readout.value) and widget.pick.value in widget.readout.value


def test_chapter_03s_bracket_errors_read_as_sentences():
    widget, _ = _sequence_gates(3)
    said = {}
    for typed in (")(", "(((((a", "(a)("):
        widget.text.value = typed
        said[typed] = re.sub("<[^>]+>", "", html.unescape(widget.status.value))
    assert "Cannot show this input: It closes a bracket that is not open, at character 1 (')')." in said[")("], said
    assert (
        "Cannot show this input: It goes above depth 4, the most the counter knows, at character 5 ('(')."
        in said["(((((a"]
    ), said
    assert "Cannot show" not in said["(a)("], said


@pytest.mark.parametrize("kind", ["attention", "beam"])
def test_chapter_10_widgets_escape_what_was_typed_under_the_shared_heading(kind):
    """AttentionMap showed its problem as readout rows, unescaped ('<b>' went into the HTML as a
    tag): both chapter 10 widgets now say it as every widget does (cannot_show), escaped."""
    from rnnlab.widgets._base import cannot_show

    widget, _ = _seq2seq(kind)
    last = widget.values["text"] if kind == "attention" else widget.text
    widget.typed.value = "<b>&"
    said = widget.readout.value
    assert "<b>" not in said.replace("<b style=", "") and "'<'" not in said and "&#x27;&lt;&#x27;" in said, said
    assert cannot_show("input", widget.check("<b>&"), last) in said, said
    shown = html.unescape(re.sub(r"<[^>]+>", "", said))
    assert "Cannot show this input: Unknown characters '<', '>', '&'. Use only the lower-case letters a to j." in shown
    assert "input<b>&" in shown, "what was typed, named as typed"
    widget.typed.value = "badge"  # a valid input recovers
    assert "Cannot show" not in widget.readout.value and not widget.stale
