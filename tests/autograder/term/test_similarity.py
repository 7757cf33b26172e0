"""make similarity (issue 52, deliverable 1): pairs of students whose answers are unusually alike.

Each test writes a graded class the way grading leaves it (report.json's rows, each student's
notebook in autograded/, written with nbformat) into a course folder of its own, and calls
autograder.term.similarity directly: no grading run. The thresholds are measured again on the
course's own honest answers, and must still stand above them with the module's margin.
"""

import ast
import copy
import itertools
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import nbformat

from autograder.authoring import fixtures as F
from autograder.course.folder import REPO, assignments
from autograder.gradebook import report
from autograder.gradebook.rows import Result
from autograder.term import similarity as S

PS03 = "ps03_lstm_gates"
HOSTILE = "<img src=x onerror=alert(1)>"

# A student's own answers to ps03 (helper functions, then the exercise's function), written for
# these tests and unlike the course's solution and alternatives.
ANN = {
    "lstm_step_backward": """
def _split_gates(pre, width):
    zi, zf, zg, zo = (pre[:, k * width:(k + 1) * width] for k in range(4))
    return torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg), torch.sigmoid(zo)


def _local_grads(i, f, g, o, c_prev, squashed, d_h, d_c):
    total = d_c + d_h * o * (1 - squashed * squashed)
    parts = [total * g * i * (1 - i), total * c_prev * f * (1 - f),
             total * i * (1 - g * g), d_h * squashed * o * (1 - o)]
    return total, torch.cat(parts, dim=1)


def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh, grad_h_new, grad_c_new):
    width = h.shape[1]
    pre = torch.addmm(b_ih + b_hh, x, W_ih.t()) + h.mm(W_hh.t())
    i, f, g, o = _split_gates(pre, width)
    c_next = f * c + i * g
    squashed = torch.tanh(c_next)
    h_next = o * squashed
    total, d_pre = _local_grads(i, f, g, o, c, squashed, grad_h_new, grad_c_new)
    grads = dict(x=d_pre.mm(W_ih), h=d_pre.mm(W_hh), c=total * f, W_ih=d_pre.t().mm(x),
                 W_hh=d_pre.t().mm(h), b_ih=d_pre.sum(dim=0), b_hh=d_pre.sum(dim=0))
    return h_next, c_next, grads
""",
    "lstm_all_gates": """
def _advance(layer, x_t, h, c):
    pre = torch.addmm(layer.bias_ih_l0 + layer.bias_hh_l0, x_t, layer.weight_ih_l0.t())
    pre = pre + h.mm(layer.weight_hh_l0.t())
    i, f, g, o = pre.chunk(4, dim=1)
    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
    c = f * c + i * g
    return i, f, g, o, c, o * c.tanh()


def _start(x, hx, width):
    if hx is None:
        blank = x.new_zeros(x.shape[1], width)
        return blank, blank.clone()
    return hx[0].squeeze(0), hx[1].squeeze(0)


def lstm_all_gates(lstm, x, hx=None):
    h, c = _start(x, hx, lstm.hidden_size)
    kept = {key: [] for key in "ifgoch"}
    with torch.no_grad():
        for x_t in x.unbind(0):
            values = _advance(lstm, x_t, h, c)
            c, h = values[4], values[5]
            for key, value in zip("ifgoch", values):
                kept[key].append(value)
    return {key: torch.stack(seq) for key, seq in kept.items()}
""",
}
# what ben renamed in ann's answers
RENAMED = {
    "_split_gates": "gate_blocks",
    "pre": "z_all",
    "width": "n_hidden",
    "zi": "a1",
    "zf": "a2",
    "zg": "a3",
    "zo": "a4",
    "_local_grads": "backward_local",
    "c_prev": "old_cell",
    "squashed": "tc",
    "d_h": "gh",
    "d_c": "gc",
    "total": "dcell",
    "parts": "pieces",
    "c_next": "cell",
    "h_next": "hid",
    "d_pre": "dz",
    "grads": "result",
    "_advance": "one_step",
    "layer": "net",
    "x_t": "xt",
    "_start": "initial_state",
    "blank": "zeros",
    "kept": "history",
    "key": "gate",
    "values": "outs",
    "value": "out",
    "seq": "items",
}


