"""A student's row in a grading run's record: what the run found, and what every report prints.

A grading run (autograder.grading.pipeline) fills one `Result` per student; report.json keeps
them, and grades.csv, report.md, the LMS files and the export are written from them again
whenever a grade moves (autograder.gradebook.report)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
