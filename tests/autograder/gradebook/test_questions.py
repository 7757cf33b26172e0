"""Question statistics (issue 52, deliverable 2): each graded item's share right, mean, point-biserial
discrimination, most common wrong answer or named mistake, and flags, from the gradebook now, in
report.md (after every refresh) and in reports/<set>/questions.html with its plot.

The class is made up, without a kernel: ps03 is generated into a temporary course's gradebook by
nbgrader, each student's grades are set in the gradebook, their graded notebook is the released
one with their own quiz cell (written with nbformat), and report.json's rows carry their
diagnoses. The expected figures are computed here independently (numpy, scipy).
"""

import base64
import io
import json
import re
import shutil
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest
from scipy.stats import pointbiserialr

from autograder.authoring import fixtures as F
from rendered_text import elements, markdown_renderers

A = "ps03_lstm_gates"
CODE = ("lstm_step_backward_visible", "lstm_step_backward_hidden", "lstm_all_gates_visible", "lstm_all_gates_hidden")
POINTS = {
    "lstm_step_backward_visible": 2,
    "lstm_step_backward_hidden": 6,
    "lstm_all_gates_visible": 2,
    "lstm_all_gates_hidden": 6,
    "quiz_q1": 1,
    "quiz_q2": 1,
    "quiz_q3": 1,
    "explain_forget": 3,
}
KEY = {"q1": "c", "q2": "b", "q3": "c"}
HOSTILE_LETTER = "<script>alert(1)</script>|*x*"
HOSTILE_ID = "eve<img src=x onerror=alert(1)>"
# student: (points of CODE, quiz letters (None: a quiz cell that is not a dict literal), diagnoses)
CLASS = {
    "ada": ((2, 6, 2, 6), ("c", "a", HOSTILE_LETTER), {}),
    "ben": ((2, 6, 2, 6), ("c", "a", HOSTILE_LETTER), {}),
    "cai": ((2, 6, 2, 0), ("c", "d", HOSTILE_LETTER), {"lstm_all_gates": ""}),
    "dee": ((2, 0, 2, 6), ("c", "a", "d"), {"lstm_step_backward": "step-gate-order"}),
    "eli": ((2, 0, 2, 0), ("c", "d", "c"), {"lstm_step_backward": "step-gate-order", "lstm_all_gates": ""}),
    "fay": ((0, 0, 2, 0), ("c", "a", "c"), {"lstm_step_backward": "step-bias-mean", "lstm_all_gates": ""}),
    "gus": ((0, 0, 0, 0), ("c", "", "c"), {"lstm_step_backward": "", "lstm_all_gates": ""}),
    HOSTILE_ID: ((2, 6, 2, 6), None, {}),
}
# in the gradebook, not counted: a failed run's leftover, and a grader error
NOT_COUNTED = {"zed": "failed", "yan": "graded"}
UNREADABLE_CELL = 'quiz_answers = dict(q1="c", q2="x", q3="y")   # not a literal: nbgrader ran it, we do not'


def _quiz_points(letters, student):
    if letters is None:  # the grader ran the cell: say q1 was right, q2 and q3 not
        return {"quiz_q1": 1, "quiz_q2": 0, "quiz_q3": 0}
    return {f"quiz_{q}": int(letter == KEY[q]) for q, letter in zip(("q1", "q2", "q3"), letters)}


def _points(student) -> dict:
    code, letters, _ = CLASS[student]
    return {**dict(zip(CODE, code)), **_quiz_points(letters, student)}


def _make_class(course: Path) -> None:
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI

    from autograder.grading.worker import course_config

    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(course)
        assert NbGraderAPI(config=course_config(course)).generate_assignment(A, force=True, create=True)["success"]
    release = nbformat.read(course / "release" / A / f"{A}.ipynb", 4)
    everyone = {**{s: _points(s) for s in CLASS}, **{s: {c: POINTS[c] for c in POINTS} for s in NOT_COUNTED}}
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        warnings.simplefilter("ignore")  # SQLAlchemy's notes on nbgrader's add_submission
        for student, points in everyone.items():
            gb.update_or_create_student(student)
            gb.add_submission(A, student)
            for cell, score in points.items():
                grade = gb.find_grade(cell, A, A, student)
                grade.auto_score, grade.needs_manual_grade = float(score), False
            gb.find_grade("explain_forget", A, A, student).needs_manual_grade = True  # to grade by hand
        gb.db.commit()
    for student, (_, letters, _) in CLASS.items():
        nb = nbformat.from_dict(json.loads(json.dumps(release)))
        quiz = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "quiz")
        quiz.source = (
            UNREADABLE_CELL if letters is None else "quiz_answers = " + repr(dict(zip(("q1", "q2", "q3"), letters)))
        )
        (course / "autograded" / student / A).mkdir(parents=True)
        nbformat.write(nb, course / "autograded" / student / A / f"{A}.ipynb")
    rows = [
        {"student": s, "status": "graded", "score": 0.0, "max_score": 25.0, "diagnoses": d}
        for s, (_, _, d) in CLASS.items()
    ]
    rows += [
        {"student": "zed", "status": "failed", "reason": "a test timed out"},
        {"student": "yan", "status": "failed", "grader_error": True},
    ]
    reports = course / "reports" / A
    reports.mkdir(parents=True)
    (reports / "report.json").write_text(json.dumps({"assignment": A, "students": rows, "earlier_students": []}))


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    course = F.make_course(tmp_path_factory.mktemp("questions") / "course", [A])
    _make_class(course)
    return course


