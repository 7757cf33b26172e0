"""What the tests of grading on a Dask cluster share: a PostgreSQL server, courses whose
gradebooks are databases on it, a LocalCluster, and checks of results and gradebooks."""

from __future__ import annotations

from pathlib import Path

import dask
import nbformat
from distributed import LocalCluster

from autograder.authoring import fixtures as F
from autograder.deploying.pgserver import another_database
from autograder.grading.run import Options, grade_class
from support import auto_test_ids

A = "ps03_lstm_gates"
OPTIONS = dict(jobs=2, cell_timeout=30, submission_timeout=300)


def course_on(postgres: str, folder: Path, fixtures: list) -> tuple[Path, Path]:
    """A course whose gradebook is a new database on the test's PostgreSQL server, and its class."""
    course, klass = F.course_with_class(folder, A, fixtures)
    url = another_database(postgres, folder.name.replace("-", "_"))
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
    return course, klass


def local_cluster(**config) -> LocalCluster:
    """Two workers of one thread, no profiler; the scheduler gives each one task at a time
    (docs/grading.md)."""
    with dask.config.set(
        {"distributed.scheduler.worker-saturation": 1.0, "distributed.worker.profile.enabled": False, **config}
    ):
        return LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, protocol="tcp", host="127.0.0.1", dashboard_address=None
        )


def grade(course: Path, klass: Path, **options) -> dict:
    return grade_class(A, klass, course=course, options=Options(**{**OPTIONS, **options}), log=lambda *a: None).rows


def unexpected(course: Path, results: dict, fixtures: list) -> dict[str, list[str]]:
    """What differs from each fixture's EXPECT in `results`."""
    tests = auto_test_ids(nbformat.read(course / "source" / A / f"{A}.ipynb", 4))
    found = {
        fx.name: F.check(fx, results[F.student_id(fx)], tests, F.graded_outputs(course, F.student_id(fx), A))
        for fx in fixtures
    }
    return {name: problems for name, problems in found.items() if problems}


def submissions_in(course: Path) -> dict[str, int]:
    """How many submissions of A the course's gradebook holds per student, and grades per submission."""
    from nbgrader.api import Gradebook

    from autograder.course.folder import gradebook_url

    with Gradebook(gradebook_url(course)) as gb:
        counts: dict[str, int] = {}
        for sub in gb.assignment_submissions(A):
            counts[sub.student_id] = counts.get(sub.student_id, 0) + 1
            assert len([g for nb in sub.notebooks for g in nb.grades]) == len(
                gb.find_assignment(A).notebooks[0].grade_cells
            )
        return counts
