"""grades.csv, report.json and report.md of one problem set: `write_run` after a grading run, `refresh`
whenever a grade may have moved (docs/instructor.md, "One final score, derived whenever it is shown").

report.json is the record and the other two are written from it, every score derived from the gradebook
now (autograder.gradebook.scores). Several threads and processes write them (make hand-grade saves on a
thread per request): each holds `one_writer` and replaces every file whole (`write_whole`)."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import json
import os
import platform
import threading
import time
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace

from ..course import csvcells
from ..course.student_text import markdown_text
from ..course.submission_names import shown as _text
from .questions import question_stats
from .rows import Result, read_record, rows_by_student
from .scores import BY_LMS, BY_TIME, Scores, existing_gradebook, late_by


def score_changes(before: dict, rows: list[dict]) -> list[tuple[str, float, float]]:
    """(student, score before, score now) of each row whose score moved since `before` (student -> score),
    grader errors left out."""
    return [
        (r["student"], before[r["student"]], r["score"])
        for r in rows
        if r["student"] in before
        and not r.get("grader_error")
        and isinstance(r.get("score"), (int, float))
        and abs(r["score"] - before[r["student"]]) > 1e-9
    ]


_WRITING = threading.Lock()


@contextlib.contextmanager
def one_writer(out: Path):
    """Hold the reports folder `out` against this process's threads and, through an flock on the folder
    itself, against other processes (a file system without flock leaves the threads' lock alone)."""
    out.mkdir(parents=True, exist_ok=True)
    with _WRITING:
        folder = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
        try:
            with contextlib.suppress(OSError):
                fcntl.flock(folder, fcntl.LOCK_EX)
            yield
        finally:
            os.close(folder)  # also releases the flock


def write_whole(path: Path, text: str, encoding: str = "utf-8") -> None:
    """`path` replaced in one step: a reader opens the old file or the new one, never one being written."""
    part = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        part.write_text(text, encoding=encoding, errors="replace", newline="")
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def write_run(
    course: Path,
    assignment: str,
    rows: list[Result],
    *,
    submissions: Path,
    sandboxed: bool,
    jobs: int,
    seconds: float,
    rejected_files=(),
    roster=None,
    scores_before: dict | None = None,
    regrade_baseline: dict | None = None,
) -> tuple[list[dict], list[tuple[str, float, float]]]:
    """A grading run's record: report.json with this run's `rows`, the rows of earlier runs' students
    who are not in it, and a row for each rostered student who handed in nothing; grades.csv and
    report.md from it. Returns the rows as written and the score changes since the run began
    (`scores_before`), or for a regrade's pass since the regrade began (`regrade_baseline`)."""
    out = Path(course) / "reports" / assignment
    with one_writer(out):
        previous = read_record(out)
        now = {r.student for r in rows}
        earlier = [asdict(r) for s, row in rows_by_student(previous).items() if s not in now and (r := _row_of(row))]
        seen = now | {row["student"] for row in earlier}
        absent = [
            Result(e.student, "missing", reason=NOTHING, name=e.name, lms=e.lms, lms_id=e.id_for(assignment))
            for e in (roster.entries if roster is not None else [])
            if e.student not in seen
        ]
        sources = [p for p in previous.get("sources", []) if isinstance(p, str) and p != str(submissions)]
        record = {
            "assignment": assignment,
            "submissions": str(submissions),
            "sources": [*sources, str(submissions)],  # every run's, oldest first: make regrade grades each
            "sandboxed": sandboxed,
            "jobs": jobs,
            "seconds": seconds,
            "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
            "machine": platform.node(),
            "previous_finished": str(previous.get("finished", "?")),
            "roster_size": len(roster.entries) if roster is not None else None,
            "students": [asdict(r) for r in sorted([*rows, *absent], key=lambda r: r.student)],
            "earlier_students": sorted(earlier, key=lambda r: r["student"]),
            "rejected_files": [{"entry": _text(e), "reason": _text(why)} for e, why in rejected_files],
        }
        if isinstance(previous.get("similarity"), dict):
            record["similarity"] = previous["similarity"]  # kept, and said to be of the class before this run
        points = assignment_points(Path(course), assignment)
        for row in record["students"]:  # a row with no grade still says what the set is worth
            row["max_score"] = row["max_score"] or points
        rescore(Path(course), assignment, record)
        if regrade_baseline is None:
            record["changes"] = score_changes(baseline(previous, scores_before), record["students"])
        else:  # over every pass so far
            graded = [r for r in record["students"] + record["earlier_students"] if r.get("status") == "graded"]
            record["changes"] = score_changes(regrade_baseline, sorted(graded, key=lambda r: r["student"]))
        write_files(out, record)
    return record["students"], record["changes"]


def assignment_points(course: Path, assignment: str) -> float:
    """What the assignment is worth in the gradebook (0 when it holds no such set)."""
    from nbgrader.api import MissingEntry

    with existing_gradebook(course) as gb:
        try:
            return float(gb.find_assignment(assignment).max_score) if gb is not None else 0.0
        except MissingEntry:
            return 0.0


def _row_of(row: dict) -> Result | None:
    """A row of an earlier report.json as a Result (fields this version no longer has dropped)."""
    try:
        return Result(**{k: v for k, v in row.items() if k in Result.__dataclass_fields__})
    except TypeError:
        return None


def baseline(previous: dict, gradebook: dict | None) -> dict[str, float]:
    """What a run's changes are measured from: each score of the previous report, or where `gradebook`
    (its scores when the run began) holds one, that one: a hand grade given since is not this run's change."""
    before = {
        s["student"]: s["score"]
        for s in rows_by_student(previous).values()
        if not s.get("grader_error") and isinstance(s.get("score"), (int, float))
    }
    return before if gradebook is None else {s: score for s, score in gradebook.items() if s in before}


def refresh(course: Path, assignment: str, students=None) -> bool:
    """The three files again from the last run's record, every score derived from the gradebook now (only
    the rows of `students` when given); False when the assignment has not been graded here yet."""
    out = Path(course) / "reports" / assignment
    if not (out / "report.json").is_file():
        return False
    with one_writer(out):
        record = read_record(out)
        if not isinstance(record.get("students"), list):
            return False
        rescore(Path(course), assignment, record, students)
        write_files(out, record)
    return True


def finals(reports: Path) -> dict[str, float]:
    """{student: final score} of report.json (students with one)."""
    try:
        rows = json.loads((Path(reports) / "report.json").read_text(encoding="utf-8"))["students"]
        return {r["student"]: float(r["final"]) for r in rows if isinstance(r.get("final"), (int, float))}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def rescore(course: Path, assignment: str, record: dict, students=None) -> None:
    """Each row's score, lateness, penalty and final from the gradebook (only the rows of `students` when
    given). A graded row the gradebook cannot score keeps its score, has no final, and says why."""
    scores = Scores(course, assignment)
    rows = record.get("students", []) + record.get("earlier_students", [])
    with existing_gradebook(course) as gb:
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("student"), str):
                continue
            if students is not None and row["student"] not in students:
                continue
            got = scores.for_row(gb, row["student"], row)
            why = f"{got.why}; the score is the run's, before any late penalty" if got.why else ""
            row.update(final=got.final, late_source="", late_note=why)
            derived = got.derived
            if derived is None:
                continue
            pending = set(derived.pending)
            kept = [name for name in row.get("needs_manual") or [] if name in pending]
            row.update(score=derived.raw, max_score=derived.max_score, needs_manual=kept + sorted(pending - set(kept)))
            row.update(late_seconds=derived.late_seconds or 0.0, late_penalty=derived.penalty)
            row.update(late_source=derived.late_source, late_note=derived.note)
        try:  # the whole class's, derived anew at every write; a failure never stops the reports
            record["questions"] = None if gb is None else question_stats(course, assignment, rows, gb)
        except Exception as err:
            record["questions"] = {"error": f"{type(err).__name__}: {str(err)[:200]}"}


