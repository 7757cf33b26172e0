"""The repair of submissions (autograder.grading.sanitize) on files as Jupyter writes them, and on
the submissions nbgrader's own sanitising cannot grade.

JupyterLab, and nbformat.write, store sources as lists of lines; code that parses the JSON
itself and calls string methods on `cell.source` breaks on every real file while hand-built
fixtures pass (first seen on the hub, tests/autograder/deploying/test_hub.py)."""

import copy
import json

import nbformat
import pytest
from nbgrader.nbgraderformat.common import SchemaTooNewError

from autograder.authoring.fixtures import make_course
from autograder.course.folder import REPO, nbgrader
from autograder.grading.sanitize import read, repair

ASSIGNMENT = "ps03_lstm_gates"


def test_a_notebook_saved_by_jupyter_is_read_and_repaired(tmp_path):
    release = nbformat.read(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    nb = nbformat.read(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    test_cell = next(
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")
    )
    test_cell.source += "\nassert True"
    path = tmp_path / "saved.ipynb"
    nbformat.write(nb, path)
    stored = json.loads(path.read_text())
    assert any(isinstance(c["source"], list) and len(c["source"]) > 1 for c in stored["cells"])

    got = read(path)
    assert all(isinstance(c.source, str) for c in got.cells)
    repaired = repair(got, release)
    assert any("a locked or test cell was edited" in f for f in repaired.flags), repaired.flags


# -- what nbgrader's own sanitising does without the repair ------------------------------------------
# nbgrader's autograde runs these on each submission before its kernel starts
# (Autograde.sanitize_preprocessors; deleted test cells put back with OverwriteCells.add_missing_cells).
# On each case below that chain raises, so the student is not graded at all; after the course's
# repair it runs through. A case that stops raising is one nbgrader now handles itself: the repair's
# part for it can go, and its line in docs/architecture.md ("What the libraries lack").


def _cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def _without(*gids):
    return lambda nb: setattr(
        nb, "cells", [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in gids]
    )


def _retyped_raw(nb):
    cell = _cell(nb, "lstm_step_backward_hidden")
    cell.cell_type, cell["attachments"] = "raw", {}
    del cell["outputs"], cell["execution_count"]


def _forged(nb):
    meta = {"grade": True, "grade_id": "mine", "points": 99, "solution": False, "locked": False, "schema_version": 3}
    nb.cells.append(nbformat.v4.new_code_cell("pass", metadata={"nbgrader": meta}))


# each case, and what nbgrader 0.9.6 raises on it
NBGRADER_STOPS = {
    "schema_version 4": (
        lambda nb: _cell(nb, "lstm_step_backward").metadata.nbgrader.update(schema_version=4),
        SchemaTooNewError,
    ),
    "a test cell no longer graded": (  # "Inconsistent checksums"
        lambda nb: _cell(nb, "lstm_step_backward_hidden").metadata.nbgrader.update(grade=False),
        RuntimeError,
    ),
    "a test cell deleted after a locked cell": (_without("quiz_q1"), KeyError),
    "grading metadata that is no object": (
        lambda nb: setattr(_cell(nb, "quiz_q1").metadata, "nbgrader", "junk"),
        AttributeError,
    ),
    "a forged test cell": (_forged, KeyError),
    "a test cell made raw, with attachments": (_retyped_raw, nbformat.ValidationError),
}


@pytest.fixture(scope="module")
def nbgrader_sanitising(tmp_path_factory):
    """nbgrader's own sanitising chain, as its autograde runs it, against a gradebook of the set."""
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        OverwriteCells,
        OverwriteKernelspec,
    )

    course = make_course(tmp_path_factory.mktemp("nbgrader-alone") / "course", [ASSIGNMENT])
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    info = {"notebook": ASSIGNMENT, "assignment": ASSIGNMENT, "db_url": f"sqlite:///{course / 'gradebook.db'}"}

    def run(nb):
        steps = [ClearOutput(), DeduplicateIds(), OverwriteKernelspec(), OverwriteCells(add_missing_cells=True)]
        for step in steps + [CheckCellMetadata()]:
            nb, _ = step.preprocess(nb, {"nbgrader": dict(info)})
        return nb

    return run


@pytest.mark.parametrize("case", NBGRADER_STOPS)
def test_nbgrader_alone_stops_where_the_repair_grades(nbgrader_sanitising, case):
    release = nbformat.read(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    nb = copy.deepcopy(release)
    mutate, raised = NBGRADER_STOPS[case]
    mutate(nb)
    with pytest.raises(raised):
        nbgrader_sanitising(copy.deepcopy(nb))
    repaired = repair(nb, release)
    assert repaired.flags
    graded = nbgrader_sanitising(repaired.notebook)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in graded.cells]
    assert [i for i in ids if i] == [c.metadata.nbgrader["grade_id"] for c in release.cells if "nbgrader" in c.metadata]


def test_nbgrader_alone_does_not_put_back_a_deleted_locked_or_answer_cell(nbgrader_sanitising):
    release = nbformat.read(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    nb = copy.deepcopy(release)
    _without("setup", "lstm_step_backward")(nb)
    left = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nbgrader_sanitising(copy.deepcopy(nb)).cells}
    assert not {"setup", "lstm_step_backward"} & left
    kept = {c.metadata.get("nbgrader", {}).get("grade_id") for c in repair(nb, release).notebook.cells}
    assert {"setup", "lstm_step_backward"} <= kept
