"""Shared test helpers: grade a batch of fixture submissions once per session."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from autograder import fixtures as F
from autograder.course import REPO
from autograder.pipeline import Options, Run

IN_CI = os.environ.get("CI", "").lower() == "true"
# `make test-grading` runs two pytest-xdist workers at once; each grades with its own range of
# sandbox uids, so neither sees (or counts against its limits) the other's processes.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
UID_BASE = int(os.environ.get("RNNLAB_SANDBOX_UID_BASE", "60001")) + 1000 * WORKER


def pytest_collection_modifyitems(items):
    """Under xdist (--dist loadgroup), the tests that share a graded batch run in one worker:
    one group per problem set in test_grading, one for the attack corpus."""
    for item in items:
        if item.get_closest_marker("grading") is None:
            continue
        params = getattr(item, "callspec", None)
        group = params.params.get("assignment") if params else None
        item.add_marker(pytest.mark.xdist_group(group or item.module.__name__))


@dataclass
class Batch:
    course: Path
    submissions: Path
    run: Run
    results: dict
    tests: list[str]

    def result(self, fx):
        return self.results[F.student_id(fx)]

    def outputs(self, fx) -> str:
        return F.graded_outputs(self.course, F.student_id(fx), self.run.assignment)


def notebooks(assignment: str):
    release = nbformat.read(REPO / "release" / assignment / f"{assignment}.ipynb", 4)
    source = nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", 4)
    return release, source


def auto_test_ids(source) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in source.cells
            if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]


@pytest.fixture(scope="session")
def grade_batch(tmp_path_factory):
    """grade_batch(assignment, fixtures, label, **options) -> Batch, graded once per label."""
    cache: dict = {}

    def grade(assignment: str, fixtures: list, label: str, **options) -> Batch:
        key = (assignment, label)
        if key not in cache:
            base = tmp_path_factory.mktemp(f"{label}-{assignment}")
            course = F.make_course(base / "course", [assignment])
            release, source = notebooks(assignment)
            submissions = F.write_batch(base / "submissions", assignment, fixtures, release, source)
            opts = Options(**{"jobs": 2, "cell_timeout": 30, "submission_timeout": 300, "uid_base": UID_BASE,
                              **options})
            run = Run(assignment, submissions, course=course, options=opts, log=lambda *a: None)
            results = {r.student: r for r in run.run()}
            cache[key] = Batch(course, submissions, run, results, auto_test_ids(source))
            # the grades of every fixture stay readable after the run (CI logs, closing notes)
            keep = REPO / "test-artifacts" / "grading"
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(course / "reports" / assignment / "grades.csv", keep / f"{assignment}-{label}.csv")
        return cache[key]

    return grade
