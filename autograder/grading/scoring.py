"""Stage 4 of a grading run: the scores nbgrader wrote, read back from the gradebook into each
student's row, with the tests failed and the cells timed out; on a regrade, the hand grades of
answers that did not change kept; the formgrader's Flagged column set as the report flags."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from ..course.folder import STAGED, gradebook_url
from ..gradebook.rows import Result
from ..gradebook.scores import recorded_scores
from .options import grader_error


class Scoring:
    """Run's fourth stage (autograder.grading.pipeline.Run)."""

    def answers_in(self, folder: str, student: str) -> dict[str, str]:
        """The answer cells' text of a student's notebook in one of the course's folders
        ("autograded": the last grading run's; STAGED: this run's), by grade id; {} if none."""
        path = self.course / folder / student / self.assignment / f"{self.assignment}.ipynb"
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

    def graded_answers(self) -> dict[str, dict[str, str]]:
        """The answers of the last grading run (autograded/), of every student it graded."""
        folder = self.course / "autograded"
        students = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        return {s: self.answers_in("autograded", s) for s in students}

    def keep_hand_grades(self, earlier: dict[str, dict[str, str]]) -> None:
        """A regrade keeps hand grades as graded: nbgrader's autograde marks every answer with a
        manual score "needs manual grade" again. Where the answer is the one that was hand-graded
        (same text as in the last run), the mark is cleared and the hand grade stands; a changed
        answer keeps the mark, so it is looked at again."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(gradebook_url(self.course)) as gb:
            for student, before in earlier.items():
                if not before or student not in self.results or self.results[student].status != "graded":
                    continue
                now = self.answers_in(STAGED, student)
                try:
                    for nb in gb.find_submission(self.assignment, student).notebooks:
                        for grade in nb.grades:
                            if (
                                grade.manual_score is not None
                                and grade.needs_manual_grade
                                and grade.name in before
                                and before[grade.name] == now.get(grade.name)
                            ):
                                grade.needs_manual_grade = False
                    gb.db.commit()
                except MissingEntry:
                    continue
                except Exception as err:  # this student alone
                    grader_error(self.results[student], "keeping the hand grades", err)

    def gradebook_scores(self) -> dict[str, float] | None:
        """Each student's score in the gradebook now (hand grades included); None if unreadable."""
        return recorded_scores(self.course, self.assignment)

    def collect_scores(self, students: list[str] | None = None) -> None:
        """Scores from the gradebook into the results of `students` (default: everyone's)."""
        from nbgrader.api import Gradebook

        db_url = gradebook_url(self.course)
        with Gradebook(db_url) as gb:
            assignment = gb.find_assignment(self.assignment)
            max_score = self.max_score = assignment.max_score
            for result in self.results.values() if students is None else [self.results[s] for s in students]:
                result.max_score = max_score
                if result.status != "graded":
                    result.score = 0.0
                    continue
                try:
                    self.score_one(gb, result)
                except Exception as err:  # this student alone
                    grader_error(result, "reading the scores from the gradebook", err)

    def earlier_rows(self) -> list[Result]:
        """The students of earlier runs of this assignment who are not in this one (a run of late
        submissions only, say): their rows stay in grades.csv, with the score the gradebook holds now."""
        from nbgrader.api import Gradebook

        try:
            previous = json.loads((self.reports / "report.json").read_text(encoding="utf-8"))
            rows = [
                r
                for r in previous.get("students", []) + previous.get("earlier_students", [])
                if isinstance(r, dict) and r.get("student") not in self.results
            ]
        except (OSError, ValueError, AttributeError, TypeError):
            return []
        kept, seen = [], set()
        with Gradebook(gradebook_url(self.course)) as gb:
            for row in rows:
                try:
                    r = Result(**{k: v for k, v in row.items() if k in Result.__dataclass_fields__})
                except TypeError:
                    continue
                if r.student in seen:
                    continue
                seen.add(r.student)
                if r.status == "graded" and not r.grader_error:
                    r.needs_manual, r.failed_tests = [], []
                    try:
                        self.score_one(gb, r)  # hand grades since then count
                    except Exception as err:
                        r.reason = (
                            f"the score of the earlier run; the gradebook could not be read for it "
                            f"({type(err).__name__})"
                        )
                kept.append(r)
        return kept

    def mark_flagged(self) -> None:
        """The formgrader's Flagged column shows what the report flags: each graded submission
        with a flag is flagged in the gradebook, one without is not (a regrade clears it)."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(gradebook_url(self.course)) as gb:
            for result in self.results.values():
                if result.status != "graded":
                    continue
                try:
                    for nb in gb.find_submission(self.assignment, result.student).notebooks:
                        nb.flagged = bool(result.flags)
                    gb.db.commit()
                except MissingEntry:
                    continue
                except Exception as err:  # this student alone
                    grader_error(result, "flagging the submission in the gradebook", err)

    def score_one(self, gb, result: Result) -> None:
        from nbgrader.api import MissingEntry

        try:
            submission = gb.find_submission(self.assignment, result.student)
        except MissingEntry:
            result.status, result.reason = "failed", "nbgrader recorded no grades"
            return
        result.score = float(submission.score)
        # the time is the collector's (timestamp.txt from the course's submitted/ only: stage_one)
        result.late_seconds = float(submission.total_seconds_late or 0)
        result.late_penalty = float(submission.late_submission_penalty or 0)
        # in the notebook's order, whatever order the database returns them in (SQLite: as
        # written; PostgreSQL: any)
        order = {c.metadata.get("nbgrader", {}).get("grade_id"): k for k, c in enumerate(self.source_nb.cells)}
        for nb in submission.notebooks:
            for grade in sorted(nb.grades, key=lambda g: (order.get(g.name, len(order)), g.name)):
                if grade.needs_manual_grade:
                    result.needs_manual.append(grade.name)
                # a test the re-check held for a hand grade needs one and failed (record_in_gradebook)
                if (
                    grade.cell.cell_type == "code"
                    and grade.auto_score is not None
                    and grade.auto_score < grade.max_score
                    and not _is_solution(grade)
                ):
                    result.failed_tests.append(grade.name)
        result.timeouts = timeouts_in(
            self.course / "autograded" / result.student / self.assignment / f"{self.assignment}.ipynb"
        )


def _is_solution(grade) -> bool:
    return bool(getattr(grade.cell, "solution", False)) or grade.cell.__class__.__name__ == "SolutionCell"


def timeouts_in(path: Path) -> list[str]:
    if not path.exists():
        return []
    nb = nbformat.read(path, 4)
    found = []
    for n, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError":
                found.append(cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {n}")
    return found
