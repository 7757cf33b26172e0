"""A student's final score, derived from the gradebook each time it is shown: the course's nbgrader late
policy applied again, as nbgrader's AssignLatePenalties would, to the score the gradebook holds now,
with today's due date, extensions and Canvas's `_LATE_` marks (docs/grading.md, "One derivation of the
final score"). Call `Scores(course, assignment)`: `.of` a student's FinalScore, `.for_row` the final of
a row of report.json by the one rule every output follows (`final_for_row`)."""

from __future__ import annotations

import json
import math
from contextlib import nullcontext
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..course.folder import course_config, gradebook_url, is_file_gradebook
from ..course.submission_names import CANVAS
from .rows import read_record, rows_by_student

LMS_MARKS = "lms-late.json"  # in reports/<assignment>/: student -> the file name Canvas marked late
MARKED_LATE_SECONDS = 1.0  # how late a mark without a time counts: the least it can mean

ON_TIME, BY_TIME, BY_LMS = "", "submission time", "Canvas"


@dataclass(frozen=True)
class FinalScore:
    raw: float  # every grade's current score: the hand score where given, else the automatic
    max_score: float
    late_seconds: float | None  # past the due date plus extension (0: on time); None: no submission time
    late_source: str  # ON_TIME, BY_TIME (the collector's time), BY_LMS (Canvas's mark)
    penalty: float
    final: float
    pending: tuple[str, ...] = ()  # answers still to be graded by hand (they count 0 until then)
    note: str = ""  # what the student's row says about lateness, '' when nothing
    penalties: dict = field(default_factory=dict)  # notebook -> its penalty (nbgrader keeps one per notebook)
    raws: dict = field(default_factory=dict)  # notebook -> its score before the penalty
    grades: dict = field(default_factory=dict)  # notebook -> ((grade name, score, max score), ...)


def late_plugin(config):
    """The course's LateSubmissionPlugin, built as nbgrader's AssignLatePenalties builds it."""
    from nbgrader.preprocessors import AssignLatePenalties

    assigner = AssignLatePenalties(config=config)
    assigner.init_plugin()
    return assigner.plugin_inst


def canvas_marked_late(prefix: str) -> bool:
    """Whether Canvas's start of a file name ('name_LATE_123_456_') marks the file late."""
    m = CANVAS.match(f"{prefix}x")
    return bool(m and m["late"])


def record_lms_marks(reports: Path, prefixes: dict[str, str]) -> None:
    """Record which of this run's students Canvas marked late ({student: the LMS's start of the
    file name}; '' for none), keeping the marks of students of earlier runs."""
    path = Path(reports) / LMS_MARKS
    marks = {student: prefix for student, prefix in lms_marks_at(path).items() if student not in prefixes}
    marks |= {student: prefix for student, prefix in prefixes.items() if canvas_marked_late(prefix)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(marks, indent=1, sort_keys=True), encoding="utf-8")


