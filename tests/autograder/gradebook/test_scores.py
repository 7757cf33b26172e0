"""Due dates (issue 30): lateness from the collector's time, with extensions, on every row."""

import csv
import datetime as dt
import json
import re

import pytest
from nbgrader.plugins import LateSubmissionPlugin

from autograder.authoring import fixtures as F
from autograder.gradebook.report import late_by

A = "ps01_sequence_data"


def test_late_by_reads_like_a_person_would_say_it():
    assert [late_by(x) for x in (0, -5, 40, 60 * 12, 3600 * 3 + 300, 86400 * 2 + 3600 * 3 + 59)] == [
        "",
        "",
        "40 s",
        "12 min",
        "3 h 5 min",
        "2 d 3 h",
    ]


def test_due_dates_and_extensions_from_the_command_line(tmp_path, capsys):
    from nbgrader.api import Gradebook

    from autograder.__main__ import main
    from autograder.authoring.release import release
    from autograder.gradebook import roster
    from autograder.term.due import due_time

    assert due_time("2026-12-01 23:59 Europe/Berlin") == dt.datetime(2026, 12, 1, 22, 59)
    with pytest.raises(SystemExit, match="'CET' is an abbreviation"):
        due_time("2026-12-01 23:59 CET")
    assert due_time("2026-12-01T23:59+01:00") == dt.datetime(2026, 12, 1, 22, 59)
    assert due_time("2026-12-01 23:59 UTC") == dt.datetime(2026, 12, 1, 23, 59)
    for bad in ("2026-12-01 23:59", "next friday-ish Mars/Olympus"):
        with pytest.raises(SystemExit, match="due: "):
            due_time(bad)
    course = F.make_course(tmp_path / "c", [A])
    assert main(["due", "ps01", "--student", "alice", "--days", "2", "--course", str(course)]) == 2
    assert "run make assignments first" in capsys.readouterr().err
    assert release([A], course, log=lambda *a: None) == []
    assert main(["due", "ps01", "2026-12-01 23:59 Europe/Berlin", "--course", str(course)]) == 0
    assert "ps01_sequence_data is due 2026-12-01 22:59 UTC" in capsys.readouterr().out
    # no roster and nobody graded yet: an id cannot be told from a typo
    assert main(["due", "ps01", "--student", "alice", "--days", "2", "--course", str(course)]) == 2
    assert "not on the gradebook" in capsys.readouterr().err
    roster.write(course, [roster.Entry("alice", "Alice Liddell"), roster.Entry("bob", "Bob Dylan")])
    assert main(["due", "ps01", "--student", "alcie", "--days", "2", "--course", str(course)]) == 2
    assert "'alcie' is not on the roster; did you mean 'alice'?" in capsys.readouterr().err
    assert main(["due", "ps01", "--student", "alice", "--days", "2", "--course", str(course)]) == 0
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_assignment(A).duedate == dt.datetime(2026, 12, 1, 22, 59)
        assert gb.find_submission(A, "alice").extension == dt.timedelta(days=2)
        assert sorted(s.id for s in gb.students) == ["alice"]  # no phantom student of a typo


# -- the final score (issue 50, item 3): one derivation from the gradebook ------------------------
def _submission(grades, timestamp=None, due=None, extension=None, student="lina"):
    """A gradebook submission as autograder.gradebook.scores reads it: one notebook of (name, score, max,
    needs manual grading) grades, nbgrader's lateness from its time, due date and extension."""
    from types import SimpleNamespace as NS

    nb = NS(
        name=A,
        max_score=sum(g[2] for g in grades),
        late_submission_penalty=None,
        grades=[NS(name=n, score=s, max_score=m, needs_manual_grade=p) for n, s, m, p in grades],
    )
    duedate = None if due is None else due + (extension or dt.timedelta(0))
    late = 0 if timestamp is None or duedate is None else max(0.0, (timestamp - duedate).total_seconds())
    return NS(notebooks=[nb], student=NS(id=student), timestamp=timestamp, extension=extension, total_seconds_late=late)