@pytest.fixture
def course(made, tmp_path) -> Path:
    """A copy of the made-up class for each test (a hand grade changes its gradebook)."""
    return Path(shutil.copytree(made, tmp_path / "course"))


def _expected(item: str, students=tuple(CLASS)) -> dict:
    """An item's figures computed here: numpy for the shares, scipy for the point-biserial r."""
    scores = np.array([_points(s)[item] for s in students], float)
    totals = np.array([sum(_points(s).values()) for s in students], float)
    got = (scores >= POINTS[item]).astype(int)
    r = None if got.min() == got.max() else pointbiserialr(got, totals - scores).statistic
    return {"share_right": got.mean(), "mean_share": (scores / POINTS[item]).mean(), "discrimination": r}


def _stats(course):
    from autograder.term.questions import stats_of

    return {i["name"]: i for i in stats_of(course, A)["items"]}, stats_of(course, A)


def test_each_item_has_the_figures_computed_independently(course):
    items, stats = _stats(course)
    assert stats["students"] == len(CLASS)  # not zed (failed), nor yan (grader error)
    assert list(items) == [
        "lstm_step_backward_visible",
        "lstm_step_backward_hidden",
        "lstm_all_gates_visible",
        "lstm_all_gates_hidden",
        "quiz_q1",
        "quiz_q2",
        "quiz_q3",
        "explain_forget",
    ]
    assert {n: i["kind"] for n, i in items.items()} == {
        "lstm_step_backward_visible": "visible test",
        "lstm_step_backward_hidden": "hidden test",
        "lstm_all_gates_visible": "visible test",
        "lstm_all_gates_hidden": "hidden test",
        "quiz_q1": "quiz",
        "quiz_q2": "quiz",
        "quiz_q3": "quiz",
        "explain_forget": "hand-graded",
    }
    for name in POINTS:
        if name == "explain_forget":
            continue
        want = _expected(name)
        assert items[name]["share_right"] == pytest.approx(want["share_right"]), name
        assert items[name]["mean_share"] == pytest.approx(want["mean_share"]), name
        if want["discrimination"] is None:
            assert items[name]["discrimination"] is None and items[name]["no_discrimination"].startswith("no variance")
        else:
            assert items[name]["discrimination"] == pytest.approx(want["discrimination"], abs=1e-12), name
    # the rest of the score, not the total: with the item inside, q3 would look less negative
    scores = np.array([_points(s)["quiz_q3"] for s in CLASS], float)
    totals = np.array([sum(_points(s).values()) for s in CLASS], float)
    assert items["quiz_q3"]["discrimination"] != pytest.approx(np.corrcoef(scores, totals)[0, 1])
    assert (
        items["explain_forget"]["students"],
        items["explain_forget"]["pending"],
        items["explain_forget"]["share_right"],
    ) == (0, len(CLASS), None)


def test_wrong_letters_named_mistakes_and_flags(course):
    items, stats = _stats(course)
    q2, q3 = items["quiz_q2"], items["quiz_q3"]
    assert (q2["key"], q2["wrong_answer"], q2["wrong_count"], q2["wrong_total"]) == ("b", "a", 4, 6)  # gus: blank
    assert (q3["key"], q3["wrong_answer"], q3["wrong_count"], q3["wrong_total"]) == ("c", HOSTILE_LETTER, 3, 4)
    assert items["quiz_q1"]["wrong_answer"] == "" and items["quiz_q1"]["key"] == "c"
    assert stats["unreadable"] == [HOSTILE_ID]
    step = items["lstm_step_backward_hidden"]
    assert (step["exercise"], step["mistake"], step["mistake_count"], step["missed_diagnosed"]) == (
        "lstm_step_backward",
        "step-gate-order",
        2,
        4,
    )
    assert (
        items["lstm_step_backward_visible"]["mistake"],
        items["lstm_step_backward_visible"]["missed_diagnosed"],
    ) == (
        "step-bias-mean",
        2,
    )
    gates = items["lstm_all_gates_hidden"]
    assert (gates["mistake"], gates["missed_diagnosed"]) == ("", 4)  # none recognised
    assert {n: i["flags"] for n, i in items.items() if i["flags"]} == {
        "quiz_q1": ["everybody got it"],
        "quiz_q2": ["nobody got it"],
        "quiz_q3": ["negative discrimination"],
    }


