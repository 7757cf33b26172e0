"""Issue 78 §2, guard 3: no graded answer is written out in what students get.

Every solution cell of every set is compared with every function and class of the student package,
every code cell of the lectures and the cheat sheet, and the code that any notebook's text gives (the
problem sets' hints included), with the fingerprints `make similarity` uses
(autograder.term.similarity: copydetect, K = 25 normalised characters, every k-gram kept). What the
release notebook itself shows (the answer cell's stub, the setup, the visible tests) is left out of the
answer first, as `make similarity` leaves it out: it is given, not answered. The figure is the share of
the answer found in one piece of the distribution.

THRESHOLD, from the figures of main at cc346b6: 36 solution cells against 936 pieces long enough to
matter, 163 pairs sharing any fingerprint. Three pairs are answers written out in what students get:
ps04's SpamClassifier in lecture 04's classifier cell (0.83: the lecture's class plus one gather), ps11's
log_scan in rnnlab.minrnn (0.78) and ps04's Forecaster in the same lecture cell (0.77). The other 160
pairs have a median of 0.17, a 90th percentile of 0.27 and a maximum of 0.64 (ps04's classifier against
rnnlab.classify's, and its forecaster against its lecture's: nn.Modules of one chapter with the same
layers); pairs of different chapters stay at or below 0.53 (ps04's forecaster against chapter 02's model
class: the layout every nn.Module shares). Independent right answers to one exercise reach 0.45
(autograder.term.similarity.HONEST). 0.70 leaves a margin of about 0.06 to either group. The package's
own functions pasted as answers (the library copies' objects, renamed) all score 1.0:
`test_a_pasted_package_function_is_found` holds that. A rewritten answer that differs from the package
in its text but not in what it computes (today's ps07 rnn_backward, ps08 confusion_counts, ps11 MinGRU,
all below 0.26 here) is guard 1's to catch: its library copy must lose points.
"""

import ast
import functools
import importlib
import inspect
import textwrap

import pytest

from autograder.authoring import fixtures as F
from autograder.course.folder import REPO, assignments
from autograder.term import similarity as S
from quiz_cells import source_nb

THRESHOLD = 0.70
# answers still written out in what students get, each failing (strict xfail) until its exercise is rewritten
WRITTEN_OUT = {
    ("ps04_using_lstm", "spam_classifier"): "0.83 of it in lecture 04's classifier cell: the class plus one gather",
    ("ps04_using_lstm", "forecaster"): "0.77 of it in the same cell",
}
# a piece shorter than this many characters cannot hold 0.70 of the shortest answer (80 normalised
# characters once its stub is left out): it is not fingerprinted
SHORTEST = 56
ASSIGNMENTS = assignments()


def answer_cells(a):
    """grade id -> the instructor's answer, for every code exercise of set `a`."""
    return {
        c.metadata.nbgrader["grade_id"]: F.solution_source(c)
        for c in source_nb(a).cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("solution")
        and c.metadata.nbgrader["grade_id"] != "quiz"
    }


def given_pieces():
    """(where, code) of every function and class of the student package, every code cell of the lectures and
    the cheat sheet, and the code the text of every lecture and released problem set gives (hints)."""
    pieces = []
    for path in sorted((REPO / "rnnlab").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.parse(text).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                pieces.append((f"{path.relative_to(REPO)}:{node.name}", "\n".join(lines[first - 1 : node.end_lineno])))
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        pieces += [(f"notebooks/{path.name} code cell {k}", code) for k, code in enumerate(S.code_cells(path))]
        pieces += [(f"notebooks/{path.name} text code {k}", code) for k, code in enumerate(S.text_code(path))]
    for a in ASSIGNMENTS:
        release = REPO / "release" / a / f"{a}.ipynb"
        pieces += [(f"release/{a} text code {k}", code) for k, code in enumerate(S.text_code(release))]
    return [(where, code) for where, code in pieces if len(code) >= SHORTEST]


@functools.cache
def given_prints():
    return [(where, S.fingerprint(code)) for where, code in given_pieces()]


@functools.cache
def shown(a):
    """The fingerprints of what set a's release notebook shows in code (stubs, setup, visible tests)."""
    release = REPO / "release" / a / f"{a}.ipynb"
    return frozenset().union(*(S.fingerprint(code).hashes for code in S.code_cells(release)))


def found_in_given(a, code):
    """(share of `code` found in one piece, that piece), the largest, for an answer to set `a`."""
    mine = S.fingerprint(code, shown(a))
    best = (0.0, "")
    for where, piece in given_prints():
        if mine.hashes & piece.hashes:
            best = max(best, (S.compare(mine, piece).shares[0], where))
    return best


ANSWER_CELLS = [(a, ex) for a in ASSIGNMENTS for ex in answer_cells(a)]


@pytest.mark.parametrize(
    "a, ex",
    [
        pytest.param(*key, marks=pytest.mark.xfail(strict=True, reason=WRITTEN_OUT[key])) if key in WRITTEN_OUT else key
        for key in ANSWER_CELLS
    ],
)
def test_no_answer_is_in_what_students_get(a, ex):
    share, where = found_in_given(a, answer_cells(a)[ex])
    assert share < THRESHOLD, f"{a}:{ex}: {share:.2f} of the answer is in {where} (the limit is {THRESHOLD})"


def test_a_pasted_package_function_is_found():
    """The positive control: every library copy's answer (the package's own source, renamed) is found."""
    missed = []
    for a in ASSIGNMENTS:
        for fx in F.fixtures_for(a, "copies"):
            for dotted, name in (fx.library or {}).items():
                module, _, attr = dotted.rpartition(".")
                code = F.renamed(
                    textwrap.dedent(inspect.getsource(getattr(importlib.import_module(module), attr))), name
                )
                share, where = found_in_given(a, code)
                if share < THRESHOLD:
                    missed.append((fx.name, dotted, share, where))
    assert not missed, missed


def test_the_pieces_are_what_students_read():
    """A check of the reader: it finds the package's functions, lecture cells, the cheat sheet and the hints."""
    where = [w for w, _ in given_pieces()]
    assert "rnnlab/minrnn.py:log_scan" in where and "rnnlab/bptt.py:rnn_backward" in where
    assert any(w.startswith("notebooks/cheatsheet.ipynb") for w in where)
    assert any(w.startswith("notebooks/04_using_lstm.ipynb code cell") for w in where)
    assert any(w.startswith("release/ps10_seq2seq_attention text code") for w in where)  # its hints
