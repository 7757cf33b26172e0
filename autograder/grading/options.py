"""What a grading run is asked to do (`Options`), and the ways it stops: the assignment cannot be
graded (`NotGradeable`), the sandbox is missing (`SandboxUnavailable`), or one student's grading
fails through a fault of the pipeline (`grader_error`, that student's row only)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..gradebook.rows import Result


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
    # a regrade's: each student's score in the gradebook when the regrade began (it grades every earlier
    # run's submissions again, one pass each); its report lists the changes from these, net of the passes
    regrade_baseline: dict | None = None
    recheck: bool = True
    # student markdown escaped and only plain outputs kept (autograder.grading.inert); off only to show
    # in a test what the formgrader would run without it
    inert: bool = True
    # sandbox uids are uid_base + slot; two pipelines on one machine need different bases
    uid_base: int = int(os.environ.get("RNNLAB_SANDBOX_UID_BASE", "60001"))
    # a Dask scheduler's address (tcp://host:8786): each student is graded there by one task
    # (autograder.grading.cluster), on workers that share the course folder and a PostgreSQL gradebook
    cluster: str | None = None
    # each grading slot forks its kernels from a warm process (autograder.grading.warm) when a batch has
    # more submissions than slots; off: every kernel is a fresh process in a fresh sandbox
    warm: bool = True


def grader_error(result: Result, stage: str, err: BaseException) -> None:
    """Mark `result` as failed by a fault of the pipeline itself (never a score for the student)."""
    detail = f"{type(err).__name__}: {err}"
    result.status, result.grader_error, result.score = "failed", True, 0.0
    result.reason = (
        f"grader error while {stage} ({detail[:200]}); the grading pipeline failed, "
        "not the submission: re-run this student"
    )