DUE = dt.datetime(2026, 11, 20, 12, 0)
GRADED = [("code", 19.0, 19.0, False), ("explain_split", 2.0, 3.0, False)]


def _plugin(**settings):
    from traitlets.config import Config

    from autograder.gradebook.scores import late_plugin

    return late_plugin(Config(settings))


class HalfAfterAnHour(LateSubmissionPlugin):
    """A course's own late policy (a test's): half the points from one hour late."""

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return score / 2 if total_seconds_late >= 3600 else None


def test_the_penalty_is_taken_on_the_score_as_it_is_now():
    from autograder.gradebook.scores import BY_TIME, final_score

    zero = _plugin(LateSubmissionPlugin={"penalty_method": "zero"})
    late = _submission(GRADED, timestamp=DUE + dt.timedelta(hours=2, minutes=6), due=DUE)
    got = final_score(late, zero)
    assert (got.raw, got.max_score, got.penalty, got.final) == (21.0, 22.0, 21.0, 0.0)
    assert got.late_seconds == 7560 and got.late_source == BY_TIME and got.pending == ()
    # the hand grade given after grading is inside the penalty; nbgrader's stored one was 19
    assert (
        final_score(
            _submission([GRADED[0], ("explain_split", 3.0, 3.0, False)], DUE + dt.timedelta(hours=2), due=DUE), zero
        ).penalty
        == 22.0
    )
    on_time = final_score(_submission(GRADED, timestamp=DUE - dt.timedelta(minutes=1), due=DUE), zero)
    assert (on_time.penalty, on_time.final, on_time.late_seconds, on_time.late_source) == (0.0, 21.0, 0.0, "")
    extended = final_score(
        _submission(GRADED, DUE + dt.timedelta(hours=2), due=DUE, extension=dt.timedelta(days=1)), zero
    )
    assert (extended.penalty, extended.final) == (0.0, 21.0)
    pending = final_score(
        _submission([GRADED[0], ("explain_split", 0.0, 3.0, True)], DUE + dt.timedelta(hours=2), due=DUE), zero
    )
    assert pending.pending == ("explain_split",) and pending.final == 0.0
    default = final_score(late, _plugin())
    assert (default.penalty, default.final, default.late_source) == (0.0, 21.0, BY_TIME)


def test_a_course_policy_of_its_own_is_asked_as_nbgrader_asks_it():
    from autograder.gradebook.scores import final_score

    policy = _plugin(AssignLatePenalties={"plugin_class": f"{__name__}.HalfAfterAnHour"})
    assert final_score(_submission(GRADED, DUE + dt.timedelta(minutes=30), due=DUE), policy).penalty == 0.0
    assert final_score(_submission(GRADED, DUE + dt.timedelta(hours=3), due=DUE), policy).final == 10.5