def renamed(code: str) -> str:
    return re.sub(r"\b\w+\b", lambda m: RENAMED.get(m.group(0), m.group(0)), code)


def reordered(code: str) -> str:
    """The top-level definitions of `code` in the reverse order."""
    defs = [ast.get_source_segment(code, node) for node in ast.parse(code).body]
    return "\n\n\n".join(reversed(defs)) + "\n"


def release(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "release" / assignment / f"{assignment}.ipynb", as_version=4)


def make_course(root: Path, assignment: str) -> Path:
    """A course folder with the set's release and source notebooks and the course's lectures."""
    for folder in ("release", "source"):
        (root / folder / assignment).mkdir(parents=True)
        shutil.copy(REPO / folder / assignment / f"{assignment}.ipynb", root / folder / assignment)
    (root / "notebooks").symlink_to(REPO / "notebooks")
    return root


def write_class(course: Path, assignment: str, answers: dict, names: dict | None = None) -> dict:
    """Each student's notebook (the release with their answers, grade id -> code) in autograded/,
    and report.json (with report.md) listing them as graded; returns the record."""
    given = release(assignment)
    for student, cells in answers.items():
        nb = copy.deepcopy(given)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution") and gid in cells:
                cell.source = cells[gid]
        folder = course / "autograded" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
    rows = [
        {
            "student": s,
            "status": "graded",
            "name": (names or {}).get(s, ""),
            "score": 1.0,
            "max_score": 9.0,
            "final": 1.0,
        }
        for s in answers
    ]
    record = {
        "assignment": assignment,
        "finished": "2026-12-02 10:00:00",
        "students": rows,
        "earlier_students": [],
        "changes": [],
        "rejected_files": [],
        "roster_size": None,
    }
    report.write_files(course / "reports" / assignment, record)
    return record


