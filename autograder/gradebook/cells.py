"""The cells the gradebook records of each problem set, against source/: nbgrader cannot add or remove
graded cells once a set has submissions, so `make assignments` and a grading run refuse such a set
(`changed_after_grading`), and `make assignments` names the grades made with older tests (`regrade_due`)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import nbformat

from .scores import existing_gradebook


def graded_cells(nb: nbformat.NotebookNode) -> set[str]:
    """The cells nbgrader records for a notebook (grade, solution, task and locked cells), by id."""
    from nbgrader import utils

    return {
        c.metadata["nbgrader"]["grade_id"]
        for c in nb.cells
        if "nbgrader" in c.metadata
        and (utils.is_grade(c) or utils.is_solution(c) or utils.is_task(c) or utils.is_locked(c))
    }


def changed_after_grading(course: Path, name: str) -> str | None:
    """Why `name` cannot be regenerated as its source now stands, or None: the cells it records
    differ from the gradebook's while the gradebook holds submissions of it."""
    with _graded(course, name) as assignment:
        if assignment is None:
            return None
        submitted = len(assignment.submissions)
        if not assignment.notebooks:
            return (
                f"the gradebook holds {submitted} submission(s) or extension(s) of it but none of its "
                "notebooks, and nbgrader cannot add them now; generate a problem set (make "
                "assignments) before granting extensions or grading it"
            )
        for notebook in assignment.notebooks:
            path = course / "source" / name / f"{notebook.name}.ipynb"
            if not path.exists():
                return (
                    f"its notebook {notebook.name}.ipynb is gone from source/, and {submitted} "
                    "submission(s) of it are graded"
                )
            old = {c.name for c in notebook.source_cells}
            new = graded_cells(nbformat.read(path, 4))
            if old != new:
                parts = [f"added {', '.join(sorted(new - old))}"] if new - old else []
                parts += [f"removed {', '.join(sorted(old - new))}"] if old - new else []
                what = "; ".join(parts)
                return (
                    f"{submitted} submission(s) of it are graded, and "
                    f"nbgrader cannot add or remove graded cells after that ({what}); put a new "
                    "test into an existing test cell (its code and points may change), or give "
                    "the changed problem set a new name"
                )
    return None


def regrade_due(course: Path, name: str) -> int:
    """How many graded submissions of `name` were graded with other tests or points than source/ holds
    now (0 when none): the gradebook keeps them from the last `make assignments`, so call it before the
    set is generated again."""
    from nbgrader import utils

    with _graded(course, name) as assignment:
        for notebook in assignment.notebooks if assignment is not None else ():
            path = course / "source" / name / f"{notebook.name}.ipynb"
            if not path.exists():
                continue
            cells = [c for c in nbformat.read(path, 4).cells if "nbgrader" in c.metadata]
            grades = {c.metadata["nbgrader"]["grade_id"]: c for c in cells if utils.is_grade(c)}
            points = {gid: float(c.metadata["nbgrader"].get("points") or 0) for gid, c in grades.items()}
            tests = {gid: c.source for gid, c in grades.items() if not utils.is_solution(c)}
            if points != {c.name: float(c.max_score) for c in notebook.grade_cells} or any(
                c.name in tests and c.source != tests[c.name] for c in notebook.source_cells
            ):
                return len(assignment.submissions)
    return 0


@contextmanager
def _graded(course: Path, name: str):
    """The gradebook's assignment `name` while it has submissions, else None (as a context)."""
    from nbgrader.api import MissingEntry

    with existing_gradebook(course) as gb:
        try:
            assignment = gb.find_assignment(name) if gb is not None else None
        except MissingEntry:
            assignment = None
        yield assignment if assignment is not None and assignment.submissions else None