def test_canvas_marks_count_as_the_least_lateness_unless_an_extension_was_given_here(tmp_path):
    from autograder.gradebook.scores import BY_LMS, final_score, lms_marks, record_lms_marks

    zero = _plugin(LateSubmissionPlugin={"penalty_method": "zero"})
    half = _plugin(AssignLatePenalties={"plugin_class": f"{__name__}.HalfAfterAnHour"})
    marked = final_score(_submission(GRADED, due=DUE), zero, marked_late=True)
    assert (marked.late_source, marked.late_seconds, marked.penalty, marked.final) == (BY_LMS, None, 21.0, 0.0)
    assert "counted as 1 s late" in marked.note
    assert final_score(_submission(GRADED, due=DUE), half, marked_late=True).penalty == 0.0  # 1 s, not an hour
    excused = final_score(_submission(GRADED, due=DUE, extension=dt.timedelta(days=2)), zero, marked_late=True)
    assert (excused.late_source, excused.final) == ("", 21.0) and "extension of 2 d 0 h" in excused.note
    # a time the course's collector recorded wins over the LMS's mark
    timed = final_score(_submission(GRADED, timestamp=DUE - dt.timedelta(hours=1), due=DUE), zero, marked_late=True)
    assert timed.final == 21.0
    reports = tmp_path / "reports" / A
    record_lms_marks(reports, {"marcus": "marcus_LATE_2002_9001_", "lina": "", "ola": "ola_2003_9002_"})
    record_lms_marks(reports, {"ola": "ola_late_2003_9003_"})  # a later run keeps the earlier marks
    assert lms_marks(tmp_path, A) == {"marcus": "marcus_LATE_2002_9001_", "ola": "ola_late_2003_9003_"}
    # a course graded before the marks were recorded: report.json's rows name the files
    (reports / "lms-late.json").unlink()
    (reports / "report.json").write_text(
        json.dumps(
            {
                "students": [
                    {"student": "marcus", "lms_prefix": "marcus_LATE_2002_9001_"},
                    {"student": "lina", "lms_prefix": ""},
                ],
                "earlier_students": [{"student": "ola", "lms_prefix": "ola_2003_9002_"}],
            }
        )
    )
    assert lms_marks(tmp_path, A) == {"marcus": "marcus_LATE_2002_9001_"}


# -- every output, after each input changes without a regrade (issue 50, deliverable 2) ------------
def _independent(policy: str, raw: float, late: bool) -> tuple[float, float, float]:
    """(raw, penalty, final) as the issue states the rule, computed here without the course's code:
    "zero" takes the whole current score of a late submission, "none" nothing."""
    penalty = raw if late and policy == "zero" else 0.0
    return raw, penalty, raw - penalty


def _raw(course, student: str) -> float:
    """A student's points now, read grade by grade: the hand score where one was given, else the
    automatic one."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return sum(
            g.manual_score if g.manual_score is not None else (g.auto_score or 0.0)
            for nb in gb.find_submission(A, student).notebooks
            for g in nb.grades
        )


def _csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _outputs(course, canvas_ids: dict, export_csv) -> dict:
    """Every output's (raw, penalty, final) per student, as each file or record holds it now."""
    from nbgrader.api import Gradebook

    reports = course / "reports" / A
    grades = {r["student_id"]: r for r in _csv(reports / "grades.csv")}
    record = {r["student"]: r for r in json.loads((reports / "report.json").read_text())["students"]}
    md = (reports / "report.md").read_text()
    with open(reports / "canvas-grades.csv", newline="", encoding="utf-8-sig") as f:
        canvas = {r[1]: r for r in list(csv.reader(f))[2:]}
    export = {r["student_id"]: r for r in _csv(export_csv) if r["assignment"] == A}
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("lina", "marcus"):
            g, r, e = grades[student], record[student], export[student]
            html = (course / "feedback" / student / A / f"{A}.html").read_text()
            shown = re.search(r'data-final-score="([^"]*)"[^>]*>[^<]*Score: ([\d.]+) / ', html)
            stored = sum(nb.late_submission_penalty or 0 for nb in gb.find_submission(A, student).notebooks)
            out[student] = {
                "grades.csv": (float(g["score"]), float(g["late_penalty"]), float(g["final"])),
                "report.json": (r["score"], r["late_penalty"], r["final"]),
                "report.md": float(re.search(rf"\| {student} \([^|]*\) \| ([\d.]+) / 22 \|", md)[1]),
                "feedback": (float(shown[1]), float(shown[2])),
                "canvas": float(canvas[canvas_ids[student]][5]),
                "export": (float(e["raw_score"]), float(e["late_submission_penalty"]), float(e["score"])),
                "gradebook penalty": stored,
            }
    return out


def _agree(outputs: dict, student: str, expected: tuple[float, float, float]) -> None:
    raw, penalty, final = expected
    got = outputs[student]
    assert got == {
        "grades.csv": expected,
        "report.json": expected,
        "report.md": final,
        "feedback": (final, final),
        "canvas": final,
        "export": expected,
        "gradebook penalty": penalty,
    }, (student, raw, got)