GRADES_CSV = ["student_id", "name", "lms_id", "score", "max_score", "status", "needs_manual_grading", "flags"]
GRADES_CSV += ["late_by", "late_penalty", "final"]


def write_files(out: Path, record: dict) -> None:
    """report.json as `record` holds it; grades.csv and report.md from it."""
    out.mkdir(parents=True, exist_ok=True)
    results, earlier = _rows(record.get("students", [])), _rows(record.get("earlier_students", []))
    table = io.StringIO(newline="")
    writer = csv.writer(table)
    writer.writerow(GRADES_CSV)
    for r in sorted([*results, *earlier], key=lambda r: r.student):
        late = "marked by Canvas" if r.late_source == BY_LMS else late_by(r.late_seconds)
        score = "" if r.grader_error else f"{r.score:g}"
        cells = [r.student, r.name, r.lms_id, score, f"{r.max_score:g}", r.status, len(r.needs_manual)]
        cells += [len(r.flags), late, f"{r.late_penalty:g}", "" if r.final is None else f"{r.final:g}"]
        writer.writerow(csvcells.row(cells))
    write_whole(out / "grades.csv", table.getvalue(), encoding=csvcells.ENCODING)
    write_whole(out / "report.json", json.dumps(record, indent=1))

    absent = [r.student for r in [*results, *earlier] if r.status == "missing" and r.reason == NOTHING]
    roster = (
        f" The roster has {record['roster_size']} student(s), each with a row below; handed in nothing: "
        f"{_cell(', '.join(absent)) or 'nobody'}."
        if record.get("roster_size") is not None
        else ""
    )
    graded = sum(r.reason != NOTHING for r in results)
    assignment = record.get("assignment", out.name)
    lines = [
        f"# Grading report: {assignment}",
        "",
        f"{graded} submission(s) in {record.get('seconds', '?')} s with {record.get('jobs', '?')} worker(s), "
        f"{'sandboxed' if record.get('sandboxed') else '**UNSANDBOXED**'}. "
        f"Feedback: feedback/\\<student\\>/{assignment}/.{roster}",
        "",
        *TABLE,
        *(_row(r) for r in results),
    ]
    shown = [tuple(c) for c in record.get("changes", []) if isinstance(c, (list, tuple)) and len(c) == 3]
    if shown:
        since = _cell(str(record.get("previous_finished", "?")))
        lines += ["", f"## Scores changed since the last run ({since})", ""]
        lines += ["| student | before | now | change |", "|---|---|---|---|"]
        lines += [f"| {_cell(student)} | {old:g} | {new:g} | {new - old:+g} |" for student, old, new in sorted(shown)]
    if earlier:
        lines += ["", "## Graded in earlier runs, not in this one", ""]
        lines += ["Kept in grades.csv, with the score the gradebook holds now (hand grades since included).", ""]
        lines += [*TABLE, *(_row(r) for r in earlier)]
    lines += limits_section(results)
    lines += mistakes_section(assignment, results)
    lines += similarity_section(record)
    lines += questions_section(record.get("questions"))
    rejected = [
        (f.get("entry", ""), f.get("reason", "")) for f in record.get("rejected_files", []) if isinstance(f, dict)
    ]
    if rejected:
        lines += ["", "## Files not graded", "", "| file or archive entry | reason |", "|---|---|"]
        lines += [f"| {_cell(e)} | {_cell(why)} |" for e, why in rejected]
    write_whole(out / "report.md", "\n".join(lines) + "\n")


