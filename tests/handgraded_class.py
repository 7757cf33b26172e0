"""A class of ps01 graded as nbgrader autograde leaves it."""

import warnings
from pathlib import Path

import nbformat
import pytest

from autograder.authoring import fixtures as F
from autograder.grading.inert import make_inert

A = "ps01_sequence_data"


Q = "explain_split"


ANSWERS = {
    "ada": "The window after a test window holds its target: with $h_t$ the state, "
    "$$h_{t+1} = \\tanh(W h_t)$$ sees it, and 3 < 4 & so on.",
    "bob": "<script>window.__pwned = 1</script> <img src=http://127.0.0.1:9/pixel.png>\n\n"
    "See ![chart](http://example.invalid/chart.png) and [more](javascript:alert(1)).\n\n"
    "```mermaid\n<img src=x onerror=alert(2)>\n```",
    "cy": "Split by time: train on the first months, test on the later ones.",
}


HAND_GRADED = ("cy", 2.0, "Good: a split by time.")  # graded in the formgrader before


def _graded_class(course: Path) -> None:
    """Generate the set into the course's gradebook, and grade one submission per student of
    ANSWERS as `nbgrader autograde` leaves it (graded notebook, staged copy, grades), without
    running it; HAND_GRADED's answer then gets a hand grade."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.preprocessors import SaveAutoGrades

    from autograder.course.folder import STAGED
    from autograder.grading.worker import course_config

    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(course)
        assert NbGraderAPI(config=course_config(course)).generate_assignment(A, force=True, create=True)["success"]
    release = nbformat.read(course / "release" / A / f"{A}.ipynb", 4)
    source = nbformat.read(course / "source" / A / f"{A}.ipynb", 4)
    db = f"sqlite:///{course / 'gradebook.db'}"
    for student, text in ANSWERS.items():
        nb = nbformat.reads(F.build(F.Fixture(student, {}, cells={Q: text}), release, source), 4)
        make_inert(nb, release)
        for folder in (STAGED, "autograded"):
            (course / folder / student / A).mkdir(parents=True)
            nbformat.write(nb, course / folder / student / A / f"{A}.ipynb")
        with warnings.catch_warnings(), Gradebook(db) as gb:
            warnings.simplefilter("ignore")  # SQLAlchemy's notes on nbgrader's add_submission
            gb.update_or_create_student(student)
            gb.update_or_create_submission(A, student)
        SaveAutoGrades().preprocess(
            nb, {"nbgrader": {"notebook": A, "assignment": A, "student": student, "db_url": db}}
        )
    student, score, comment = HAND_GRADED
    with Gradebook(db) as gb:
        grade, note = gb.find_grade(Q, A, A, student), gb.find_comment(Q, A, A, student)
        grade.manual_score, grade.needs_manual_grade, note.manual_comment = score, False, comment
        gb.db.commit()
