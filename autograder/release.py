"""`make assignments`: the student versions in release/, regenerated from source/ without ever
leaving release/ half-written.

Each assignment is generated into a temporary folder beside release/ and swapped in only when
nbgrader succeeded, so a failure leaves the last good student version where it was (nbgrader's
own `--force` deletes it first). An assignment whose graded cells were added or removed after
students were graded is refused before nbgrader runs, in one sentence: nbgrader cannot change an
assignment's cells once it has submissions (its SaveCells preprocessor raises), and the grades
already in the gradebook must stay.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat

from .course import REPO, gradebook_url, is_file_gradebook


def graded_cells(nb: nbformat.NotebookNode) -> set[str]:
    """The cells nbgrader records for a notebook (grade, solution, task and locked cells), by id."""
    from nbgrader import utils

    return {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if "nbgrader" in c.metadata and (utils.is_grade(c) or utils.is_solution(c)
                                              or utils.is_task(c) or utils.is_locked(c))}


def changed_after_grading(course: Path, name: str) -> str | None:
    """Why `name` cannot be regenerated as its source now stands, or None: the cells it records
    differ from the gradebook's while the gradebook holds submissions of it."""
    url = gradebook_url(course)
    if is_file_gradebook(url) and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(url) as gb:
        try:
            assignment = gb.find_assignment(name)
        except MissingEntry:
            return None
        submitted = len(assignment.submissions)
        if not submitted:
            return None
        if not assignment.notebooks:
            return (f"the gradebook holds {submitted} submission(s) or extension(s) of it but none of its "
                    "notebooks, and nbgrader cannot add them now; generate a problem set (make "
                    "assignments) before granting extensions or grading it")
        for notebook in assignment.notebooks:
            path = course / "source" / name / f"{notebook.name}.ipynb"
            if not path.exists():
                return (f"its notebook {notebook.name}.ipynb is gone from source/, and {submitted} "
                        "submission(s) of it are graded")
            old = {c.name for c in notebook.source_cells}
            new = graded_cells(nbformat.read(path, 4))
            if old != new:
                what = "; ".join(part for part in (
                    "added " + ", ".join(sorted(new - old)) if new - old else "",
                    "removed " + ", ".join(sorted(old - new)) if old - new else "") if part)
                return (f"{submitted} submission(s) of it are graded, and "
                        f"nbgrader cannot add or remove graded cells after that ({what}); put a new "
                        "test into an existing test cell (its code and points may change), or give "
                        "the changed problem set a new name")
    return None


def _swap(new: Path, target: Path) -> None:
    """Put the folder `new` where `target` is, the old one removed only once the new one is in."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    if old.exists():
        shutil.rmtree(old)


def release(names: list[str], course: Path = REPO, log=print) -> list[str]:
    """Generate the student versions of `names` into the course's release/, importing nbgrader
    once for all of them (the command line would import it, about 4 s, for each). Returns the
    reasons of those not regenerated (their release/ folders are as they were); the others are
    regenerated whatever happens to one."""
    from .pipeline import Worker, first_error

    course = Path(course).resolve()
    (course / "release").mkdir(exist_ok=True)
    refused = []
    with tempfile.TemporaryDirectory(prefix=".release-", dir=course) as tmp:
        worker = None
        try:
            for name in names:
                why = changed_after_grading(course, name)
                if why is not None:
                    why = f"{name} was not regenerated: {why}"
                else:
                    if worker is None or not worker.alive():
                        worker = Worker(course, Path(tmp) / "worker.log")
                    out = Path(tmp) / "release"
                    try:
                        worker.generate(name, out)
                    except RuntimeError as err:
                        why = f"{name} was not regenerated: nbgrader said: {first_error(str(err))}"
                    else:
                        _swap(out / name, course / "release" / name)
                        log(f"released {name} -> release/{name}/")
                        continue
                refused.append(why)
                log(why + f"; release/{name}/ is as it was")
        finally:
            if worker is not None:
                worker.stop()
    return refused