def _rows(rows) -> list[SimpleNamespace]:
    """The rows of report.json as the tables read them: a Result's fields, and the final score."""
    defaults = {**asdict(Result("", "")), "final": None, "late_source": "", "late_note": ""}
    kept = [r for r in rows if isinstance(r, dict) and isinstance(r.get("student"), str)]
    return sorted((SimpleNamespace(**{**defaults, **r}) for r in kept), key=lambda r: r.student)


def mistakes_section(assignment: str, results) -> list[str]:
    """Per exercise of the catalogue: how many students failed it, and how many of those made each
    catalogued mistake, or one it does not recognise."""
    if not any(r.diagnoses for r in results):
        return []
    from rnnlab.diagnose import catalogue  # (imports torch: only when there is a mistake to count)

    entries = catalogue(assignment)
    failed = {ex: [r.diagnoses[ex] for r in results if ex in r.diagnoses] for ex in entries}
    if not any(failed.values()):
        return []
    out = ["", "## Mistakes named in the feedback", ""]
    out += [
        "Students who failed an exercise, by the catalogued mistake their answer behaves like "
        "(rnnlab/data/diagnoses/).",
        "",
        "| exercise | failed | mistake | students |",
        "|---|---|---|---|",
    ]
    for ex, named in failed.items():
        if not named:
            continue
        counts = [(e.title, named.count(e.id)) for e in entries[ex] if e.id in named]
        counts.append(("not recognised", named.count("")))
        for k, (title, n) in enumerate(c for c in counts if c[1]):
            out.append(f"| {ex if k == 0 else ''} | {len(named) if k == 0 else ''} | {_cell(title)} | {n} |")
    return out


