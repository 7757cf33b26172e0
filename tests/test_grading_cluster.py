"""Grading on a Dask cluster (autograder.cluster) with a PostgreSQL gradebook.

A LocalCluster of two worker processes over TCP grades a class of 40 (right, wrong, blank,
broken and hostile submissions) into a PostgreSQL gradebook on a throwaway server; the same
class graded on this machine, as without CLUSTER (test_grading.py's batch of ps03, graded once
for both), must give the same grades, feedback and flags, and the shared gradebook must hold each
student once. The faults are in
test_grading_cluster_faults.py.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from autograder import fixtures as F
from autograder.course import REPO
from autograder.pipeline import NotGradeable
from cluster_support import A, course_on, grade, local_cluster, postgres, submissions_in, unexpected  # noqa: F401
from conftest import FAST_ATTACKS, PS03_CLASS, ps03_class

pytestmark = pytest.mark.grading
MUTANTS = F.fixtures_for(A, "mutants")
CLASS = PS03_CLASS
COMPARED = ("status", "score", "max_score", "reason", "failed_tests", "timeouts", "needs_manual", "diagnoses",
            "late_seconds", "grader_error")


def feedback(course: Path, student: str) -> str | None:
    html = course / "feedback" / student / A / f"{A}.html"
    return re.sub(re.escape(str(course)), "COURSE", html.read_text()) if html.exists() else None


@pytest.fixture(scope="module")
def both(postgres, grade_batch, tmp_path_factory):
    """The class graded on a two-worker cluster, and on this machine (SQLite, two workers) as
    test_grading.py grades it: one grading serves both (conftest.ps03_class). The cluster goes
    first: if the other pytest worker is grading the class meanwhile, it is done by then."""
    course, klass = course_on(postgres, tmp_path_factory.mktemp("cluster") / "cluster", CLASS)
    with local_cluster() as cluster:
        start = time.monotonic()
        graded = grade(course, klass, cluster=cluster.scheduler_address)
        seconds = time.monotonic() - start
    local = ps03_class(grade_batch)
    keep = REPO / "test-artifacts" / "grading"
    keep.mkdir(parents=True, exist_ok=True)
    with open(keep / "batches.log", "a") as log:
        print(f"{A} cluster: {len(graded)} submissions in {seconds:.1f} s on 2 Dask workers, "
              f"{local.seconds:.1f} s on this machine with 2 workers", file=log)
    return local.course, local.results, course, graded


def test_the_class_is_the_intended_mix():
    assert len(CLASS) == 40 and len(MUTANTS) >= 15
    assert {fx.name for fx in CLASS} >= set(FAST_ATTACKS)


def test_cluster_grades_as_one_machine_does(both):
    local_course, local, course, graded = both
    assert set(graded) == set(local) and len(graded) == 40
    for student, mine in local.items():
        theirs = graded[student]
        for name in COMPARED:
            assert getattr(theirs, name) == getattr(mine, name), f"{student}: {name}"
        assert sorted(theirs.flags) == sorted(mine.flags), student
        assert theirs.name == mine.name and theirs.limits.keys() == mine.limits.keys(), student
        assert feedback(course, student) == feedback(local_course, student), f"{student}: feedback"
    statuses = {r.status for r in graded.values()}
    assert statuses == {"graded", "rejected", "failed", "missing"}
    assert graded["blank"].score == 0 < graded["solution"].score and not graded["solution"].failed_tests
    assert sum(bool(r.flags) for r in graded.values()) >= 8          # the attacks are caught as before


def test_every_fixture_ends_as_it_expects(both):
    *_, course, graded = both
    assert not unexpected(course, graded, CLASS)


def test_the_shared_gradebook_holds_each_student_once(both):
    *_, course, graded = both
    assert "postgresql" in (course / "nbgrader_config.py").read_text()
    assert not (course / "gradebook.db").exists()
    local_course, *_ = both
    counts = submissions_in(course)
    assert counts.keys() == submissions_in(local_course).keys()
    assert set(counts.values()) == {1} and len(counts) >= 35


def test_sqlite_gradebook_is_refused_on_a_cluster(tmp_path):
    course, klass = F.course_with_class(tmp_path, A, [F.SOLUTION])
    with pytest.raises(NotGradeable, match="PostgreSQL"):
        grade(course, klass, cluster="tcp://127.0.0.1:9")
    assert not (course / "autograded").exists()
