"""The steps before any student is graded: the sandbox checked, the run's folder and grading workers,
the course checked as gradeable, and the assignment regenerated into the run's folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat

from ..course.folder import course_config, gradebook_url, is_file_gradebook
from ..gradebook import roster as roster_mod
from . import sandbox
from .context import Context, NotGradeable, SandboxUnavailable, step
from .workerclient import Worker


@step(reads="options course assignment", writes="sandbox work")
def check_sandbox(ctx: Context) -> None:
    """The run's sandbox, which must work here unless `--unsandboxed` is asked."""
    ctx.work = ctx.course / "grading-runs" / f"{ctx.assignment}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    ctx.sandbox = sandbox.for_run(ctx.options.sandboxed, ctx.work, ctx.options.uid_base)
    reason = ctx.sandbox.problem()
    if reason:
        raise SandboxUnavailable(
            f"THE GRADING SANDBOX IS NOT AVAILABLE: {reason}.\nRefusing to run student code with your rights. "
            "Install bubblewrap (sudo apt-get install bubblewrap; or sudo make system-deps, which also installs "
            "the test suite's tools), or rerun with --unsandboxed (make autograde ... UNSANDBOXED=1) if you "
            "trust every submission."
        )
    if ctx.options.cluster and is_file_gradebook(gradebook_url(ctx.course)):
        raise NotGradeable(cluster_needs_postgres(ctx.course, ctx.options.cluster))


@step(reads="work options course sandbox", writes="made_runs_folder workers client cell_timeout")
def open_run_folder(ctx: Context) -> None:
    """The run's folder with its kernelspec, and one grading worker per parallel slot."""
    ctx.made_runs_folder = not ctx.work.parent.exists()
    ctx.work.mkdir(parents=True)
    ctx.sandbox.prepare()
    ctx.cell_timeout = int(
        ctx.options.cell_timeout or course_config(ctx.course).get("Execute", {}).get("timeout", 30) or 30
    )
    if ctx.options.cluster:
        from .cluster import connect

        ctx.client = connect(ctx)
        slots = 1  # here, only the assignment is regenerated
    else:
        slots = max(1, ctx.options.jobs)
    for slot in range(slots):
        ctx.workers[slot] = Worker(ctx.course, ctx.work / f"worker-{slot}.log")


@step(reads="course assignment", writes="roster")
def check_gradeable(ctx: Context) -> None:
    """The gradebook's cells still those of source/, and the roster readable (its names to the gradebook)."""
    from ..gradebook.cells import changed_after_grading

    why = changed_after_grading(ctx.course, ctx.assignment)
    if why:
        raise NotGradeable(f"{ctx.assignment} cannot be graded as source/ now stands: {why}")
    try:
        ctx.roster = roster_mod.load(ctx.course, ctx.assignment)
    except roster_mod.RosterError as err:
        raise NotGradeable(str(err)) from None
    if ctx.roster is not None:  # names for the formgrader; also the students who hand in nothing
        roster_mod.into_gradebook(ctx.course, ctx.roster.entries)


@step(reads="workers assignment work", writes="release_nb")
def regenerate(ctx: Context) -> None:
    """nbgrader generate_assignment into the run's folder (the gradebook up to date with source/)."""
    ctx.workers[0].generate(ctx.assignment, ctx.work / "release")
    ctx.release_nb = nbformat.read(ctx.work / "release" / ctx.assignment / f"{ctx.assignment}.ipynb", 4)


def cluster_needs_postgres(course: Path, cluster: str) -> str:
    """Why a cluster run refuses the course's SQLite gradebook, and what to do."""
    held = (course / "gradebook.db").is_file()
    return (
        f"grading on the cluster {cluster} needs a gradebook that many machines can write at once; "
        f"{course}'s is a SQLite file{' (gradebook.db)' if held else ''}. Put a PostgreSQL URL in the environment "
        "variable RNNLAB_GRADEBOOK_URL, here and on every worker (export RNNLAB_GRADEBOOK_URL='postgresql+psycopg:"
        "//grader:PASSWORD@db.example.org/rnn_course'), never in nbgrader_config.py, where its password would "
        "reach the repository"
        + (
            ". Bring this term's grades along first, into the empty database: make gradebook-move (it reads that "
            "variable)"
            if held
            else "; an empty database is enough, the run fills it"
        )
        + ". Or grade without CLUSTER (docs/grading.md; make try-cluster tries the cluster path on this machine)"
    )
