"""Grading throughput: stock serial `nbgrader autograde` against the course's pipeline.

The same submissions (the solution, the blank release and every wrong solution and alternative
of a problem set, repeated to reach `count`) are graded twice in fresh course folders:

- stock: `nbgrader autograde ASSIGNMENT` once for all students, serial, unsandboxed, then
  `nbgrader generate_feedback` (the pipeline makes feedback too, so both include it);
- pipeline: `python -m autograder grade` with its sandbox, re-checks and `jobs` workers.

Scores must be identical; the result is seconds per submission and the ratio.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.authoring import fixtures as F
from autograder.course.folder import REPO, venv_env
from autograder.grading.run import Options, grade_class


def make_batch(assignment: str, folder: Path, count: int) -> list[str]:
    release = nbformat.read(REPO / "release" / assignment / f"{assignment}.ipynb", 4)
    source = nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", 4)
    kinds = [F.SOLUTION, F.BLANK] + F.fixtures_for(assignment, "mutants") + F.fixtures_for(assignment, "alternatives")
    students = []
    for k in range(count):
        fx = kinds[k % len(kinds)]
        student = f"s{k:03d}-{F.student_id(fx)}"[:60]
        path = folder / student / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(F.build(fx, release, source))
        students.append(student)
    return students


def scores(course: Path, assignment: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: float(s.score) for s in gb.assignment_submissions(assignment)}


def released_course(folder: Path, assignment: str) -> Path:
    """A course in which the assignment has been released, as an instructor's is when grading:
    both sides start from one, so neither pays for creating the gradebook."""
    course = F.make_course(folder, [assignment])
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
        cwd=course,
        env=venv_env(),
        check=True,
        capture_output=True,
    )
    return course


# The course refuses stock nbgrader's autograde and checks its feedback (autograder/grading/nbgrader_guard.py);
# the baseline is stock nbgrader, so its throwaway course switches both off on the command line.
STOCK = (
    "--Autograde.exporter_class=nbconvert.exporters.NotebookExporter",
    "--Execute.on_notebook_start=None",
    "--GenerateFeedback.exporter_class=nbconvert.exporters.HTMLExporter",
)


def stock(assignment: str, submissions: Path, students: list[str]) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        course = released_course(Path(tmp) / "course", assignment)
        env = venv_env()
        for student in students:
            dest = course / "submitted" / student / assignment
            dest.mkdir(parents=True)
            shutil.copy(submissions / student / f"{assignment}.ipynb", dest)
        start = time.perf_counter()
        for step in ("autograde", "generate_feedback"):
            subprocess.run(
                [sys.executable, "-m", "nbgrader", step, assignment, "--force", *STOCK],
                cwd=course,
                env=env,
                capture_output=True,
            )
        seconds = time.perf_counter() - start
        return seconds, scores(course, assignment)


def pipeline(assignment: str, submissions: Path, jobs: int) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        course = released_course(Path(tmp) / "course", assignment)
        start = time.perf_counter()
        run = grade_class(assignment, submissions, course=course, options=Options(jobs=jobs), log=lambda *a: None)
        seconds = time.perf_counter() - start
        return seconds, {r.student: r.score for r in run.rows.values()}


def measure(assignment: str = "ps03_lstm_gates", count: int = 12, jobs: int = 2) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        submissions = Path(tmp) / "submissions"
        students = make_batch(assignment, submissions, count)
        stock_s, stock_scores = stock(assignment, submissions, students)
        pipe_s, pipe_scores = pipeline(assignment, submissions, jobs)
    return {
        "assignment": assignment,
        "submissions": count,
        "jobs": jobs,
        "stock_seconds": round(stock_s, 1),
        "pipeline_seconds": round(pipe_s, 1),
        "stock_per_submission": round(stock_s / count, 2),
        "pipeline_per_submission": round(pipe_s / count, 2),
        "ratio": round(stock_s / pipe_s, 2),
        "identical_scores": stock_scores == pipe_scores,
        "differences": {
            s: (stock_scores.get(s), pipe_scores.get(s)) for s in students if stock_scores.get(s) != pipe_scores.get(s)
        },
    }


if __name__ == "__main__":
    import json

    print(json.dumps(measure(*sys.argv[1:2]), indent=1))
