"""What a grading run's steps share: `Options`, `Context`, the `@step` declaration, and the ways a run
stops (`NotGradeable`, `SandboxUnavailable`) or one student's grading fails (`grader_error`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..gradebook.rows import Result
from .workerclient import Worker


class SandboxUnavailable(RuntimeError):
    pass


class NotGradeable(RuntimeError):
    """The assignment, not a submission, stops the run: one sentence says why."""


@dataclass
class Options:
    jobs: int = 2
    sandboxed: bool = True
    cell_timeout: int | None = None  # seconds; None keeps nbgrader_config.py's value
    submission_timeout: int = 900  # seconds of wall clock per submission
    named_regexp: str | None = None
    keep_workdir: bool = False
    # a regrade's scores when it began, from which its report lists the changes
    regrade_baseline: dict | None = None
    # student markdown escaped and only plain outputs kept (grading.inert); off only in a test
    inert: bool = True
    # sandbox uids are uid_base + slot; two pipelines on one machine need different bases
    uid_base: int = int(os.environ.get("RNNLAB_SANDBOX_UID_BASE", "60001"))
    # a Dask scheduler's address (tcp://host:8786): each student is graded there by one task
    cluster: str | None = None


@dataclass
class Context:
    """Everything a run's steps share. The first four fields are given; the steps fill the rest."""

    assignment: str
    course: Path
    submissions: Path
    options: Options = field(default_factory=Options)
    log: Callable = print
    work: Path | None = None  # the run's own folder, in grading-runs/
    sandbox: object = None  # grading.sandbox.Sandbox
    workers: dict[int, Worker] = field(default_factory=dict)  # slot -> grading worker
    client: object = None  # the Dask client of a cluster run
    roster: object = None  # gradebook.roster.Roster, when the course has one
    release_nb: object = None  # the student version, regenerated for this run
    cell_timeout: int = 60  # seconds per cell: the run's, else nbgrader_config.py's
    earlier: dict[str, dict[str, str]] = field(default_factory=dict)  # student -> last graded answers
    scores_before: dict | None = None  # the gradebook's scores when the run began
    found: dict[str, tuple] = field(default_factory=dict)  # student -> (notebook, roster row, LMS details)
    rejected_files: list[tuple[str, str]] = field(default_factory=list)  # what the intake refused, and why
    rows: dict[str, Result] = field(default_factory=dict)  # student -> row of the report
    changes: list = field(default_factory=list)  # (student, score before, score now)
    started: float = field(default_factory=time.monotonic)
    made_runs_folder: bool = False  # grading-runs/ made by this run


def step(reads: str = "", writes: str = ""):
    """Declare what a step reads and writes of the Context (names separated by spaces)."""

    def mark(fn):
        fn.reads, fn.writes = frozenset(reads.split()), frozenset(writes.split())
        return fn

    return mark


def grader_error(result: Result, stage: str, err: BaseException) -> None:
    """Mark `result` as failed by a fault of the pipeline itself (never a score for the student)."""
    detail = f"{type(err).__name__}: {err}"
    result.status, result.grader_error, result.score = "failed", True, 0.0
    result.reason = (
        f"grader error while {stage} ({detail[:200]}); the grading pipeline failed, "
        "not the submission: re-run this student"
    )
