"""Finding and staging the submissions: each student's notebook found (grading.intake) and matched
to the roster (`find_submissions`), then read, repaired, made inert and written to the course's
staged/ folder, which nbgrader grades from (`stage`). The originals are only read."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from ..course.folder import STAGED
from ..gradebook import roster as roster_mod
from ..gradebook.rows import Result
from ..gradebook.scores import record_lms_marks
from . import intake as intake_mod
from .context import Context, grader_error, step
from .feedbackscan import withheld_marker
from .inert import make_inert
from .sanitize import Rejected, read, repair

NBGRADER_RECORDS = ("timestamp.txt", "submission_secret.txt")  # written by nbgrader submit


@step(reads="submissions assignment work options roster course log", writes="found rows rejected_files")
def find_submissions(ctx: Context) -> None:
    """A row for every student the folder or zip names, matched to the roster; Canvas's late marks
    recorded where the final score reads them."""
    found = intake_mod.collect(ctx.submissions, ctx.assignment, ctx.work / "intake", ctx.options.named_regexp)
    ctx.rejected_files = found.rejected
    roster_rows = roster_mod.apply(found, ctx.roster)
    for student, why in found.missing.items():
        ctx.rows[student] = Result(student, "missing", reason=why)
    for student, why in found.refused.items():
        ctx.rows[student] = Result(student, "rejected", reason=why)
    for student, why in found.errors.items():
        ctx.rows[student] = Result(student, "failed")
        grader_error(ctx.rows[student], "finding the notebook", RuntimeError(why))
    for student in sorted(found.notebooks):
        ctx.rows[student] = Result(student, "graded", reason="; ".join(found.notes.get(student, [])))
    for student, row in ctx.rows.items():
        ctx.found[student] = (found.notebooks.get(student), roster_rows.get(student), found.lms.get(student, {}))
        identify(row, ctx.assignment, ctx.roster, *ctx.found[student][1:])
    record_lms_marks(
        ctx.course / "reports" / ctx.assignment,
        {s: found[2].get("prefix", "") for s, found in ctx.found.items() if found[0] is not None},
    )
    where = (
        f"on the Dask cluster {ctx.options.cluster}" if ctx.options.cluster else f"with {ctx.options.jobs} worker(s)"
    )
    how = "sandboxed" if ctx.options.sandboxed else "UNSANDBOXED"
    ctx.log(f"grading {len(found.notebooks)} submission(s) of {ctx.assignment} {where}, {how}")


def identify(row: Result, assignment: str, roster, entry, lms: dict) -> None:
    """Name, LMS and LMS id on the row: the roster's, else what the file's name says."""
    row.lms, row.lms_id, row.lms_prefix = lms.get("lms", ""), lms.get("lms_id", ""), lms.get("prefix", "")
    if entry is not None:
        row.name, row.lms = entry.name, entry.lms or row.lms
        row.lms_id = entry.id_for(assignment) or row.lms_id
    else:
        row.name = row.name or lms.get("name", "")  # Moodle's folder names the student
        if roster is not None:
            row.reason = "; ".join(filter(None, [row.reason, "not on the roster"]))


@step(reads="rows found release_nb options course assignment submissions", writes="rows")
def stage(ctx: Context, student: str, slot: int, worker) -> None:
    """staging: read, repaired from the release version and made inert, into staged/<student>/<set>/
    (nbgrader's submitted_directory for the run, so that submitted/ is only read)."""
    row, path = ctx.rows[student], ctx.found[student][0]
    notes: list[str] = []
    try:
        repaired = repair(read(path, notes), ctx.release_nb)
    except Rejected as err:
        row.status, row.reason = "rejected", str(err)
        return
    row.flags += notes + repaired.flags
    if repaired.notes:
        row.reason = "; ".join(filter(None, [row.reason, *repaired.notes]))
    if ctx.options.inert:
        make_inert(repaired.notebook, ctx.release_nb)
    folder = ctx.course / STAGED / student / ctx.assignment
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    nbformat.write(repaired.notebook, folder / f"{ctx.assignment}.ipynb")
    copy_records(path, folder, student, ctx.assignment, ctx.submissions == (ctx.course / "submitted").resolve())
    for old in ("autograded", "feedback"):
        shutil.rmtree(ctx.course / old / student / ctx.assignment, ignore_errors=True)
    withheld_marker(ctx.course, ctx.assignment, student).unlink(missing_ok=True)


def copy_records(path: Path, folder: Path, student: str, assignment: str, collected: bool) -> None:
    """What `nbgrader collect` keeps beside the notebook, which `release_feedback` needs; the time
    (timestamp.txt, for lateness) only from the course's own submitted/ (`collected`), where the
    collector wrote it: anywhere else the student may have."""
    if not (path.parent.name == assignment and path.parent.parent.name == student):
        return
    for name in NBGRADER_RECORDS:
        if name == "timestamp.txt" and not collected:
            continue
        record = path.parent / name
        if record.is_file() and not record.is_symlink() and record.stat().st_size <= 4096:
            shutil.copyfile(record, folder / name)