@pytest.mark.grading
def test_every_output_follows_a_hand_grade_a_due_date_and_an_extension_without_a_regrade(tmp_path, monkeypatch):
    """A class of two graded once under penalty_method "zero" (the issue's walk): lina hands in
    through the course's collector 2 h 6 min after the due date, marcus through Canvas, whose file
    says _LATE_. Then, without a regrade: a hand grade for lina, an extension for marcus, the due
    date moved, and the course's default policy; after each, the documented commands run and every
    output (grades.csv, report.md and report.json, the feedback, Canvas's and Moodle's files, make
    export's file, the gradebook's penalty column) agrees with the rule computed here."""
    import nbformat
    from nbgrader.apps.exportapp import ExportApp

    from autograder.__main__ import main
    from autograder.course.folder import REPO
    from autograder.deploying.exchange import TIMESTAMP_FORMAT
    from autograder.term.handgrade import HandGrading
    from support import JOBS

    course = F.make_course(tmp_path / "course", [A])
    monkeypatch.chdir(course)  # where nbgrader's apps read the course's settings
    config = course / "nbgrader_config.py"
    default_config = config.read_text()
    config.write_text(default_config + '\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    c = ("--course", str(course))
    with open(tmp_path / "canvas.csv", "w", newline="") as f:
        csv.writer(f).writerows(
            [
                ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"],
                ["Berg, Lina", "3001", "S3001", "lina", ""],
                ["Okoro, Marcus", "3002", "S3002", "marcus", ""],
            ]
        )
    assert main(["roster", str(tmp_path / "canvas.csv"), *c]) == 0
    assert main(["due", A, DUE.strftime("%Y-%m-%d %H:%M UTC"), *c]) == 0
    release_nb, source_nb = (nbformat.read(REPO / d / A / f"{A}.ipynb", 4) for d in ("release", "source"))
    solution = F.build(F.SOLUTION, release_nb, source_nb)
    (course / "submitted" / "lina" / A).mkdir(parents=True)
    (course / "submitted" / "lina" / A / f"{A}.ipynb").write_text(solution, encoding="utf-8")
    (course / "submitted" / "lina" / A / "timestamp.txt").write_text(
        (DUE + dt.timedelta(hours=2, minutes=6)).strftime(TIMESTAMP_FORMAT)
    )
    (course / "submitted" / f"marcus_LATE_3002_9001_{A}.ipynb").write_text(solution, encoding="utf-8")
    assert main(["grade", A, str(course / "submitted"), "--jobs", str(JOBS), *c]) == 0
    auto = {student: _raw(course, student) for student in ("lina", "marcus")}  # explain_split (3) still by hand
    assert auto["lina"] == auto["marcus"] > 0
    auto = auto["lina"]
    ids, export_csv = {"lina": "3001", "marcus": "3002"}, tmp_path / "gradebook.csv"

    def publish(feedback=True):
        """The documented commands after grading: feedback, the LMS file, make export."""
        if feedback:
            assert main(["feedback", A, *c]) == 0
        assert main(["grades-lms", A, "--lms", "canvas", *c]) == 0
        export = ExportApp()  # `make export`'s nbgrader export, in this process
        export.initialize(["--to", str(export_csv)])
        export.start()
        return _outputs(course, ids, export_csv)

    # 1. as graded: both late, the Canvas file by its mark; what grading wrote already agrees
    record = {r["student"]: r for r in json.loads((course / "reports" / A / "report.json").read_text())["students"]}
    assert record["lina"]["late_source"] == "submission time" and record["marcus"]["late_source"] == "Canvas"
    assert (
        "Canvas marked it late" in record["marcus"]["reason"] and "counted as 1 s late" in record["marcus"]["late_note"]
    )

    # 2. lina's explain answer graded by hand (make hand-grade's save), marcus given a day (make due)
    status, reply = HandGrading(course, A).save("explain_split", "lina", "3", "Right.")
    assert status == 200 and reply["message"] == "saved: 3 / 3"
    grades = {r["student_id"]: r for r in _csv(course / "reports" / A / "grades.csv")}
    assert float(grades["lina"]["score"]) == auto + 3 and grades["lina"]["final"] == "0"  # refreshed by the save
    assert main(["due", A, "--student", "marcus", "--days", "1", *c]) == 0
    outputs = publish()
    _agree(outputs, "lina", _independent("zero", auto + 3, late=True))  # the hand grade does not escape
    _agree(outputs, "marcus", _independent("zero", auto, late=False))  # Canvas's mark knew no extension

    # 3. the due date moved three hours later: lina is on time
    assert main(["due", A, (DUE + dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M UTC"), *c]) == 0
    outputs = publish()
    _agree(outputs, "lina", _independent("zero", auto + 3, late=False))
    _agree(outputs, "marcus", _independent("zero", auto, late=False))

    # 4. the course's default policy, the first due date again, marcus's extension taken back: both
    # late, no points taken; Moodle's worksheet agrees too. The finals are those of step 3, so the
    # feedback written there still agrees, and make feedback is not run again (3 to 5 s)
    config.write_text(default_config)
    assert main(["due", A, DUE.strftime("%Y-%m-%d %H:%M UTC"), *c]) == 0
    assert main(["due", A, "--student", "marcus", "--days", "0", *c]) == 0
    outputs = publish(feedback=False)
    _agree(outputs, "lina", _independent("none", auto + 3, late=True))
    _agree(outputs, "marcus", _independent("none", auto, late=True))
    record = {r["student"]: r for r in json.loads((course / "reports" / A / "report.json").read_text())["students"]}
    assert (record["lina"]["late_source"], record["marcus"]["late_source"]) == ("submission time", "Canvas")
    with open(tmp_path / "moodle.csv", "w", newline="") as f:
        csv.writer(f).writerows(
            [
                ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade"],
                ["Participant 7001", "Lina Berg", "lina@uni.example", "", "", "22"],
                ["Participant 7002", "Marcus Okoro", "marcus@uni.example", "", "", "22"],
            ]
        )
    assert main(["roster", str(tmp_path / "moodle.csv"), "--assignment", A, *c]) == 0
    assert main(["grades-lms", A, "--lms", "moodle", *c]) == 0
    moodle = {r["Full name"]: r for r in _csv(course / "reports" / A / "moodle-grades.csv")}
    assert float(moodle["Lina Berg"]["Grade"]) == auto + 3 and float(moodle["Marcus Okoro"]["Grade"]) == auto
    assert "late by 2 h 6 min, no points taken" in moodle["Lina Berg"]["Feedback comments"]
    assert "Canvas marked it late, no points taken" in moodle["Marcus Okoro"]["Feedback comments"]


def test_a_feedback_file_older_than_a_grade_is_not_sent_to_the_lms(tmp_path):
    import zipfile

    from autograder.term import lms

    html = tmp_path / "feedback" / "lina" / A / f"{A}.html"
    html.parent.mkdir(parents=True)
    html.write_text(f'<h4 data-final-score="19">{A} &mdash; Score: 19 / 22</h4>')
    row = {
        "student": "lina",
        "lms": "canvas",
        "lms_id": "3001",
        "lms_prefix": "berglina_3001_9001_",
        "status": "graded",
        "final": 0.0,
    }
    (tmp_path / "stale.zip").write_bytes(b"an earlier upload's zip")
    left = lms._feedback_zip(tmp_path, A, "canvas", [row], tmp_path / "stale.zip")
    assert not (tmp_path / "stale.zip").exists()  # no zip holding nothing, and not the old one
    assert left == [
        f"lina: the feedback file shows a score of 19, the gradebook gives 0 now (a grade, due date "
        f"or extension changed since it was written): run make feedback ASSIGNMENT={A}, then this "
        "command again"
    ]
    assert lms._feedback_zip(tmp_path, A, "canvas", [{**row, "final": 19.0}], tmp_path / "fresh.zip") == []
    assert zipfile.ZipFile(tmp_path / "fresh.zip").namelist() == [f"berglina_3001_9001_feedback_{A}.html"]


# -- one rule for each kind of row, and Canvas's per-exercise columns (issue 50, deliverable 2) ------
# (status, grader error, the gradebook's grades (code, explain_split) or None, hours late, the final)
KINDS = {
    "ada": ("graded", False, (19.0, 2.0), -1, 21.0),  # on time
    "ben": ("graded", False, (19.0, 2.0), 2, 0.0),  # late under "zero"
    "cai": ("failed", False, (19.0, 3.0), -1, 0.0),  # a failed run left a submission behind
    "dee": ("rejected", False, (19.0, 3.0), -1, 0.0),  # so did a rejected one
    "eli": ("failed", True, (19.0, 3.0), -1, None),  # a grader error: re-run, never a 0
    "fay": ("missing", False, None, 0, 0.0),  # rostered, nothing handed in
    "gus": ("graded", False, None, 0, None),
}  # the gradebook lost the submission


def _class_of_kinds(tmp_path):
    """A course under penalty_method "zero" whose gradebook and report.json are made here (no
    grading run) with a row of each kind of KINDS, every student on a Canvas roster."""
    from nbgrader.api import Gradebook

    from autograder.gradebook import roster

    course = F.make_course(tmp_path / "course", [])
    with open(course / "nbgrader_config.py", "a") as f:
        f.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_assignment(A, duedate=DUE)
        gb.add_notebook(A, A)
        gb.add_grade_cell("code", A, A, max_score=19, cell_type="code")
        gb.add_grade_cell("explain_split", A, A, max_score=3, cell_type="markdown")
        for student, (_, _, grades, hours, _) in KINDS.items():
            gb.add_student(student)
            if grades is not None:
                gb.add_submission(A, student, timestamp=DUE + dt.timedelta(hours=hours))
                for grade, points in zip(("code", "explain_split"), grades):
                    gb.find_grade(grade, A, A, student).auto_score = points
        gb.db.commit()
    rows = [
        {
            "student": s,
            "status": status,
            "grader_error": error,
            "score": 99.0,
            "max_score": 22.0,
            "final": 99.0,
            "reason": "grader error: re-run" if error else "",
        }
        for s, (status, error, *_) in KINDS.items()
    ]
    reports = course / "reports" / A
    reports.mkdir(parents=True)
    (reports / "report.json").write_text(json.dumps({"assignment": A, "students": rows, "earlier_students": []}))
    roster.write(
        course, [roster.Entry(s, name=s.title(), lms="canvas", lms_id=str(3000 + k)) for k, s in enumerate(KINDS)]
    )
    return course


def _number(text: str):
    return None if text == "" else float(text)


def test_every_output_gives_each_kind_of_row_one_final_and_canvas_parts_add_up_to_it(tmp_path, monkeypatch):
    """The same rows (graded, late, failed or rejected with a submission left in the gradebook, a
    grader error, nothing handed in, a graded row the gradebook lost) through the reports, Canvas's
    file with per-exercise columns and make export: one final each, by one rule; each row's
    per-exercise columns add up to its final, so a late student under "zero" has 0 in every one."""
    from autograder.gradebook.report import refresh
    from autograder.grading.worker import course_config
    from autograder.term import lms
    from autograder.term.export import FinalExport

    course = _class_of_kinds(tmp_path)
    reports = course / "reports" / A
    assert refresh(course, A, {"ada"})  # one student's row (make hand-grade's save): the rest kept
    assert {r["student"]: r["final"] for r in json.loads((reports / "report.json").read_text())["students"]} == {
        s: 21.0 if s == "ada" else 99.0 for s in KINDS
    }
    grades, _, _ = lms.export(course, A, "canvas", per_exercise=True)  # refreshes every row first
    with open(grades, newline="", encoding="utf-8-sig") as f:
        table = list(csv.reader(f))
    assert table[0][5:] == [A, f"{A}: code", f"{A}: explain_split"] and table[1][5:] == ["22", "19", "3"]
    canvas = {r[0].lower(): [_number(x) for x in r[5:]] for r in table[2:]}
    monkeypatch.chdir(course)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        FinalExport(config=course_config(course), to=str(tmp_path / "export.csv")).export(gb)
    outputs = {
        "report.json": {
            r["student"]: r["final"] for r in json.loads((reports / "report.json").read_text())["students"]
        },
        "grades.csv": {r["student_id"]: _number(r["final"]) for r in _csv(reports / "grades.csv")},
        "canvas": {s: got[0] for s, got in canvas.items()},
        "export": {r["student_id"]: _number(r["score"]) for r in _csv(tmp_path / "export.csv")},
    }
    expected = {s: kind[-1] for s, kind in KINDS.items()}
    assert outputs == {name: expected for name in outputs}
    parts = {s: got[1:] for s, got in canvas.items()}
    assert parts == {
        "ada": [19.0, 2.0],
        "ben": [0.0, 0.0],
        "cai": [0.0, 0.0],
        "dee": [0.0, 0.0],
        "eli": [None, None],
        "fay": [0.0, 0.0],
        "gus": [None, None],
    }


def test_parts_of_a_final_are_shares_in_hundredths_that_add_up_to_it():
    from autograder.gradebook.scores import final_score, part_finals

    half = _plugin(AssignLatePenalties={"plugin_class": f"{__name__}.HalfAfterAnHour"})
    halved = final_score(_submission(GRADED, DUE + dt.timedelta(hours=3), due=DUE), half)
    assert halved.final == 10.5 and part_finals(halved) == {"code": 9.5, "explain_split": 1.0}
    on_time = final_score(_submission(GRADED, DUE, due=DUE), half)
    assert part_finals(on_time) == {"code": 19.0, "explain_split": 2.0}
    zero = _plugin(LateSubmissionPlugin={"penalty_method": "zero"})
    assert part_finals(final_score(_submission(GRADED, DUE + dt.timedelta(hours=3), due=DUE), zero)) == {
        "code": 0.0,
        "explain_split": 0.0,
    }
    tenths = [("a", 1.0, 1.0, False), ("b", 0.1, 1.0, False), ("c", 1.0, 1.0, False), ("d", 0.0, 1.0, False)]
    got = part_finals(final_score(_submission(tenths, DUE + dt.timedelta(hours=3), due=DUE), half))  # 2.1 / 2
    assert got == {"a": 0.5, "b": 0.05, "c": 0.5, "d": 0.0} and round(sum(got.values()), 9) == 1.05


class TwoOfThree(LateSubmissionPlugin):
    """A test's policy whose final splits into thirds: two points of three taken."""

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return score * 2 / 3


def test_shares_that_do_not_come_out_in_hundredths_go_to_the_largest_remainders():
    from autograder.gradebook.scores import final_score, part_finals

    policy = _plugin(AssignLatePenalties={"plugin_class": f"{__name__}.TwoOfThree"})
    cells = [("a", 1.0, 1.0, False), ("b", 1.0, 1.0, False), ("c", 2.0, 2.0, False)]
    got = part_finals(final_score(_submission(cells, DUE + dt.timedelta(hours=1), due=DUE), policy))
    assert got == {"a": 0.33, "b": 0.33, "c": 0.67}  # 0.333.., 0.333.., 0.666..: 1.33 in all
    tied = part_finals(final_score(_submission(cells[:2], DUE + dt.timedelta(hours=1), due=DUE), policy))
    assert tied == {"a": 0.34, "b": 0.33}  # 0.666.. is 0.67: the first cell's hundredth
