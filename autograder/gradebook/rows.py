"""A student's row of a grading run's record (`Result`), and the record, report.json, read (`read_record`,
`rows_by_student`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Result:
    student: str
    status: str  # graded | rejected | missing | failed
    score: float = 0.0
    max_score: float = 0.0
    reason: str = ""
    failed_tests: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)
    needs_manual: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    seconds: float = 0.0
    grader_error: bool = False  # the pipeline failed, not the submission: re-run it
    limits: dict = field(default_factory=dict)  # limit -> how it was enforced, for this run
    late_seconds: float = 0.0  # past the due date (and extension) in nbgrader's gradebook
    late_penalty: float = 0.0  # points nbgrader's LateSubmissionPlugin took for it
    name: str = ""  # the roster's name of the student
    lms: str = ""  # canvas | moodle | blackboard, where the LMS named the file
    lms_id: str = ""  # the LMS's id of the student (roster, or the file's name)
    lms_prefix: str = ""  # the LMS's own start of the file's name (feedback upload)
    diagnoses: dict = field(default_factory=dict)  # failed exercise -> catalogued mistake ("" not recognised)


def read_record(reports: Path) -> dict:
    """report.json of the reports folder `reports`; {} when there is none or it cannot be read."""
    try:
        record = json.loads((Path(reports) / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def rows_by_student(record: dict) -> dict[str, dict]:
    """The rows of report.json by student: the last run's, and those of earlier runs' students."""
    rows = record.get("earlier_students", []) + record.get("students", []) if isinstance(record, dict) else []
    return {r["student"]: r for r in rows if isinstance(r, dict) and isinstance(r.get("student"), str)}
