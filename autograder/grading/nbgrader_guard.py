"""Every path to a grade is the pipeline's: nbgrader grades and writes feedback only inside it.

The course's nbgrader_config.py hands nbgrader three things of this module, which every path
(the formgrader's buttons, nbgrader's command line and API) goes through:

- `PipelineOnlyExporter`, Autograde's exporter, built before anything changes: it refuses outside
  a process that called `grant()` (the pipeline's grading worker; a grant lives in that process's
  memory, so no setting satisfies it);
- `refuse_student_code`, the Execute hook run before any cell: a second line for autograde, and
  the guard of `nbgrader validate` in the course's folders of students' work;
- `ScannedFeedbackExporter`, GenerateFeedback's exporter: outside a grant each page is checked as
  the pipeline checks it (feedbackscan.leak_flag), and withheld feedback stays withheld.

Without the course's package nbgrader cannot build the exporters: the guard fails closed.
docs/grading.md ("Every path to a grade") lists every path and what happens on it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from nbconvert.exporters import HTMLExporter, NotebookExporter
from nbgrader.converters.base import NbGraderException

# who holds a grant in this process (the pipeline's grading worker, `make feedback`'s nbgrader)
_GRANTS: list[str] = []

# folders of a course that hold students' work, as the pipeline and nbgrader lay them out
STUDENT_WORK = ("submitted", "autograded", "staged", "feedback", "grading-runs", "demo-class")


class Refused(NbGraderException):
    """A path to a grade that is not the pipeline's; the message names the right command."""


def grant(holder: str) -> None:
    """Let nbgrader autograde and write unscanned feedback in this process, for the rest of its life
    (the pipeline's grading worker; `make feedback`'s nbgrader, which scans what it wrote)."""
    _GRANTS.append(holder)


def granted() -> bool:
    return bool(_GRANTS)


def autograde_refusal(assignment: str) -> str:
    name = assignment if assignment and "*" not in assignment else "psNN"
    return (
        f"Autograde here would run the student's code with your rights, outside the sandbox; "
        f"grade with `make autograde ASSIGNMENT={name} SUBMISSIONS=submitted` in the course folder "
        f"(the sandboxed pipeline; on the hub: `python -m autograder grade {name} submitted --course .`)."
    )


def refuse(log, sentence: str):
    """Log `sentence` where the formgrader and the command line show it, and stop."""
    log.error(sentence)
    raise Refused(sentence)


class PipelineOnlyExporter(NotebookExporter):
    """nbgrader's Autograde exporter, built only inside the pipeline's grading worker."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not granted():
            coursedir = getattr(self.parent, "coursedir", None)
            refuse(self.log, autograde_refusal(getattr(coursedir, "assignment_id", "")))


def refuse_student_code(course: str, notebook=None, **_) -> None:
    """nbgrader's Execute hook (`on_notebook_start`; nbgrader_config.py passes its folder as `course`):
    outside a grant, no autograde kernel runs a cell, nor `validate` one in a folder of students' work."""
    if granted():
        return
    execution = os.environ.get("NBGRADER_EXECUTION", "")
    if execution == "autograde":
        raise Refused(autograde_refusal(""))
    here = Path.cwd()
    if execution == "validate" and any(
        here.resolve().is_relative_to((Path(course) / part).resolve()) for part in STUDENT_WORK
    ):
        raise Refused(
            f"Validating {here.name} would run a student's code with your rights; grade it with "
            f"`make autograde` (sandboxed), or read it without running it."
        )


class ScannedFeedbackExporter(HTMLExporter):
    """nbgrader's GenerateFeedback exporter: outside a grant, a page is checked before nbgrader
    writes it, as the pipeline checks the pages it writes (feedbackscan.leak_flag)."""

    def from_notebook_node(self, nb, resources=None, **kw):
        page, resources = super().from_notebook_node(nb, resources, **kw)
        if not granted():
            self.check(page, resources or {})
        return page, resources

    def check(self, page: str, resources: dict) -> None:
        from ..course import leakscan
        from .feedbackscan import leak_flag, withheld_marker

        info = resources.get("nbgrader", {})
        student, assignment = info.get("student", ""), info.get("assignment", "")
        course = Path(getattr(getattr(self.parent, "coursedir", None), "root", "") or os.getcwd())
        marker = withheld_marker(course, assignment, student)
        if marker.exists():
            why = marker.read_text(encoding="utf-8", errors="replace").strip().removeprefix("feedback withheld: ")
            refuse(
                self.log,
                f"The feedback of {student} for {assignment} stays withheld, as the grading run "
                f"decided ({why}); grading the student again (`make autograde`) clears it.",
            )
        try:
            flag = leak_flag(
                course, assignment, student, page, self.secrets(course, assignment), set(leakscan.host_paths(course))
            )
        except Exception as err:  # unchecked feedback is never written
            flag = (
                f"feedback withheld: it could not be checked ({type(err).__name__}: {str(err)[:200]}); "
                f"run `make feedback ASSIGNMENT={assignment}`"
            )
        if flag:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(flag + "\n", encoding="utf-8")
            refuse(self.log, f"The feedback of {student} for {assignment} is {flag.removeprefix('feedback ')}.")

    def secrets(self, course: Path, assignment: str) -> set[str]:
        """The hidden-test lines of `assignment` that a page may not show, read once per exporter."""
        import nbformat

        from .feedbackscan import scanned_secrets

        cache = self.__dict__.setdefault("_secrets", {})
        if assignment not in cache:
            source = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", 4)
            released = course / "release" / assignment / f"{assignment}.ipynb"
            cache[assignment] = scanned_secrets(source, nbformat.read(released, 4) if released.exists() else None)
        return cache[assignment]


def feedback_for_make_feedback(course: Path, assignment: str) -> subprocess.CompletedProcess:
    """`nbgrader generate_feedback ASSIGNMENT --force` in `course` with a grant, for `make feedback`
    (which scans every page itself)."""
    from ..course.folder import venv_env

    return subprocess.run(
        [sys.executable, "-m", "autograder.grading.nbgrader_guard", "generate_feedback", assignment, "--force"],
        cwd=course,
        env=venv_env(),
        capture_output=True,
        text=True,
    )


def main(argv: list[str]) -> int:
    if argv[:1] != ["generate_feedback"]:
        print(
            "python -m autograder.grading.nbgrader_guard runs nbgrader's generate_feedback for `make feedback` only",
            file=sys.stderr,
        )
        return 2
    from nbgrader.apps.nbgraderapp import NbGraderApp

    from autograder.grading import nbgrader_guard  # this file runs as __main__: grant the module nbgrader reads

    nbgrader_guard.grant("make feedback")
    NbGraderApp.launch_instance(argv=argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