def questions_section(stats) -> list[str]:
    """Per graded item, the figures `rescore` derived (autograder.gradebook.questions says what each is)."""
    if not isinstance(stats, dict):
        return []
    out = ["", "## Question statistics", ""]
    if stats.get("error"):
        return out + [
            f"Could not be computed from the gradebook ({_cell(stats['error'])}); the scores above are not affected."
        ]
    out += [
        f"From the gradebook now, over {stats.get('students', 0)} graded student(s); an answer still to be "
        "graded by hand is left out of its item. *right*: the share with full points; *mean*: the mean "
        "share of the points; *discrimination*: the point-biserial correlation between getting the item and "
        f"the rest of the score, from -1 to 1 (none with fewer than {stats.get('min_students', '?')} students). "
        "make questions draws them as a page, and docs/instructor.md's section Question statistics "
        "says when a flag deserves a look.",
        "",
    ]
    items = [i for i in stats.get("items", []) if isinstance(i, dict)]
    if not items:
        return out + ["No graded item yet."]
    out += [
        "| item | kind | points | students | right | mean | discrimination | most common wrong answer or "
        "mistake | flags |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for i in items:
        counted = f"{i['students']}" + (f" ({i['pending']} to grade)" if i.get("pending") else "")
        flags = ", ".join(f"**{_cell(f)}**" for f in i["flags"]) or "-"
        out.append(
            f"| {_cell(i['name'])} | {_cell(i['kind'])} | {i['points']:g} | {counted} | "
            f"{_share(i['share_right'])} | {_share(i['mean_share'])} | {_cell(_discrimination(i))} | "
            f"{_cell(common_error(i)) or '-'} | {flags} |"
        )
    if stats.get("unreadable"):
        unreadable = _cell(", ".join(stats["unreadable"]))
        out += ["", f"Quiz answers that could not be read (no quiz cell, or no dict written out in it): {unreadable}."]
    return out


def _share(value) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _discrimination(item: dict) -> str:
    if item.get("discrimination") is None:
        return f"- ({item['no_discrimination']})" if item.get("no_discrimination") else "-"
    return f"{item['discrimination']:+.2f}"


def common_error(item: dict) -> str:
    """What students who missed an item most often did, in words ('' when nothing is known): the wrong
    answer of a quiz question, the catalogued mistake of a test."""
    if item.get("key"):
        if not item.get("wrong_answer"):
            return f"key {item['key']}"
        tied = item.get("wrong_tied") or 0
        also = f", as often as {tied} other answer{'s' if tied > 1 else ''}" if tied else ""
        wrong = f"{item['wrong_count']} of {item['wrong_total']} wrong answers"
        return f"{item['wrong_answer']} ({wrong}{also}; key {item['key']})"
    if item.get("mistake"):
        who = f"{item['mistake_count']} of {item['missed_diagnosed']} who missed it and were diagnosed"
        return f"{item['mistake']} ({who})"
    if item.get("missed_diagnosed"):
        return f"none named ({item['missed_diagnosed']} not recognised)"
    return ""


NOTHING = "nothing handed in"  # the reason of a rostered student's row with no submission
TABLE = ["| student | score | status | failed tests | timeouts | flags and reasons |", "|---|---|---|---|---|---|"]


def _row(r) -> str:
    hand = [f"hand grading needed: {', '.join(r.needs_manual)}"] if r.needs_manual else []
    notes = "; ".join(([r.reason] if r.reason else []) + _lateness(r) + r.flags + hand)
    score = "grader error" if r.grader_error else f"{r.score if r.final is None else r.final:g}"
    who = f"{_cell(r.student)} ({_cell(r.name)})" if r.name else _cell(r.student)
    return (
        f"| {who} | {score} / {r.max_score:g} | {r.status} | {', '.join(r.failed_tests) or '-'} | "
        f"{', '.join(r.timeouts) or '-'} | {_cell(notes) or '-'} |"
    )


def _lateness(r) -> list[str]:
    """What a row says about lateness: how late, by what, the penalty and the score before it."""
    penalty = f" (penalty {r.late_penalty:g}: {r.score:g} before it)" if r.late_penalty else ""
    if r.late_source == BY_TIME or (not r.late_source and r.late_seconds > 0 and r.final is None):
        return [f"late by {late_by(r.late_seconds)}{penalty}"] + ([r.late_note] if r.late_note else [])
    if r.late_source == BY_LMS:
        return [f"{r.late_note}{penalty}"]
    return [r.late_note] if r.late_note else []


def similarity_section(record: dict) -> list[str]:
    """The pairs `make similarity` kept in report.json (autograder.term.similarity), said to be out of
    date when the class was graded again since; nothing when it has not run."""
    found = record.get("similarity")
    if not isinstance(found, dict):
        return []
    names = {student: str(row.get("name") or "") for student, row in rows_by_student(record).items()}

    def who(student) -> str:
        return _cell(student) + (f" ({_cell(names[student])})" if names.get(student) else "")

    pairs = [p for p in found.get("pairs", []) if isinstance(p, dict) and len(p.get("students") or ()) == 2]
    out = [
        "",
        "## Similar submissions",
        "",
        f"Computed {_cell(str(found.get('computed', '?')))} by make similarity over {found.get('students', '?')} "
        f"student(s): {len(pairs)} pair(s) whose answers are more alike than the course's own independent "
        "right answers ever were (starter and lecture code left out). This accuses no one: it is evidence "
        f"for a person to read and judge. Both answers side by side: {_cell(str(found.get('page', '')))}.",
    ]
    if str(found.get("graded", "")) != str(record.get("finished", "")):
        out.append(
            f"The class was graded again since ({_cell(str(record.get('finished', '?')))}): run make "
            "similarity again to compare the answers graded now."
        )
    if pairs:
        out += ["", "| exercise | students | alike (share of each) | matching characters |", "|---|---|---|---|"]
        for p in pairs:
            a, b = p["students"]
            shares = " / ".join(f"{float(x):.0%}" for x in p.get("shares", []))
            out.append(
                f"| {_cell(str(p.get('exercise') or 'whole notebook'))} | {who(a)} and {who(b)} | "
                f"{shares} | {_cell(str(p.get('matched', '')))} |"
            )
    return out


def _cell(text: str) -> str:
    """A field of report.md as text: it may quote what a student wrote (autograder.course.student_text)."""
    return markdown_text(_text(text))


PEAK = "peak memory of the whole kernel"


def limits_section(results) -> list[str]:
    """The limits each kernel ran under; students with the same limits share a row."""
    rows: dict[str, list[str]] = {}
    for r in results:
        if r.limits:
            shown = "; ".join(f"{k}: {v}" for k, v in r.limits.items() if k != PEAK)
            rows.setdefault(shown, []).append(r.student + (f" (peak {r.limits[PEAK]})" if PEAK in r.limits else ""))
    if not rows:
        return []
    out = ["", "## Limits in force", "", "| limits | students (peak memory of the whole kernel) |", "|---|---|"]
    return out + [f"| {_cell(shown)} | {_cell(', '.join(students))} |" for shown, students in rows.items()]