def lms_marks_at(path: Path) -> dict[str, str]:
    try:
        marks = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return (
        {k: v for k, v in marks.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(marks, dict) else {}
    )


def lms_marks(course: Path, assignment: str) -> dict[str, str]:
    """The Canvas marks of an assignment's graded students; a course graded before the run recorded them
    has the file names in report.json's rows instead."""
    reports = Path(course) / "reports" / assignment
    if (reports / LMS_MARKS).exists():
        return lms_marks_at(reports / LMS_MARKS)
    return {
        student: r["lms_prefix"]
        for student, r in rows_by_student(read_record(reports)).items()
        if isinstance(r.get("lms_prefix"), str) and canvas_marked_late(r["lms_prefix"])
    }


def lateness(submission, marked_late: bool) -> tuple[float | None, str, str]:
    """(seconds late or None, where that comes from, the sentence for the row)."""
    if submission.timestamp is not None:
        seconds = float(submission.total_seconds_late or 0)
        return seconds, (BY_TIME if seconds > 0 else ON_TIME), ""
    if not marked_late:
        return None, ON_TIME, ""
    if submission.extension is not None and submission.extension.total_seconds() > 0:
        extension = late_by(submission.extension.total_seconds())
        why = f"an extension of {extension} was given, which Canvas's mark did not know of"
        return None, ON_TIME, f"Canvas marked it late; not counted: {why}"
    return None, BY_LMS, "counted as 1 s late on Canvas's mark (its file name does not say how late)"


def final_score(submission, plugin, marked_late: bool = False) -> FinalScore:
    """The final score of one nbgrader submission (a SubmittedAssignment of an open Gradebook),
    under `plugin` (late_plugin), with `marked_late` when the LMS marked its file late."""
    seconds, source, note = lateness(submission, marked_late)
    late_for = seconds if source == BY_TIME else MARKED_LATE_SECONDS if source == BY_LMS else 0.0
    penalties, raws, grades, pending = {}, {}, {}, []
    for nb in submission.notebooks:
        grades[nb.name] = tuple((g.name, float(g.score or 0), float(g.max_score or 0)) for g in nb.grades)
        raws[nb.name] = sum(s for _, s, _ in grades[nb.name])
        penalties[nb.name] = _penalty(plugin, submission.student.id, raws[nb.name], late_for)
        pending += [g.name for g in nb.grades if g.needs_manual_grade]
    raw, penalty = sum(raws.values(), 0.0), sum(penalties.values(), 0.0)
    top = sum((float(nb.max_score or 0) for nb in submission.notebooks), 0.0)
    return FinalScore(
        raw=raw,
        max_score=top,
        late_seconds=seconds,
        late_source=source,
        penalty=penalty,
        final=max(0.0, raw - penalty),
        pending=tuple(pending),
        note=note,
        penalties=penalties,
        raws=raws,
        grades=grades,
    )


def _penalty(plugin, student: str, score: float, seconds_late: float) -> float:
    """nbgrader's AssignLatePenalties on one notebook: the plugin's answer, within 0 and the score."""
    if seconds_late <= 0:
        return 0.0
    penalty = plugin.late_submission_penalty(student, score, seconds_late)
    return 0.0 if penalty is None else min(max(float(penalty), 0.0), score)


def store(submission, result: FinalScore) -> bool:
    """Write the derived penalty into the gradebook, where the formgrader shows it; whether it changed."""
    changed = False
    for nb in submission.notebooks:
        value = result.penalties.get(nb.name) or None  # nbgrader keeps None when not late
        if nb.late_submission_penalty != value:
            nb.late_submission_penalty, changed = value, True
    return changed


def existing_gradebook(course: Path):
    """The course's gradebook opened, or None (as a context) when it is a SQLite file that does not exist:
    reading scores must not create one."""
    from nbgrader.api import Gradebook

    url = gradebook_url(course)
    if is_file_gradebook(url) and not Path(url.removeprefix("sqlite:///")).exists():
        return nullcontext(None)
    return Gradebook(url)


def recorded_scores(course: Path, assignment: str) -> dict[str, float] | None:
    """Each student's score of `assignment` in the gradebook now, before any late penalty; {} without a
    gradebook, None if it cannot be read."""
    try:
        with existing_gradebook(course) as gb:
            submissions = gb.assignment_submissions(assignment) if gb is not None else []
            return {sub.student_id: float(sub.score) for sub in submissions}
    except Exception:
        return None


def final_for_row(row: dict | None, derived: FinalScore | None) -> float | None:
    """The final score of a student's row of report.json (None: no grading run listed them), given what
    the gradebook derives (None: nothing). None is an empty cell, which no LMS imports as a 0."""
    if row is None:  # nbgrader's export: nothing handed in scores 0
        return 0.0 if derived is None else derived.final
    if row.get("grader_error"):
        return None  # the pipeline failed, not the student: run them again
    if row.get("status") != "graded":
        return 0.0  # missing, rejected or failed
    return None if derived is None else derived.final


@dataclass(frozen=True)
class RowScore:
    final: float | None  # final_for_row's answer
    derived: FinalScore | None = None  # the gradebook's figures, for a row that counts them
    why: str = ""  # why a final that should be there is not ('' otherwise)


NO_SUBMISSION = "the gradebook holds no submission of this student's: grade them again (make autograde)"


def part_finals(derived: FinalScore) -> dict[str, float]:
    """Each graded cell's share of the final score, in hundredths of a point, adding up to the final exactly
    (Canvas's per-exercise columns): each notebook's cells keep the part of their points that its penalty
    leaves, and the hundredths that rounding down drops go to the largest remainders (Hamilton's method)."""
    exact: dict[str, Fraction] = {}
    for notebook, grades in derived.grades.items():
        raw = _exact(derived.raws.get(notebook, 0.0))
        kept = (raw - _exact(derived.penalties.get(notebook, 0.0))) / raw if raw > 0 else Fraction(0)
        for name, score, _ in grades:
            exact[name] = exact.get(name, Fraction(0)) + _exact(score) * kept * 100
    floors = {name: math.floor(value) for name, value in exact.items()}
    spare = round(_exact(derived.final) * 100) - sum(floors.values())
    by_remainder = sorted(exact, key=lambda name: exact[name] - floors[name], reverse=True)
    for name in by_remainder[: max(0, spare)]:
        floors[name] += 1
    return {name: hundredths / 100 for name, hundredths in floors.items()}


def _exact(value: float) -> Fraction:
    """A score as the fraction it stands for (0.1 as 1/10, not the float nearest it)."""
    return Fraction(value).limit_denominator(10**6)


class Scores:
    """The course's late policy and LMS marks for one assignment, read once: `of(gb, student)` gives a
    student's FinalScore (None without a submission), `for_row` the final of a row of report.json."""

    def __init__(self, course: Path, assignment: str, config=None):
        self.course, self.assignment = Path(course), assignment
        self.plugin = late_plugin(config if config is not None else course_config(self.course))
        self.marks = lms_marks(self.course, assignment)

    def of(self, gb, student: str) -> FinalScore | None:
        from nbgrader.api import MissingEntry

        if gb is None:  # no gradebook yet (existing_gradebook)
            return None
        try:
            submission = gb.find_submission(self.assignment, student)
        except MissingEntry:
            return None
        result = final_score(submission, self.plugin, student in self.marks)
        if store(submission, result):
            gb.db.commit()
        return result

    def for_row(self, gb, student: str, row: dict | None) -> RowScore:
        """The final of `student`, whose row of report.json is `row` (None: none), by final_for_row; a late
        policy of the course's own that fails gives no final, and says why."""
        if row is not None and (row.get("grader_error") or row.get("status") != "graded"):
            return RowScore(final_for_row(row, None))
        try:
            derived = self.of(gb, student)
        except Exception as err:
            return RowScore(None, why=f"the final score could not be derived ({type(err).__name__}: {str(err)[:200]})")
        return RowScore(
            final_for_row(row, derived), derived, NO_SUBMISSION if derived is None and row is not None else ""
        )


def late_by(seconds: float) -> str:
    """'2 d 3 h', '3 h 5 min', '12 min', '40 s'; '' when on time."""
    if seconds <= 0:
        return ""
    s = int(round(seconds))
    d, h, m = s // 86400, s % 86400 // 3600, s % 3600 // 60
    if d:
        return f"{d} d {h} h"
    if h:
        return f"{h} h {m} min"
    return f"{m} min" if m else f"{s} s"


def late_text(source: str, seconds: float | None, penalty: float, note: str = "") -> str:
    """What a student reads about lateness: 'late by 2 h 5 min, 19 point(s) taken', 'Canvas marked
    it late, ...', or the note of a mark not counted; '' when on time."""
    if source == BY_TIME:
        when = f"late by {late_by(seconds or 0)}"
    elif source == BY_LMS:
        when = "Canvas marked it late"
    else:
        return note
    return when + (f", {penalty:g} point(s) taken" if penalty else ", no points taken")