def test_too_few_students_or_no_variance_give_no_correlation():
    from autograder.gradebook.questions import point_biserial

    assert point_biserial([1, 0, 1, 0], [3, 1, 2, 0]) == (None, "fewer than 5 students")
    assert point_biserial([1, 1, 1, 1, 1], [3, 1, 2, 0, 4])[1] == "no variance: everybody got it"
    assert point_biserial([0, 0, 0, 0, 0], [3, 1, 2, 0, 4])[1] == "no variance: nobody got it"
    assert point_biserial([1, 0, 1, 0, 1], [2, 2, 2, 2, 2])[1] == "no variance in the rest of the score"
    got, rest = [1, 0, 1, 0, 0, 1], [9.0, 1.0, 4.0, 5.0, 2.0, 3.0]
    assert point_biserial(got, rest)[0] == pytest.approx(pointbiserialr(got, rest).statistic)


def test_a_quiz_cell_is_read_never_run(tmp_path):
    from autograder.gradebook.questions import quiz_answers

    marker = tmp_path / "ran"
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            f'quiz_answers = {{"q1": "b", "q2": __import__("pathlib").Path({str(marker)!r}).touch(), "q3": 3}}\n'
            'quiz_answers["q3"] = "d"\n',
            metadata={"nbgrader": {"grade_id": "quiz"}},
        )
    ]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    assert quiz_answers(tmp_path / "nb.ipynb") == {"q1": "b", "q2": "?", "q3": "d"}
    assert not marker.exists()
    nb.cells[0].source = "quiz_answers = {"
    nbformat.write(nb, tmp_path / "nb.ipynb")
    assert quiz_answers(tmp_path / "nb.ipynb") is None


@pytest.mark.parametrize(
    "code",
    [
        'for k, v in zip(["q1", "q2", "q3"], "bca"):\n    quiz_answers[k] = v\n',
        'quiz_answers.update(q1="b")\n',
        'for k in quiz_answers:\n    pass\nquiz_answers[k] = "b"\n',
        'if True:\n    quiz_answers["q1"] = "b"\n',
        'quiz_answers |= {"q1": "b"}\n',
        'x = quiz_answers.pop("q1")\n',
    ],
)
def test_answers_set_by_code_are_unreadable_not_blank(tmp_path, code):
    """A dict filled in by a loop or a call after the given literal (written by a student who had
    not seen this code) was read as the literal's blanks: a wrong answer counted under none. Any
    statement that may change quiz_answers makes the cell unreadable; a check that only reads it
    (check_choices, print) does not."""
    from autograder.gradebook.questions import quiz_answers

    nb = nbformat.v4.new_notebook()
    given = 'quiz_answers = {"q1": "", "q2": "", "q3": ""}\n'
    nb.cells = [nbformat.v4.new_code_cell(given + code, metadata={"nbgrader": {"grade_id": "quiz"}})]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    assert quiz_answers(tmp_path / "nb.ipynb") is None
    nb.cells[0].source = (
        given + 'quiz_answers["q1"] = "b"\ncheck_choices(quiz_answers, {"q1": "abcd"})\nprint(quiz_answers)\n'
    )
    nbformat.write(nb, tmp_path / "nb.ipynb")
    assert quiz_answers(tmp_path / "nb.ipynb") == {"q1": "b", "q2": "", "q3": ""}


def test_a_tie_for_the_most_common_wrong_answer_is_said():
    """Four wrong answers given once each: the one shown is not 'the most common' alone."""
    from collections import Counter

    from autograder.gradebook.questions import _most_common
    from autograder.gradebook.report import common_error

    assert _most_common(Counter({"d": 1, "8:12": 1, "a": 1, "c": 1})) == ("8:12", 1, 3)
    assert _most_common(Counter({"d": 1, "a": 2})) == ("a", 2, 0)
    item = {"key": "b", "wrong_answer": "8:12", "wrong_count": 1, "wrong_total": 4, "wrong_tied": 3}
    assert common_error(item) == "8:12 (1 of 4 wrong answers, as often as 3 other answers; key b)"
    assert common_error({**item, "wrong_tied": 0}) == "8:12 (1 of 4 wrong answers; key b)"


