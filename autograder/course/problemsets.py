"""The course's problem sets, found from their folders `source/psNN_topic/`: the notebook nbgrader
releases and everything the instructor keeps of the set (docs/authoring.md, "Files of chapter NN")."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .folder import REPO, assignments

FIXTURE_KINDS = ("mutants", "alternatives", "copies", "attacks", "heldout")
# what nbgrader must never release (nbgrader_config.py's c.CourseDirectory.ignore holds them)
INSTRUCTOR_ONLY = ("catalogue.toml", "exercises.toml", "recheck.py") + FIXTURE_KINDS
# where each set's probes live: in the students' package, for their visible tests (rnnlab.diagnose)
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
        return self.folder.parent.parent / PROBES_PACKAGE / f"{self.name}.py"

    def fixtures(self, kind: str) -> Path:
        if kind not in FIXTURE_KINDS:
            raise ValueError(f"no fixtures of the kind {kind!r}: one of {', '.join(FIXTURE_KINDS)}")
        return self.folder / kind

    def exercises(self) -> dict[str, dict]:
        """exercises.toml: code exercise -> what the course's checks need to know of it ({} if none)."""
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
