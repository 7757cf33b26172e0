"""`make feedback`: every student's feedback written again after hand grading, by nbgrader's generate_feedback
through the course's guard, then scanned as the grading run scans it: what the run withheld stays withheld,
and a page that now shows a secret is withheld too."""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat

from ..grading.feedbackscan import scan_feedback, withheld_marker
from ..grading.nbgrader_guard import feedback_for_make_feedback


def feedback_again(course: Path, name: str) -> tuple[subprocess.CompletedProcess, dict[str, str], dict[str, str]]:
    """Write every student's feedback of `name` again: (nbgrader's process, {student: why} of
    those the grading run withheld, who stay withheld, {student: flag} of those withheld now)."""
    proc = feedback_for_make_feedback(course, name)  # nbgrader's, unscanned: scanned below
    students = (
        sorted(p.name for p in (course / "feedback").iterdir() if (p / name).is_dir())
        if (course / "feedback").is_dir()
        else []
    )
    kept = {
        s: withheld_marker(course, name, s).read_text().strip().removeprefix("feedback withheld: ")
        for s in students
        if withheld_marker(course, name, s).exists()
    }
    source = nbformat.read(course / "source" / name / f"{name}.ipynb", 4)
    released = course / "release" / name / f"{name}.ipynb"
    now = scan_feedback(course, name, students, source, nbformat.read(released, 4) if released.exists() else None)
    return proc, kept, now
