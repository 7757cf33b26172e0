"""`make export` (nbgrader export): every assignment's grades in nbgrader's own long CSV, with the
final score derived as every other output derives it.

nbgrader's CsvExportPlugin subtracts the late penalty nbgrader stored when it graded, so points
given by hand afterwards escaped a "zero" policy; it also joins the fields with bare commas (a
name with a comma shifts the columns) and writes cells a spreadsheet runs. `FinalExport`, chosen
in nbgrader_config.py (`c.ExportApp.plugin_class`), writes nbgrader's columns with the raw score,
penalty and score of autograder.scores, writes the derived penalty back into the gradebook for
the formgrader, refreshes the reports of every graded assignment, and makes every cell safe for a
spreadsheet (autograder.csvcells).
"""
from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin

from . import csvcells
from .report import refresh
from .scores import Scores

COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
           "raw_score", "late_submission_penalty", "score", "max_score"]


class FinalExport(ExportPlugin):
    """nbgrader's CSV export, with the final scores of autograder.scores."""

    def export(self, gradebook) -> None:
        course = Path(self.parent.coursedir.root) if self.parent is not None else Path.cwd()
        dest = self.to or "grades.csv"
        students = [str(s) for s in self.student]
        wanted = [str(a) for a in self.assignment]
        self.log.info("Exporting final grades to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS)
            for assignment in gradebook.assignments:
                if wanted and assignment.name not in wanted:
                    continue
                scores = Scores(course, assignment.name, config=self.config)
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    writer.writerow(csvcells.row(_row(gradebook, scores, assignment, student)))
                refresh(course, assignment.name)


def _row(gradebook, scores: Scores, assignment, student) -> list:
    """One student's line: nothing handed in scores 0, as in nbgrader's export."""
    try:
        submission = gradebook.find_submission(assignment.name, student.id)
    except MissingEntry:
        timestamp, raw, penalty, final = "", 0.0, 0.0, 0.0
    else:
        timestamp = submission.timestamp
        try:
            derived = scores.of(gradebook, student.id)
            raw, penalty, final = derived.raw, derived.penalty, derived.final
        except Exception as err:                 # a late policy of the course's own that fails: this row alone
            scores.plugin.log.error("%s of %s: no final score (%s: %s)", assignment.name, student.id,
                                    type(err).__name__, err)
            raw, penalty, final = float(submission.score), None, None
    values = [assignment.name, assignment.duedate, timestamp, student.id, student.last_name, student.first_name,
              student.email, raw, penalty, final, assignment.max_score]
    return ["" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in values]
