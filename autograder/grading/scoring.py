"""The steps that read the gradebook and write the run's record: `remember_earlier`, `read_outcome`,
`flag_in_gradebook`, and `write_reports` (gradebook.report derives every score from the gradebook)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat

from ..course.folder import gradebook_url
from ..gradebook.report import write_run
from ..gradebook.rows import Result
from ..gradebook.scores import recorded_scores
from . import recheck
from .context import Context, grader_error, step


def answers_in(path: Path) -> dict[str, str]:
    """The answer cells' text of a notebook, by grade id; {} if it cannot be read."""
    try:
        nb = nbformat.read(path, 4)
    except Exception:
        return {}
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nb.cells
        if isinstance(c.metadata.get("nbgrader"), dict)
        and c.metadata["nbgrader"].get("solution")
        and isinstance(c.metadata["nbgrader"].get("grade_id"), str)
    }


@step(reads="course assignment", writes="earlier scores_before")
def remember_earlier(ctx: Context) -> None:
    """The last run's answers, by student (a hand grade of an unchanged answer stands:
    recheck.SaveGrades), and the gradebook's scores now, for the report's list of changes."""
    folder = ctx.course / "autograded"
    for student in sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
        ctx.earlier[student] = answers_in(folder / student / ctx.assignment / f"{ctx.assignment}.ipynb")
    ctx.scores_before = recorded_scores(ctx.course, ctx.assignment)


@step(reads="rows course assignment work", writes="rows")
def read_outcome(ctx: Context, student: str, slot: int, worker) -> None:
    """reading the outcome: the tests failed and held, the cells timed out, and the re-check's
    flags and named mistakes."""
    from nbgrader.api import Gradebook, MissingEntry

    row = ctx.rows[student]
    verdict_file = recheck.paths(ctx.work, student)["verdict"]
    if verdict_file.exists():
        verdict = json.loads(verdict_file.read_text())
        row.flags += verdict["flags"]
        row.diagnoses = verdict["diagnoses"]
    graded = ctx.course / "autograded" / student / ctx.assignment / f"{ctx.assignment}.ipynb"
    source = ctx.course / "source" / ctx.assignment / f"{ctx.assignment}.ipynb"
    order = {gid: k for k, gid in enumerate(grade_ids(source))}
    with Gradebook(gradebook_url(ctx.course)) as gb:
        try:
            submission = gb.find_submission(ctx.assignment, student)
        except MissingEntry:
            row.status, row.reason = "failed", "nbgrader recorded no grades"
            return
        for nb in submission.notebooks:
            # in the notebook's order, whatever order the database returns them in
            for grade in sorted(nb.grades, key=lambda g: (order.get(g.name, len(order)), g.name)):
                if grade.needs_manual_grade:
                    row.needs_manual.append(grade.name)
                if (
                    grade.cell.cell_type == "code"
                    and grade.auto_score is not None
                    and grade.auto_score < grade.max_score
                    and not (getattr(grade.cell, "solution", False) or grade.cell.__class__.__name__ == "SolutionCell")
                ):
                    row.failed_tests.append(grade.name)
    row.timeouts = timeouts_in(graded)


def grade_ids(path: Path) -> list[str]:
    """Every grade id of a notebook, in its order ([] if it cannot be read)."""
    try:
        cells = nbformat.read(path, 4).cells
    except Exception:
        return []
    return [c.metadata["nbgrader"]["grade_id"] for c in cells if c.metadata.get("nbgrader", {}).get("grade_id")]


def timeouts_in(path: Path) -> list[str]:
    if not path.exists():
        return []
    found = []
    for n, cell in enumerate(nbformat.read(path, 4).cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError":
                found.append(cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {n}")
    return found


@step(reads="rows course assignment", writes="rows")
def flag_in_gradebook(ctx: Context) -> None:
    """The formgrader's Flagged column as the report flags: set or cleared for each graded submission."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(ctx.course)) as gb:
        for row in ctx.rows.values():
            if row.status != "graded":
                continue
            try:
                for nb in gb.find_submission(ctx.assignment, row.student).notebooks:
                    nb.flagged = bool(row.flags)
                gb.db.commit()
            except MissingEntry:
                continue
            except Exception as err:  # this student alone
                grader_error(row, "flagging the submission in the gradebook", err)


@step(
    reads="course assignment rows submissions options started rejected_files roster scores_before",
    writes="rows changes",
)
def write_reports(ctx: Context) -> None:
    """grades.csv, report.json and report.md, every score derived from the gradebook; rows as written."""
    written, ctx.changes = write_run(
        ctx.course,
        ctx.assignment,
        list(ctx.rows.values()),
        submissions=ctx.submissions,
        sandboxed=ctx.options.sandboxed,
        jobs=ctx.options.jobs,
        seconds=round(time.monotonic() - ctx.started, 1),
        rejected_files=ctx.rejected_files,
        roster=ctx.roster,
        scores_before=ctx.scores_before,
        regrade_baseline=ctx.options.regrade_baseline,
    )
    fields = Result.__dataclass_fields__
    ctx.rows = {r["student"]: Result(**{k: v for k, v in r.items() if k in fields}) for r in written}
