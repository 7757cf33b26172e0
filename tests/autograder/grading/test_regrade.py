"""Grading a class again (issue 30): hand grades of unchanged answers stay graded, changed answers
are marked for another look."""

import shutil

import nbformat
import pytest

from autograder.authoring import fixtures as F
from autograder.grading.run import Options, grade_class

A = "ps01_sequence_data"
EXPLAIN = "explain_split"


def test_score_changes_name_each_student_whose_score_moved():
    from autograder.gradebook.report import baseline, score_changes

    previous = {
        "students": [
            {"student": "a", "score": 5.0},
            {"student": "b", "score": 7.0},
            {"student": "c", "score": None, "grader_error": "x"},
            "junk",
        ]
    }
    now = [
        {"student": "a", "score": 5.0},
        {"student": "b", "score": 4.5},
        {"student": "c", "score": 3.0},
        {"student": "d", "score": 1.0},
        {"student": "e", "score": 2.0, "grader_error": True},
    ]
    assert score_changes(baseline(previous, None), now) == [("b", 7.0, 4.5)]
    assert score_changes(baseline({}, None), now) == []
    # a student of an earlier run (a regrade's other pass) counts too
    assert score_changes(baseline({"earlier_students": [{"student": "b", "score": 7.0}]}, None), now) == [
        ("b", 7.0, 4.5)
    ]
    # a hand grade given since the last run is not a change of this run: the gradebook's score counts
    assert score_changes(baseline(previous, {"a": 5.0, "b": 4.5}), now) == []
    assert score_changes({"e": 1.0}, now) == []  # a grader error is no score


def _report(course):
    import json

    return json.loads((course / "reports" / A / "report.json").read_text())


@pytest.mark.grading
def test_a_regrade_keeps_hand_grades_of_unchanged_answers(tmp_path):
    from nbgrader.api import Gradebook

    course, class_ = F.course_with_class(tmp_path, A, [F.SOLUTION])
    shutil.copytree(class_ / "solution", class_ / "changed")

    run = grade_class(A, class_, course=course, options=Options(jobs=1), log=lambda *a: None)
    first = run.rows
    assert run.changes == []
    assert first["solution"].needs_manual == [EXPLAIN] == first["changed"].needs_manual
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:  # the instructor grades by hand
        for student in ("solution", "changed"):
            g = gb.find_grade(EXPLAIN, A, A, student)
            g.manual_score, g.needs_manual_grade = 2.0, False
        gb.db.commit()
    path = class_ / "changed" / f"{A}.ipynb"
    nb = nbformat.read(path, 4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == EXPLAIN)
    cell.source += "\n\nAnd a sentence added after the hand grade."
    nbformat.write(nb, path)
    source = course / "source" / A / f"{A}.ipynb"  # and a key fix: the first quiz question is worth 2
    src = nbformat.read(source, 4)
    next(
        c for c in src.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "quiz_q1"
    ).metadata.nbgrader.points = 2
    nbformat.write(src, source)

    from autograder.__main__ import main  # what make regrade runs

    assert main(["regrade", A, "--course", str(course), "--jobs", "1"]) == 0
    report = _report(course)
    again = {r["student"]: r for r in report["students"]}
    assert again["solution"]["needs_manual"] == [], "an unchanged, hand-graded answer reads 'needs grading' again"
    assert again["solution"]["score"] == first["solution"].score + 2 + 1
    assert again["changed"]["needs_manual"] == [EXPLAIN], "a changed answer must be looked at again"
    # the report says whose score the fix changed, and by how much: from the gradebook's score before
    # the regrade (hand grades included; they are not the regrade's change)
    old, new = first["solution"].score + 2, again["solution"]["score"]
    assert sorted(map(tuple, report["changes"])) == [("changed", old, new), ("solution", old, new)]
    text = (course / "reports" / A / "report.md").read_text()
    assert "## Scores changed since the last run" in text
    assert f"| solution | {old:g} | {new:g} | +1 |" in text


@pytest.mark.grading
def test_a_regrade_over_two_downloads_lists_only_net_changes(tmp_path, capsys):
    """A student in two downloads (the class, then a late resubmission) is graded in both passes of
    a regrade: the first pass moved their score and the second moved it back, and the report said
    "bob +20" with 20 before and after. Changes are from before the regrade to after its last pass."""
    from autograder.__main__ import main

    course, first = F.course_with_class(tmp_path, A, [F.SOLUTION])
    release = nbformat.read(F.REPO / "release" / A / f"{A}.ipynb", 4)
    source = nbformat.read(course / "source" / A / f"{A}.ipynb", 4)
    late = F.write_batch(tmp_path / "late", A, [F.BLANK], release, source)
    (late / "blank").rename(late / "solution")  # the same student, handing in again
    for download in (first, late):
        assert main(["grade", A, str(download), "--course", str(course), "--jobs", "1"]) == 0
    capsys.readouterr()
    assert main(["regrade", A, "--course", str(course), "--jobs", "1"]) == 0
    said = capsys.readouterr().out
    assert "no score changed by the regrade" in said and "changed since the last run" not in said, said
    assert _report(course)["changes"] == []
