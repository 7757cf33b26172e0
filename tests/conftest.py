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
            opts = Options(**{"jobs": 2, "cell_timeout": 30, "submission_timeout": 300, **options})
            run = Run(assignment, submissions, course=course, options=opts, log=lambda *a: None)
            results = {r.student: r for r in run.run()}
            cache[key] = Batch(course, submissions, run, results, auto_test_ids(source))
            # the grades of every fixture stay readable after the run (CI logs, closing notes)
            keep = REPO / "test-artifacts" / "grading"
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(course / "reports" / assignment / "grades.csv", keep / f"{assignment}-{label}.csv")
        return cache[key]

    return grade
