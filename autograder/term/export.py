"""`make export` (nbgrader export): every assignment's grades in nbgrader's own long CSV, with the
final score derived as every other output derives it.

nbgrader's CsvExportPlugin subtracts the late penalty nbgrader stored when it graded, so points
given by hand afterwards escaped a "zero" policy; it also joins the fields with bare commas (a
name with a comma shifts the columns) and writes cells a spreadsheet runs. `FinalExport`, chosen
in nbgrader_config.py (`c.ExportApp.plugin_class`), writes nbgrader's columns with the raw score,
penalty and score of autograder.gradebook.scores, writes the derived penalty back into the gradebook for
the formgrader, refreshes the reports of every graded assignment, and makes every cell safe for a
spreadsheet (autograder.course.csvcells). Which final a student gets is the reports' and the LMS files'
rule (autograder.gradebook.scores.final_for_row), read against the grading runs' rows (report.json): a
submission that a failed or rejected run left in the gradebook scores 0 there too, and a grader
error leaves the score empty.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin

from ..course import csvcells
from ..gradebook.report import refresh, rows_by_student
from ..gradebook.scores import Scores

COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
]


class FinalExport(ExportPlugin):
    """nbgrader's CSV export, with the final scores of autograder.gradebook.scores."""

    def export(self, gradebook) -> None:
        course = Path(self.parent.coursedir.root) if self.parent is not None else Path.cwd()
        dest = self.to or "grades.csv"
        students = [str(s) for s in self.student]
        wanted = [str(a) for a in self.assignment]
        self.log.info("Exporting final grades to %s", dest)
        with open(dest, "w", newline="", encoding=csvcells.ENCODING) as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS)
            for assignment in gradebook.assignments:
                if wanted and assignment.name not in wanted:
                    continue
                scores = Scores(course, assignment.name, config=self.config)
                rows = recorded_rows(course, assignment.name)
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    writer.writerow(csvcells.row(_row(gradebook, scores, assignment, student, rows.get(student.id))))
                refresh(course, assignment.name)


def recorded_rows(course: Path, assignment: str) -> dict[str, dict]:
    """The grading runs' rows of an assignment by student; none for one not graded here."""
    try:
        return rows_by_student(
            json.loads((course / "reports" / assignment / "report.json").read_text(encoding="utf-8"))
        )
    except (OSError, ValueError):
        return {}


def _row(gradebook, scores: Scores, assignment, student, row: dict | None = None) -> list:
    """One student's line, whose row of report.json is `row` (None: no grading run listed them):
    the final by final_for_row; the raw score and penalty beside it where the final counts them."""
    got = scores.for_row(gradebook, student.id, row)
    try:
        timestamp = gradebook.find_submission(assignment.name, student.id).timestamp
    except MissingEntry:
        timestamp = ""
    if got.derived is not None:
        raw, penalty = got.derived.raw, got.derived.penalty
    else:  # 0 by the rule (0 and 0 beside it), or none (neither)
        raw = penalty = None if got.final is None else 0.0
    if got.why:
        scores.plugin.log.error("%s of %s: no final score (%s)", assignment.name, student.id, got.why)
    values = [
        assignment.name,
        assignment.duedate,
        timestamp,
        student.id,
        student.last_name,
        student.first_name,
        student.email,
        raw,
        penalty,
        got.final,
        assignment.max_score,
    ]
    return ["" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in values]
