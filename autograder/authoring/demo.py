"""A demo class to try grading on (`make demo-class ASSIGNMENT=ps03`): a course folder of its own
with the set's solution, blank, mutants, alternatives and one broken upload handed in; grading it
never touches the course's gradebook (autograder.grading.run.demo_course)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..course.folder import REPO
from ..grading.run import DEMO_MARKER
from . import fixtures as F


class NotADemo(Exception):
    """The folder exists and is no demo class: nothing was written."""


def write_demo_class(name: str, folder: Path) -> tuple[Path, int]:
    """The demo class of problem set `name` in folder/<name>: (its course folder, how many
    submissions it holds). An earlier demo class there is replaced."""
    release = nbformat.read(REPO / "release" / name / f"{name}.ipynb", 4)
    source = nbformat.read(REPO / "source" / name / f"{name}.ipynb", 4)
    batch = [F.SOLUTION, F.BLANK] + F.fixtures_for(name, "mutants") + F.fixtures_for(name, "alternatives")
    course = Path(folder) / name
    if course.exists() and not (course / DEMO_MARKER).exists():
        raise NotADemo(f"{course} exists and is not a demo class: choose another folder")
    F.make_course(course, [name], replace=True)
    (course / DEMO_MARKER).write_text(
        "A demo class of the course (python -m autograder demo): its own course folder, so grading\n"
        "it never touches the real gradebook. Remove the folder when done.\n"
    )
    F.write_batch(course / "submissions", name, batch, release, source)
    # one broken upload: the student version cut off half-way
    text = (REPO / "release" / name / f"{name}.ipynb").read_text()
    (course / "submissions" / "broken").mkdir()
    (course / "submissions" / "broken" / f"{name}.ipynb").write_text(text[: len(text) // 2])
    return course, len(batch) + 1
