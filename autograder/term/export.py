"""`make export` (nbgrader export, through `FinalExport`, which nbgrader_config.py names): every assignment's
grades in nbgrader's own long CSV, with the final score derived as every other output derives it
(autograder.gradebook.scores), and each cell safe for a spreadsheet (autograder.course.csvcells)."""

from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin

from ..course import csvcells
from ..gradebook.report import refresh
from ..gradebook.rows import read_record, rows_by_student
from ..gradebook.scores import Scores

COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email"]
COLUMNS += ["raw_score", "late_submission_penalty", "score", "max_score"]


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
                rows = rows_by_student(read_record(course / "reports" / assignment.name))
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    writer.writerow(csvcells.row(_row(gradebook, scores, assignment, student, rows.get(student.id))))
                refresh(course, assignment.name)


def _row(gradebook, scores: Scores, assignment, student, row: dict | None = None) -> list:
    """One student's line, whose row of report.json is `row` (None: no grading run listed them): the final
    by final_for_row, the raw score and penalty beside it where the final counts them."""
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
    values = [assignment.name, assignment.duedate, timestamp, student.id, student.last_name, student.first_name]
    values += [student.email, raw, penalty, got.final, assignment.max_score]
    return ["" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in values]
