"""The course's problem sets, found from their folders: nothing lists them by hand.

A problem set is a folder `source/psNN_topic/` of the course. nbgrader reads its notebook,
`psNN_topic.ipynb`, and releases nothing else of it (nbgrader_config.py ignores the names
below). Everything else in the folder is the instructor's alone and belongs to that set:

    psNN_topic.ipynb     the notebook: solutions, visible and hidden tests (nbgrader's source)
    exercises.toml       what each code exercise's hidden tests must reach (tests/test_input_classes.py)
    catalogue.toml       the misconceptions students make, each with the wrong solutions that make it
    probes.py            the calls that tell those mistakes apart (shipped to students as
                         rnnlab/probes/psNN_topic.py by `make assignments`)
    recheck.py           `cases(course)`: calls of each exercise checked outside the student's kernel
    mutants/             wrong solutions the tests must reject
    alternatives/        right solutions written differently, which must keep full marks
    copies/              the nearest lecture code, which must not pass
    attacks/             right answers that break an exercise's rule behind the tests' back
    heldout/             answers written blind, from the release notebook alone: they measure the diagnosis

docs/authoring.md walks an author through adding one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .folder import REPO, assignments

# the fixtures' folders, each a kind of answer the tests judge (autograder.authoring.fixtures)
FIXTURE_KINDS = ("mutants", "alternatives", "copies", "attacks", "heldout")
# what nbgrader must never release (nbgrader_config.py's c.CourseDirectory.ignore holds them too)
INSTRUCTOR_ONLY = ("catalogue.toml", "exercises.toml", "recheck.py", "probes.py") + FIXTURE_KINDS
# where `make assignments` ships each set's probes for the students' visible tests
PROBES_PACKAGE = "rnnlab/probes"


@dataclass(frozen=True)
class ProblemSet:
    """One problem set's folder in a course."""

    name: str
    folder: Path

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.name}.ipynb"

    @property
    def catalogue(self) -> Path:
        return self.folder / "catalogue.toml"

    @property
    def recheck(self) -> Path:
        return self.folder / "recheck.py"

    @property
    def probes(self) -> Path:
        return self.folder / "probes.py"

    def fixtures(self, kind: str) -> Path:
        if kind not in FIXTURE_KINDS:
            raise ValueError(f"no fixtures of the kind {kind!r}: one of {', '.join(FIXTURE_KINDS)}")
        return self.folder / kind

    def exercises(self) -> dict[str, dict]:
        """exercises.toml: code exercise -> what the course's checks need to know of it
        ({} where the set has no such file)."""
        path = self.folder / "exercises.toml"
        if not path.is_file():
            return {}
        with open(path, "rb") as f:
            return tomllib.load(f)


def problem_set(name: str, course: Path = REPO) -> ProblemSet:
    """The problem set `name` (its full name, psNN_topic) of the course folder `course`."""
    return ProblemSet(name, Path(course) / "source" / name)


def problem_sets(course: Path = REPO) -> list[ProblemSet]:
    """Every problem set of the course folder `course`, in order."""
    return [problem_set(name, course) for name in assignments(course)]
