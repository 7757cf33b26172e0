"""Grading a class again (issue 30): hand grades of unchanged answers stay graded, changed answers
are marked for another look."""
import shutil

import nbformat
import pytest

from autograder import fixtures as F
from autograder.pipeline import Options, Run

pytestmark = pytest.mark.grading
A = "ps01_sequence_data"
EXPLAIN = "explain_split"


def test_a_regrade_keeps_hand_grades_of_unchanged_answers(tmp_path):
    from nbgrader.api import Gradebook

    course = F.make_course(tmp_path / "course", [A])
    release = nbformat.read(F.HERE.parent / "release" / A / f"{A}.ipynb", 4)
    source = nbformat.read(course / "source" / A / f"{A}.ipynb", 4)
    class_ = F.write_batch(tmp_path / "class", A, [F.SOLUTION], release, source)
    shutil.copytree(class_ / "solution", class_ / "changed")

    def grade():
        run = Run(A, class_, course=course, options=Options(jobs=1), log=lambda *a: None)
        return {r.student: r for r in run.run()}

    first = grade()
    assert first["solution"].needs_manual == [EXPLAIN] == first["changed"].needs_manual
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:       # the instructor grades by hand
        for student in ("solution", "changed"):
            g = gb.find_grade(EXPLAIN, A, A, student)
            g.manual_score, g.needs_manual_grade = 2.0, False
        gb.db.commit()
    path = class_ / "changed" / f"{A}.ipynb"
    nb = nbformat.read(path, 4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == EXPLAIN)
    cell.source += "\n\nAnd a sentence added after the hand grade."
    nbformat.write(nb, path)

    again = grade()
    assert again["solution"].needs_manual == [], "an unchanged, hand-graded answer reads 'needs grading' again"
    assert again["solution"].score == first["solution"].score + 2
    assert again["changed"].needs_manual == [EXPLAIN], "a changed answer must be looked at again"