def _section(report_md: str) -> dict[str, list[str]]:
    """report.md's question statistics table: item -> its cells."""
    part = report_md.split("## Question statistics", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in part.splitlines() if line.startswith("| ") and not line.startswith("| item")]
    return {
        re.split(r"(?<!\\)\|", r)[1].strip().replace("\\_", "_"): [c.strip() for c in re.split(r"(?<!\\)\|", r)[2:-1]]
        for r in rows
    }


def test_the_report_section_follows_a_later_hand_grade(course):
    from autograder.gradebook.report import refresh
    from autograder.term.handgrade import HandGrading

    assert refresh(course, A)
    md = (course / "reports" / A / "report.md").read_text()
    table = _section(md)
    assert len(table) == len(POINTS)
    assert table["quiz_q2"][3:] == [
        "0%",
        "0%",
        "- (no variance: nobody got it)",
        "a (4 of 6 wrong answers; key b)",
        "**nobody got it**",
    ]
    want = _expected("quiz_q3")
    assert (
        table["quiz_q3"][5] == f"{want['discrimination']:+.2f}" and table["quiz_q3"][7] == "**negative discrimination**"
    )
    assert table["lstm_step_backward_hidden"][6].startswith("step-gate-order (2 of 4")
    assert table["explain_forget"][2:5] == [f"0 ({len(CLASS)} to grade)", "-", "-"]
    # escaped: the hostile letter and student id show as text, never as HTML or a table cell break
    section = md.split("## Question statistics", 1)[1]  # (nbconvert gives its own heading an anchor link)
    for name, render in markdown_renderers().items():  # as markdown-it and nbconvert show it
        found = elements(render(section))
        assert {tag for tag, _ in found.tags} <= {
            "p",
            "em",
            "code",
            "strong",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
        }, name
        shown = "".join(found.text)
        assert f"{HOSTILE_LETTER} (3 of 4 wrong answers; key c)" in shown and f"{HOSTILE_ID}." in shown, name

    status, reply = HandGrading(course, A).save("explain_forget", "ada", "3", "clear")  # make hand-grade's save
    assert status == 200, reply
    table = _section((course / "reports" / A / "report.md").read_text())
    assert table["explain_forget"][2:5] == [f"1 ({len(CLASS) - 1} to grade)", "100%", "100%"]
    assert table["explain_forget"][7] == "**everybody got it**"


def test_the_page_plots_every_graded_item_and_escapes_what_students_wrote(course, monkeypatch, capsys):
    import matplotlib.image

    from autograder.__main__ import main
    from autograder.term import questions

    drawn = []
    real_draw = questions.draw
    monkeypatch.setattr(questions, "draw", lambda items, title: drawn.append(real_draw(items, title)) or drawn[-1])
    assert main(["questions", "ps03", "--course", str(course)]) == 0
    out = capsys.readouterr().out
    assert "8 item(s) over 8 graded student(s)" in out and "3 flagged" in out
    page = (course / "reports" / A / "questions.html").read_text()
    (fig,) = drawn
    ax = fig.axes[0]
    points = np.concatenate([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    labels = [t.get_text() for t in ax.texts]
    plotted = [n for n in POINTS if n != "explain_forget"]  # nobody graded on it yet
    assert sorted(labels) == sorted(plotted) and len(points) == len(plotted)
    for name in plotted:
        want = _expected(name)
        xy = (want["share_right"], 0.0 if want["discrimination"] is None else want["discrimination"])
        assert any(np.allclose(p, xy) for p in points), name
    # the page's image is that figure
    embedded = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)[1]
    image = matplotlib.image.imread(io.BytesIO(base64.b64decode(embedded)), format="png")
    assert np.array_equal(image, matplotlib.image.imread(io.BytesIO(questions.png(fig)), format="png"))
    assert "Not plotted (nobody graded on it yet): explain_forget" in page
    # escaped
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|*x*" in page
    assert html_id() in page
    assert page.count("<tr>") == len(POINTS) + 1
    # report.md was written again too
    assert "## Question statistics" in (course / "reports" / A / "report.md").read_text()


def html_id() -> str:
    import html

    return html.escape(HOSTILE_ID)


def test_a_set_not_graded_yet_is_refused_in_one_line(tmp_path, capsys):
    from autograder.__main__ import main

    course = F.make_course(tmp_path / "c", [A])
    assert main(["questions", "ps03", "--course", str(course)]) == 2
    assert "has not been graded" in capsys.readouterr().err
