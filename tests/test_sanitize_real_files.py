"""A submission as Jupyter writes it (each cell's source a list of lines) goes through intake.

JupyterLab, and nbformat.write, store sources as lists of lines; code that parses the JSON
itself and calls string methods on `cell.source` breaks on every real file while hand-built
fixtures pass (first seen on the hub, tests/test_hub.py)."""

import json

import nbformat

from autograder.course.folder import REPO
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