def solution(assignment: str) -> dict:
    source = nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    return {
        c.metadata.nbgrader.grade_id: F.solution_source(c)
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def listed(findings) -> set:
    return {(p.exercise, *p.students) for p in findings.pairs}


# -- (1) a copy that renamed and reordered is found --------------------------------------------------


def test_a_renamed_and_reordered_copy_is_found_per_exercise_and_over_the_notebook(tmp_path):
    """ben handed in ann's answers with every name of theirs changed and the functions of each
    cell in the reverse order; cal handed in the instructor's solution, dee nothing but the starter
    code. ann and ben are listed on both exercises and over the notebook, and no one else."""
    course = make_course(tmp_path, PS03)
    ben = {gid: reordered(renamed(code)) for gid, code in ANN.items()}
    assert all(ben[g] != ANN[g] and "_split_gates" not in ben[g] for g in ANN)
    assert ben["lstm_step_backward"].lstrip().startswith("def lstm_step_backward(")  # the definitions moved
    write_class(course, PS03, {"ann": ANN, "ben": ben, "cal": solution(PS03), "dee": {}})
    page, found = S.run(course, PS03)
    assert found.students == ["ann", "ben", "cal", "dee"] and found.exercises == [
        "lstm_step_backward",
        "lstm_all_gates",
    ]
    assert listed(found) == {
        ("lstm_step_backward", "ann", "ben"),
        ("lstm_all_gates", "ann", "ben"),
        (S.NOTEBOOK, "ann", "ben"),
    }
    for pair in found.pairs:
        assert pair.match.alike >= 0.9 and pair.match.matched >= S.MIN_TOKENS, pair.match
    text = page.read_text()
    assert text.count("<mark>") > 6 and "accuses no one" in text
    assert "def gate_blocks(" in text and "def _split_gates(" in text  # both answers, side by side
    md = (course / "reports" / PS03 / "report.md").read_text()
    assert "## Similar submissions" in md and md.count("| ann and ben |") == 3, md


# -- (2) honest answers, short exercises --------------------------------------------------------------


def honest_answers(assignment: str) -> dict[str, list[str]]:
    """grade id -> the course's independent right answers to it: the instructor's solution and each
    alternative that answers it in code of its own (CELLS)."""
    source = nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    found = {gid: [code] for gid, code in solution(assignment).items()}
    for fx in F.fixtures_for(assignment, "alternatives"):
        given = F.answers(fx, source)
        for gid in fx.cells:
            found[gid].append(given[gid])
    return found


def test_the_thresholds_stand_above_every_honest_pair():
    """The figures the module and docs/instructor.md give, measured again: every pair of the
    course's independent right answers to an exercise, and per set a notebook made of each
    exercise's most alike honest pair. Each threshold stands at least 0.13 above what they reach."""
    pairs, notebooks, short, compared, paired = [], [], [], [], 0
    for assignment in assignments():
        bp = S.boilerplate(REPO, assignment)
        first, second = {}, {}
        for gid, codes in honest_answers(assignment).items():
            tokens = S.fingerprint(codes[0], bp).token_coverage
            if tokens < S.MIN_TOKENS:
                short.append(tokens)
                continue
            compared.append(tokens)
            best = None
            for a, b in itertools.combinations(codes, 2):
                match = S.compare(S.fingerprint(a, bp), S.fingerprint(b, bp))
                pairs.append(match.alike)
                assert not S.listed(match, S.EXERCISE_THRESHOLD), (assignment, gid, match)
                if best is None or match.alike > best[0]:
                    best = (match.alike, a, b)
            if best:
                first[gid], second[gid] = best[1:]
                paired += 1
        if not first:  # no exercise long enough to compare (docs/authoring.md's toy): no notebook to make
            continue
        match = S.compare(S.notebook(first, list(first), bp)[1], S.notebook(second, list(first), bp)[1])
        notebooks.append(match.alike)
        assert not S.listed(match, S.NOTEBOOK_THRESHOLD), (assignment, match)
    measured = {
        "exercises": len(compared),
        "exercises_with_pairs": paired,
        "exercise_pairs": len(pairs),
        "exercise_max": max(pairs),
        "notebook_pairs": len(notebooks),
        "notebook_max": max(notebooks),
        "short_tokens": max(short),
        "shortest_compared": min(compared),
    }
    assert measured == S.HONEST
    assert S.EXERCISE_THRESHOLD - max(pairs) >= 0.13 and S.NOTEBOOK_THRESHOLD - max(notebooks) >= 0.13
    assert max(short) < S.MIN_TOKENS <= min(compared)
    docs = (REPO / "docs" / "instructor.md").read_text()
    for figure in (
        f"{len(pairs)} pairs",
        f"{max(pairs):.3f}",
        f"{max(notebooks):.3f}",
        f"{S.EXERCISE_THRESHOLD:.2f}",
        f"{S.NOTEBOOK_THRESHOLD:.2f}",
        f"{S.MIN_TOKENS} characters",
    ):
        assert figure in docs, figure


def test_the_shortcut_skips_only_pairs_that_cannot_be_listed():
    """alike_pairs skips copydetect's comparison where `may_be_listed` says a pair cannot match on
    MIN_TOKENS tokens. Against copydetect's own comparison, for fingerprints that share 0 to 8
    k-grams at random places (and exactly three apart, which match on 3 K = MIN_TOKENS tokens):
    every pair skipped matches on fewer tokens, and the pairs sharing one or two are skipped."""
    import random

    def fp(hashes_at, length=400):
        idx: dict = {}
        for place, h in hashes_at:
            idx.setdefault(h, []).append(place)
        return SimpleNamespace(
            hashes=set(idx), hash_idx=idx, k=S.K, filtered_code="t" * length, offsets=[], token_coverage=length
        )

    a = fp([(p, f"a{p}") for p in range(375)])
    rng = random.Random(7)
    shared = [[0, 100, 200]] + [sorted(rng.sample(range(375), rng.randint(0, 8))) for _ in range(400)]
    skipped = set()
    for places in shared:
        b = fp([(p, f"a{p}") for p in places] + [(p, f"b{p}") for p in range(300)])
        matched = S.compare(a, b).matched
        if not S.may_be_listed(a, b):
            skipped.add(len(places))
            assert matched < S.MIN_TOKENS, (places, matched)
    assert S.compare(a, fp([(p, f"a{p}") for p in (0, 100, 200)])).matched == S.MIN_TOKENS
    assert {0, 1, 2} <= skipped, skipped


def test_honest_students_of_a_short_exercise_are_not_listed(tmp_path, monkeypatch):
    """Two students answer ps09's short masked_perplexity, one with the instructor's solution, one
    with the course's alternative, and give the same quiz answers (which the tokeniser makes the
    same tokens whatever the letters): no pair. The control: without the rule on short answers
    (MIN_TOKENS 0) the quiz makes them a pair."""
    assignment = next(a for a in assignments() if a.startswith("ps09"))
    course = make_course(tmp_path, assignment)
    honest = honest_answers(assignment)
    assert len(honest["masked_perplexity"]) >= 2
    quiz = solution(assignment)["quiz"]
    write_class(
        course,
        assignment,
        {
            "sol": {"masked_perplexity": honest["masked_perplexity"][0], "quiz": quiz},
            "alt": {"masked_perplexity": honest["masked_perplexity"][1], "quiz": quiz.replace('"b"', '"c"')},
        },
    )
    _, found = S.run(course, assignment)
    assert found.students == ["alt", "sol"] and "quiz" in found.short and not found.pairs
    monkeypatch.setattr(S, "MIN_TOKENS", 0)
    _, found = S.run(course, assignment)
    assert ("quiz", "alt", "sol") in listed(found)


# -- (3) the course's own code is no evidence -------------------------------------------------------


def test_starter_and_lecture_code_alone_make_no_pair(tmp_path, monkeypatch):
    """Two students leave the starter code; two answer each exercise with the lecture's own cell
    (lecture 03's LSTM step and its gate trace), one pasted alone, one under the starter's `def`
    line and docstring: no pair. The control: with no boilerplate, those two are listed."""
    course = make_course(tmp_path, PS03)
    lecture = {
        "lstm_step_backward": F.lecture_cell("03_lstm_gates", "cell = nn.LSTMCell(3, 5)"),
        "lstm_all_gates": F.lecture_cell("03_lstm_gates", "trace = lstm_gates(model.lstm, x_test)"),
    }
    starter = S.answer_cells(release(PS03))
    under = {gid: starter[gid].split("# YOUR CODE HERE")[0] + code for gid, code in lecture.items()}
    write_class(course, PS03, {"blank1": {}, "blank2": {}, "lecture1": lecture, "lecture2": under})
    _, found = S.run(course, PS03)
    assert len(found.students) == 4 and not found.pairs, found.pairs
    monkeypatch.setattr(S, "boilerplate", lambda course, assignment: set())
    _, found = S.run(course, PS03)
    assert {("lstm_step_backward", "lecture1", "lecture2"), (S.NOTEBOOK, "lecture1", "lecture2")} <= listed(found)


# -- (4) escaping ---------------------------------------------------------------------------------------


def test_a_students_id_name_and_code_are_text_in_the_page_and_the_report(tmp_path):
    """A student whose id, name and code hold an <img onerror>, listed with the one they copied:
    the page has no <img> and no on... attribute, and shows each as text; report.md's section
    escapes the id and the name for markdown."""
    course = make_course(tmp_path, PS03)
    hostile = {gid: f"# {HOSTILE}\nnote = '{HOSTILE}'\n{code}" for gid, code in ANN.items()}
    write_class(course, PS03, {HOSTILE: hostile, "ben": ANN}, names={HOSTILE: HOSTILE, "ben": "Ben </td><b>"})
    page, found = S.run(course, PS03)
    assert (S.NOTEBOOK, HOSTILE, "ben") in listed(found)
    from rendered_text import elements

    parsed = elements(page.read_text())
    assert not [t for t, _ in parsed.tags if t in ("img", "b", "script")], parsed.tags
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    shown = "".join(parsed.text)
    assert shown.count(HOSTILE) >= 8 and "Ben </td><b>" in shown  # id, name, code, as text
    md = (course / "reports" / PS03 / "report.md").read_text()
    section = md.split("## Similar submissions", 1)[1]
    assert HOSTILE not in section and r"\<img src=x onerror=alert(1)\>" in section
    assert r"Ben \</td\>\<b\>" in section


# -- (5) one record: report.json ---------------------------------------------------------------------


def test_the_section_survives_a_refresh_and_a_new_grading_run_dates_it(tmp_path):
    """make similarity keeps its findings in report.json; a refresh (make due, make feedback ...)
    writes report.md again from it with the section, and a later grading run keeps it with a
    sentence saying the class was graded again since."""
    course = make_course(tmp_path, PS03)
    shutil.copy(REPO / "nbgrader_config.py", course)  # the late policy the scores are derived with
    ben = {gid: renamed(code) for gid, code in ANN.items()}
    write_class(course, PS03, {"ann": ANN, "ben": ben})
    S.run(course, PS03)
    out = course / "reports" / PS03
    stored = json.loads((out / "report.json").read_text())["similarity"]
    assert len(stored["pairs"]) == 3 and stored["graded"] == "2026-12-02 10:00:00"
    (out / "report.md").write_text("# stale\n")
    assert report.refresh(course, PS03)
    md = (out / "report.md").read_text()
    assert "## Similar submissions" in md and md.count("| ann and ben |") == 3 and "graded again" not in md
    rows = [Result(s, "graded", score=1.0, max_score=9.0) for s in ("ann", "ben")]
    report.write_run(course, PS03, rows, submissions=course / "submitted", sandboxed=True, jobs=1, seconds=1.0)
    md = (out / "report.md").read_text()
    assert md.count("| ann and ben |") == 3 and "The class was graded again since" in md, md


def test_the_command_says_where_the_page_is_and_how_many_pairs(tmp_path, capsys):
    """python -m autograder similarity (make similarity): the page, the count, report.md; a set
    not graded yet is refused in one sentence."""
    from autograder.__main__ import main

    course = make_course(tmp_path, PS03)
    assert main(["similarity", "ps03", "--course", str(course)]) == 2
    assert "has not been graded" in capsys.readouterr().err
    write_class(course, PS03, {"ann": ANN, "ben": {gid: renamed(code) for gid, code in ANN.items()}, "cal": {}})
    assert main(["similarity", "ps03", "--course", str(course)]) == 0
    said = capsys.readouterr().out
    assert "3 student(s) compared: 3 pair(s) listed" in said and str(course / "reports" / PS03 / S.PAGE) in said


def test_a_course_without_lectures_or_release_takes_the_repositorys(tmp_path):
    """A demo course (make demo-class) has no notebooks/ and, before its first grading, no
    release/: `python -m autograder similarity ps03 --course demo-class/ps03_lstm_gates` failed with
    a FileNotFoundError. The repository's lectures and release notebook are what its students had."""
    assignment = "ps03_lstm_gates"
    course = tmp_path / "demo"
    (course / "source").mkdir(parents=True)
    assert S.boilerplate(course, assignment) == S.boilerplate(REPO, assignment)
    assert S.given(course, "release") == REPO / "release"
    (course / "release").mkdir()
    assert S.given(course, "release") == course / "release"


def test_code_a_hint_gives_is_boilerplate():
    """A hint's <code> line is given to every student, so its fingerprints are boilerplate (as the
    starter code's are), and they come from the hint: no code cell of the set or a lecture has them.
    (A fingerprint is 25 characters: k-grams that reach past a short given line into the answer's
    own code still count, so one line given in a hint lowers a pair's figure only a little.)"""
    line = 'torch.tensor(float("-inf")) - float("-inf")'
    release = REPO / "release" / "ps11_parallel_recurrence" / "ps11_parallel_recurrence.ipynb"
    assert line in S.text_code(release)
    given = S.fingerprint(line).hashes
    assert given and given <= S.boilerplate(REPO, "ps11_parallel_recurrence")
    lectures = tuple((p.resolve(), p.stat().st_mtime_ns) for p in sorted((REPO / "notebooks").glob("*.ipynb")))
    cells = set().union(S._lecture_prints(lectures), *(S.fingerprint(c).hashes for c in S.code_cells(release)))
    assert not given <= cells
