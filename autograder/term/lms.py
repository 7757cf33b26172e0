"""Grades and feedback in the form an LMS imports: `make grades-lms ASSIGNMENT=ps03 LMS=canvas|moodle`
(`export`). Canvas: its gradebook import (canvas-grades.csv, optionally a column per graded cell) and a zip
for "Re-upload submissions"; Moodle: its grading worksheet (moodle-grades.csv) and a zip for "Upload
multiple feedback files". Every final is derived from the gradebook now, by the rule of every output
(autograder.gradebook.scores); docs/instructor.md, "Publish grades and feedback", says more."""

from __future__ import annotations

import csv
import html
import json
import re
import time
import zipfile
from pathlib import Path

from ..course import csvcells
from ..course.folder import gradebook_url
from ..gradebook.report import refresh
from ..gradebook.roster import load as load_roster
from ..gradebook.rows import rows_by_student
from ..gradebook.scores import Scores, late_text, part_finals

WORKSHEET = (
    "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
    "Last modified (submission),Last modified (grade),Feedback comments"
).split(",")
CANVAS_HEAD = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


class NoGrades(RuntimeError):
    """Nothing to export: one sentence says why."""


def rows_of(course: Path, assignment: str) -> list[dict]:
    """Every student of the assignment's last runs, with the roster's and the gradebook's view."""
    try:
        report = json.loads((course / "reports" / assignment / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise NoGrades(
            f"{assignment} has not been graded in {course} yet (no report.json: {err}); run make autograde first"
        )
    rows = {student: dict(row) for student, row in rows_by_student(report).items()}
    roster = load_roster(course, assignment)
    for entry in roster.entries if roster else []:
        row = rows.setdefault(
            entry.student, {"student": entry.student, "status": "missing", "reason": "nothing handed in"}
        )
        row.update(name=entry.name, lms=entry.lms, lms_id=entry.id_for(assignment), email=entry.email)
        row.update(section=entry.section, sis_user_id=entry.sis_user_id, sis_login_id=entry.sis_login_id)
    _scores(course, assignment, rows)
    return [rows[s] for s in sorted(rows)]


def _scores(course: Path, assignment: str, rows: dict) -> None:
    """Each row's final, the figures of its lateness, its graded cells' points ("parts": score and maximum)
    and their shares of the final ("part_finals": Canvas's per-exercise columns)."""
    from nbgrader.api import Gradebook

    scores = Scores(course, assignment)
    with Gradebook(gradebook_url(course)) as gb:
        row_max = float(gb.find_assignment(assignment).max_score)
        for row in rows.values():
            got = scores.for_row(gb, row["student"], row)
            row.update(max_score=row_max, final=got.final, parts={}, part_finals={}, pending=[])
            if got.why:
                row["reason"] = got.why
            derived = got.derived
            if derived is None:
                continue
            row.update(late_seconds=derived.late_seconds or 0.0, late_penalty=derived.penalty)
            row.update(late_source=derived.late_source, late_note=derived.note, pending=list(derived.pending))
            parts = {name: (score, top) for grades in derived.grades.values() for name, score, top in grades}
            row.update(parts=parts, part_finals=part_finals(derived))


def _num(x: float) -> str:
    return f"{x:g}"


def comment(row: dict) -> str:
    """The text an LMS shows beside the grade: status, what is pending, lateness, failed parts."""
    if row["final"] is None or row.get("status") != "graded":
        return f"{row.get('status', 'missing')}: {row.get('reason') or 'no grade'}"
    lost = [
        f"{name} {_num(s)}/{_num(m)}" for name, (s, m) in row["parts"].items() if s < m and name not in row["pending"]
    ]
    bits = [f"{_num(row['final'])} of {_num(row['max_score'])} points"]
    if row["pending"]:
        bits.append(f"not graded yet: {', '.join(row['pending'])}")
    source = row.get("late_source", "submission time" if row.get("late_seconds") else "")
    late = late_text(source, row.get("late_seconds"), row.get("late_penalty") or 0, row.get("late_note", ""))
    if late:
        bits.append(late)
    if lost:
        bits.append("points lost in " + ", ".join(lost))
    return "; ".join(bits) + ". The feedback file shows each test."


def worksheet_comment(row: dict) -> str:
    """`comment` for Moodle's worksheet, whose "Feedback comments" Moodle shows as HTML: escaped,
    since a reason may quote a file name or an error of the student's."""
    return html.escape(comment(row), quote=False)


def export(
    course: Path, assignment: str, lms: str, title: str | None = None, per_exercise: bool = False
) -> tuple[Path, Path | None, list[str]]:
    """(grades file, feedback zip or None when no feedback file could go into one, what was left out and why)."""
    course = Path(course)
    refresh(course, assignment)  # the reports agree with what goes to the LMS
    rows = rows_of(course, assignment)
    out = course / "reports" / assignment
    grades, bundle = out / f"{lms}-grades.csv", out / f"{lms}-feedback.zip"
    roster = load_roster(course, assignment)
    entries = roster.entries if roster else []
    if lms == "moodle" and any(e.lms == "moodle" for e in entries) and not any(e.id_for(assignment) for e in entries):
        raise NoGrades(
            f"the roster holds Moodle participant numbers of other assignments, not of {assignment}'s: "
            f"read its grading worksheet first, make roster FILE=... ASSIGNMENT={assignment}"
        )
    mine = [r for r in rows if r.get("lms") == lms and r.get("lms_id")]
    name = lms.capitalize()
    no_id = f"no {name} id (not on a {name} roster, nor in a {name} file name)"
    left = [f"{r['student']}: {no_id}" for r in rows if r not in mine]
    if lms == "canvas":
        _canvas(grades, mine, title or assignment, per_exercise)
    elif lms == "moodle":
        _moodle(grades, mine)
    else:
        raise ValueError(f"LMS {lms!r}: canvas or moodle")
    left += _feedback_zip(course, assignment, lms, mine, bundle)
    pending = [r["student"] for r in mine if r["pending"]]
    if pending:
        left.append(
            f"hand grading not finished for {len(pending)} student(s) ({', '.join(pending[:8])}): "
            "their grade counts those answers as 0 until make hand-grade and make feedback"
        )
    return grades, bundle if bundle.exists() else None, left


def _canvas(path: Path, rows: list[dict], title: str, per_exercise: bool) -> None:
    parts = sorted({name for r in rows for name in r["parts"]}) if per_exercise else []
    maxima = {name: m for r in rows for name, (_, m) in r["parts"].items()}
    with open(path, "w", newline="", encoding=csvcells.ENCODING) as f:
        w = csv.writer(f)
        w.writerow(csvcells.row(CANVAS_HEAD + [title] + [f"{title}: {p}" for p in parts]))
        possible = [_num(rows[0]["max_score"]) if rows else ""] + [_num(maxima[p]) for p in parts]
        w.writerow(csvcells.row(["Points Possible", "", "", "", ""] + possible))
        for r in rows:
            score = "" if r["final"] is None else _num(r["final"])
            cells = [r.get("name") or r["student"], r["lms_id"], r.get("sis_user_id", ""), r.get("sis_login_id", "")]
            w.writerow(csvcells.row(cells + [r.get("section", ""), score] + [_part(r, p) for p in parts]))


def _part(row: dict, part: str) -> str:
    """A per-exercise cell: the cell's share of the final; 0 for each cell of a final of 0 with none graded
    (nothing handed in, rejected, failed); empty where the final is."""
    if part in row["part_finals"]:
        return _num(row["part_finals"][part])
    return "0" if row["final"] == 0 and not row["part_finals"] else ""


def _moodle(path: Path, rows: list[dict]) -> None:
    stamp = time.strftime("%A, %d %B %Y, %I:%M %p")
    with open(path, "w", newline="", encoding=csvcells.ENCODING) as f:
        w = csv.writer(f)
        w.writerow(csvcells.row(WORKSHEET))
        for r in rows:
            status = "Submitted for grading" if r.get("status") != "missing" else "No submission"
            grade = "" if r["final"] is None else _num(r["final"])
            cells = [f"Participant {r['lms_id']}", r.get("name") or r["student"], r.get("email", ""), status, grade]
            w.writerow(csvcells.row(cells + [_num(r["max_score"]), "Yes", "", stamp, worksheet_comment(r)]))


def _feedback_zip(course: Path, assignment: str, lms: str, rows: list[dict], bundle: Path) -> list[str]:
    """The feedback files under the names the LMS matches them by; who has none, and why. No zip is written
    (and an earlier one is removed) when it would hold no file: an empty zip looks like an upload that worked."""
    left, files = [], []
    for r in rows:
        html = course / "feedback" / r["student"] / assignment / f"{assignment}.html"
        prefix = r.get("lms_prefix", "") if r.get("lms") == lms else ""
        if not prefix and lms == "moodle" and r.get("name"):
            prefix = f"{r['name'].replace('_', ' ')}_{r['lms_id']}_assignsubmission_file_"
        if not html.is_file():
            if r.get("status") == "graded":
                left.append(f"{r['student']}: no feedback file (withheld, or not written yet)")
            continue
        if not prefix:
            left.append(
                f"{r['student']}: no {lms.capitalize()} file name to match the feedback to "
                "(the submission did not come from its download)"
            )
            continue
        shown = shown_final(html)
        if shown is not None and r["final"] is not None and shown != f"{round(r['final'], 2):g}":
            left.append(
                f"{r['student']}: the feedback file shows a score of {shown}, the gradebook gives "
                f"{_num(r['final'])} now (a grade, due date or extension changed since it was "
                f"written): run make feedback ASSIGNMENT={assignment}, then this command again"
            )
            continue
        files.append((html, f"{prefix}feedback_{assignment}.html"))
    bundle.unlink(missing_ok=True)
    if files:
        with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
            for html, name in files:
                zf.write(html, name)
    return left


FINAL_IN_FEEDBACK = re.compile(r'data-final-score="([^"]{0,40})"')


def shown_final(html: Path) -> str | None:
    """The final score a feedback file shows (the course's template marks it), or None."""
    try:
        m = FINAL_IN_FEEDBACK.search(html.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return m[1] if m else None
