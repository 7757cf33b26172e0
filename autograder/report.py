"""grades.csv, report.json and report.md for one grading run.

A student whose grading failed through a fault of the pipeline (`grader_error`) gets no score
in grades.csv: an empty cell cannot be imported into an LMS as a zero. File names that are not
UTF-8 are written with U+FFFD in their place."""
from __future__ import annotations

import csv
import json
import platform
import time
from dataclasses import asdict

from .intake import shown as _text


def score_changes(previous: dict, results, gradebook: dict | None = None) -> list[tuple[str, float, float]]:
    """(student, score before, score now) of each student graded before this run and in it whose
    score differs. Before: what the gradebook held when the run started (`gradebook`, hand grades
    given since the last run included), else the previous run's report.json."""
    before = {s["student"]: s["score"] for s in previous.get("students", []) + previous.get("earlier_students", [])
              if isinstance(s, dict) and not s.get("grader_error") and isinstance(s.get("score"), (int, float))}
    if gradebook is not None:
        before = {student: score for student, score in gradebook.items() if student in before}
    return [(r.student, before[r.student], r.score) for r in results
            if r.student in before and not r.grader_error and abs(r.score - before[r.student]) > 1e-9]


def write_reports(run, seconds: float, earlier=()) -> list[tuple[str, float, float]]:
    """Write the three files; returns the score changes since the previous run. `earlier`: rows
    of students graded in earlier runs and not in this one, kept in grades.csv and listed apart."""
    out = run.reports
    out.mkdir(parents=True, exist_ok=True)
    results = sorted(run.results.values(), key=lambda r: r.student)
    try:
        previous = json.loads((out / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    changes = score_changes(previous if isinstance(previous, dict) else {}, results, getattr(run, "scores_before", None))
    here = {r.student for r in results}
    shown = changes + [tuple(c) for c in getattr(run.opt, "prior_changes", ()) if c[0] not in here]

    with open(out / "grades.csv", "w", newline="", encoding="utf-8", errors="replace") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "name", "lms_id", "score", "max_score", "status", "needs_manual_grading", "flags",
                         "late_by", "late_penalty"])
        for r in sorted([*results, *earlier], key=lambda r: r.student):
            writer.writerow([r.student, r.name, r.lms_id, "" if r.grader_error else f"{r.score:g}", f"{r.max_score:g}", r.status,
                             len(r.needs_manual), len(r.flags), late_by(r.late_seconds), f"{r.late_penalty:g}"])

    sources = [p for p in previous.get("sources", [previous.get("submissions")] if previous.get("submissions") else [])
               if isinstance(p, str) and p != str(run.submissions)] if isinstance(previous, dict) else []
    meta = {"assignment": run.assignment, "submissions": str(run.submissions),
            "sources": [*sources, str(run.submissions)],       # every run's, oldest first: make regrade grades each
            "sandboxed": run.opt.sandboxed, "jobs": run.opt.jobs, "seconds": seconds,
            "finished": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": platform.node()}
    (out / "report.json").write_text(json.dumps(
        {**meta, "students": [asdict(r) for r in results], "changes": shown,
         "earlier_students": [asdict(r) for r in earlier],
         "rejected_files": [{"entry": _text(e), "reason": _text(why)} for e, why in run.rejected_files]},
        indent=1), encoding="utf-8")

    absent = [r.student for r in [*results, *earlier] if r.status == "missing" and r.reason == NOTHING]
    roster = (f" The roster has {len(run.roster.entries)} student(s), each with a row below; handed in nothing: "
              f"{_cell(', '.join(absent)) or 'nobody'}." if getattr(run, "roster", None) is not None else "")
    lines = [f"# Grading report: {run.assignment}", "",
             f"{sum(r.reason != NOTHING for r in results)} submission(s) in {seconds} s with {run.opt.jobs} worker(s), "
             f"{'sandboxed' if run.opt.sandboxed else '**UNSANDBOXED**'}. Feedback: feedback/<student>/{run.assignment}/.{roster}",
             "", *TABLE]
    lines += [_row(r) for r in results]
    if shown:
        lines += ["", f"## Scores changed since the last run ({_cell(str(previous.get('finished', '?')))})", "",
                  "| student | before | now | change |", "|---|---|---|---|"]
        lines += [f"| {_cell(student)} | {old:g} | {new:g} | {new - old:+g} |" for student, old, new in sorted(shown)]
    if earlier:
        lines += ["", "## Graded in earlier runs, not in this one", "",
                  "Kept in grades.csv, with the score the gradebook holds now (hand grades since included).", "",
                  *TABLE, *(_row(r) for r in earlier)]
    lines += limits_section(results)
    lines += mistakes_section(run.assignment, results)
    if run.rejected_files:
        lines += ["", "## Files not graded", "", "| file or archive entry | reason |", "|---|---|"]
        lines += [f"| {_cell(e)} | {_cell(why)} |" for e, why in run.rejected_files]
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changes


def mistakes_section(assignment: str, results) -> list[str]:
    """Per exercise of the catalogue: how many students failed it, and how many of those made
    each catalogued mistake, or one it does not recognise (where to revisit a lecture)."""
    from rnnlab.diagnose import catalogue

    entries = catalogue(assignment)
    failed = {ex: [r.diagnoses[ex] for r in results if ex in r.diagnoses] for ex in entries}
    if not any(failed.values()):
        return []
    out = ["", "## Mistakes named in the feedback", "",
           "Students who failed an exercise, by the catalogued mistake their answer behaves like "
           "(rnnlab/data/diagnoses/).", "", "| exercise | failed | mistake | students |", "|---|---|---|---|"]
    for ex, named in failed.items():
        if not named:
            continue
        counts = [(e.title, named.count(e.id)) for e in entries[ex] if e.id in named]
        counts.append(("not recognised", named.count("")))
        for k, (title, n) in enumerate(c for c in counts if c[1]):
            out.append(f"| {ex if k == 0 else ''} | {len(named) if k == 0 else ''} | {_cell(title)} | {n} |")
    return out


NOTHING = "nothing handed in"          # the reason of a rostered student's row with no submission
TABLE = ["| student | score | status | failed tests | timeouts | flags and reasons |", "|---|---|---|---|---|---|"]


def _row(r) -> str:
    late = ([f"late by {late_by(r.late_seconds)}" + (f" (penalty {r.late_penalty:g})" if r.late_penalty else "")]
            if r.late_seconds > 0 else [])
    notes = "; ".join(([r.reason] if r.reason else []) + late + r.flags +
                      ([f"hand grading needed: {', '.join(r.needs_manual)}"] if r.needs_manual else []))
    score = "grader error" if r.grader_error else f"{r.score:g}"
    who = f"{r.student} ({_cell(r.name)})" if r.name else r.student
    return (f"| {who} | {score} / {r.max_score:g} | {r.status} | {', '.join(r.failed_tests) or '-'} | "
            f"{', '.join(r.timeouts) or '-'} | {_cell(notes) or '-'} |")


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


def _cell(text: str) -> str:
    return _text(text).replace("|", "\\|").replace("\n", " ")


def limits_section(results) -> list[str]:
    """The limits each kernel ran under; students with the same limits share a row."""
    rows: dict[str, list[str]] = {}
    for r in results:
        if r.limits:
            shown = "; ".join(f"{k}: {v}" for k, v in r.limits.items() if k != "peak memory of the whole kernel")
            rows.setdefault(shown, []).append(r.student + (f" (peak {r.limits['peak memory of the whole kernel']})"
                                                           if "peak memory of the whole kernel" in r.limits else ""))
    if not rows:
        return []
    out = ["", "## Limits in force", "", "| limits | students (peak memory of the whole kernel) |", "|---|---|"]
    return out + [f"| {_cell(shown)} | {_cell(', '.join(students))} |" for shown, students in rows.items()]
