"""Grade a class: a grading run is the list of steps below, each a function of the run's `Context`.

    python -m autograder grade ps03 SUBMISSIONS [--jobs 2] [--unsandboxed] [--cluster tcp://host:8786]

`CLASS_STEPS` run once, in order; `grade_students` takes each student through `STUDENT_STEPS` on a
free grading worker (or on a Dask cluster: grading.cluster). Each step declares what it reads and
writes of the context (`@step`), so each can be run and tested alone. The grade is written once,
by nbgrader's autograde with the re-check's verdict; every other output reads the gradebook.
"""

from __future__ import annotations

import contextlib
import queue
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..course.folder import REPO, resolve
from ..gradebook.rows import Result
from . import autograde, feedbackscan, prepare, scoring, staging
from .context import Context, NotGradeable, Options, SandboxUnavailable, grader_error, step
from .workerclient import Worker

__all__ = ["CLASS_STEPS", "STUDENT_STEPS", "Context", "NotGradeable", "Options", "SandboxUnavailable", "grade_class"]

DEMO_MARKER = ".rnnlab-demo-course"  # `make demo-class` writes it into the demo's course folder


@step(reads="options workers rows found course work assignment", writes="workers rows")
def grade_students(ctx: Context) -> None:
    """Each found student through STUDENT_STEPS, as many at once as there are workers (or on a cluster)."""
    students = sorted(s for s in ctx.found if ctx.rows[s].status == "graded")
    if ctx.options.cluster:
        from .cluster import grade_on_cluster

        grade_on_cluster(ctx, students, grade_student)
        return
    slots: queue.Queue[int] = queue.Queue()
    for slot in ctx.workers:
        slots.put(slot)

    def task(student: str) -> None:
        slot = slots.get()
        try:
            if not ctx.workers[slot].alive():  # killed after a timeout: replace it
                ctx.workers[slot] = Worker(ctx.course, ctx.work / f"worker-{slot}.log")
            grade_student(ctx, student, slot, ctx.workers[slot])
        finally:
            slots.put(slot)

    with ThreadPoolExecutor(max_workers=len(ctx.workers)) as pool:
        list(pool.map(task, students))


def grade_student(ctx: Context, student: str, slot: int, worker: Worker | None, steps=None) -> Result:
    """One student through STUDENT_STEPS (or `steps`); a fault at a step is their grader error, and
    their feedback is withheld (a page autograde wrote shows a score the report does not give)."""
    row = ctx.rows[student]
    for each in STUDENT_STEPS if steps is None else steps:
        if row.status != "graded":
            break
        try:
            each(ctx, student, slot, worker)
        except Exception as err:
            grader_error(row, each.__doc__.split(":")[0], err)
            shutil.rmtree(ctx.course / "feedback" / student / ctx.assignment, ignore_errors=True)
            marker = feedbackscan.withheld_marker(ctx.course, ctx.assignment, student)
            marker.parent.mkdir(parents=True, exist_ok=True)  # make feedback writes no page for them either
            marker.write_text("feedback withheld: a grader error; grade this student again\n", encoding="utf-8")
    return row


CLASS_STEPS = [
    prepare.check_sandbox,  # the sandbox works here, or the run refuses
    prepare.open_run_folder,  # grading-runs/<set>-<time>/, the kernelspec, the grading workers
    prepare.check_gradeable,  # the gradebook's cells match source/, the roster reads
    prepare.regenerate,  # nbgrader generate_assignment into the run's folder: the release notebook
    scoring.remember_earlier,  # the last run's answers and the gradebook's scores, before they change
    staging.find_submissions,  # each student's notebook in the folder or zip, matched to the roster
    grade_students,  # STUDENT_STEPS for each student
    feedbackscan.scan_feedback_pages,  # feedback that holds a hidden test or a folder of this machine withheld
    scoring.flag_in_gradebook,  # the formgrader's Flagged column, as the report flags
    scoring.write_reports,  # grades.csv, report.json, report.md: every score derived from the gradebook
]

STUDENT_STEPS = [
    staging.stage,  # read, repaired from the release, made inert, written to staged/
    autograde.autograde,  # nbgrader autograde in the sandbox, the re-check's verdict saved once; feedback
    scoring.read_outcome,  # what the run found: failed tests, timeouts, flags, named mistakes, limits
]


def demo_course(submissions: Path, assignment: str) -> Path | None:
    """The demo course that `submissions` is (or holds, for `assignment`), graded in its own folder."""
    for folder in (submissions, submissions / assignment):
        if (folder / DEMO_MARKER).is_file() and (folder / "source" / assignment).is_dir():
            return folder.resolve()
    return None


def context(assignment: str, submissions: Path, course: Path = REPO, options: Options | None = None, log=print):
    """The Context of a run of `assignment` over `submissions` (a demo class: in its own course)."""
    course = Path(course).resolve()
    assignment = resolve(assignment, course)
    submissions = Path(submissions).resolve()
    if not submissions.exists():  # before anything is opened: a typo changes nothing
        raise FileNotFoundError(f"no submissions at {submissions}")
    demo = demo_course(submissions, assignment)
    if demo:
        log(
            f"a demo class: graded in its own course folder {demo} (gradebook, reports and "
            f"feedback there), not in {course}"
        )
        course, submissions = demo, demo / "submissions"
    return Context(assignment, course, submissions, options or Options(), log)


def grade_class(
    assignment: str, submissions: Path, course: Path = REPO, options: Options | None = None, log=print
) -> Context:
    """Run CLASS_STEPS over a class; the context holds every row as reported and the score changes."""
    ctx = context(assignment, submissions, course, options, log)
    try:
        for each in CLASS_STEPS:
            each(ctx)
        if ctx.options.cluster:  # reported: a later run grades everyone again
            from .cluster import forget

            forget(ctx)
    finally:
        stop(ctx)
    return ctx


def stop(ctx: Context) -> None:
    """The run is over, graded or not: its workers stop, and its folder goes unless kept."""
    for worker in ctx.workers.values():
        worker.stop()
    if ctx.client is not None:
        from .cluster import finish_on_cluster

        finish_on_cluster(ctx)
    if ctx.work is not None and not ctx.options.keep_workdir:
        shutil.rmtree(ctx.work, ignore_errors=True)
        if ctx.made_runs_folder:  # a run that was refused leaves no trace
            with contextlib.suppress(OSError):  # unless another run is in it
                ctx.work.parent.rmdir()
