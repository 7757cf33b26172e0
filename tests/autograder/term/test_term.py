"""docs/instructor.md, "A term", followed command by command for a class of 12 rostered students
(issue 30): the roster from Canvas, a due date and one extension, the hub's collected submissions
(two late, one on time thanks to its extension: the tests of lateness and of a late run that keeps
the class's rows, end to end), a renamed notebook arriving later in a Canvas zip,
one student who hands in nothing, a hand grade, a key fix and the regrade that keeps the hand grade,
and the grade files and feedback zips for Canvas and Moodle. The files it writes are kept in
test-artifacts/term/."""

import csv
import datetime as dt
import json
import shutil
import threading
import urllib.parse
import urllib.request
import zipfile

import nbformat
import pytest

from autograder.__main__ import main
from autograder.authoring import fixtures as F
from autograder.course.folder import REPO
from autograder.deploying.exchange import TIMESTAMP_FORMAT
from support import JOBS

A = "ps01_sequence_data"
DUE = dt.datetime(2026, 11, 20, 12, 0)
# (SIS login, "Last, First", Canvas user id, what they hand in, hours after the due date)
CLASS = [
    ("ada", "Lovelace, Ada", "1001", "solution", -30),
    ("ben", "Okafor, Ben", "1002", "blank", -2),
    ("chen", "Chen, Li", "1003", "windows_one_too_few", -5),
    ("dana", "Ruiz, Dana", "1004", "onehot_int64", -1),
    ("emil", "Berg, Emil", "1005", "layout_reshape", -3),
    ("fay", "Adeyemi, Fay", "1006", "solution", -4),
    ("gus", "Meyer, Gus", "1007", "quiz_one_wrong", -6),
    ("hana", "Sato, Hana", "1008", "solution", 2.1),  # late
    ("ivan", "Petrov, Ivan", "1009", "windows_target_inside", 30),  # late
    ("jo", "Kim, Jo", "1010", "solution", 26),  # late, but within a 2-day extension
    ("kai", "Novak, Kai", "1011", "solution", None),  # renamed, in a later Canvas zip
    ("lea", "Weber, Lea", "1012", None, None),
]  # hands in nothing


def _fixture(name):
    if name in ("solution", "blank"):
        return {"solution": F.SOLUTION, "blank": F.BLANK}[name]
    return next(fx for fx in F.fixtures_for(A, "mutants") if fx.name == name)


def _run(*argv):
    assert main([*argv]) == 0, argv


@pytest.mark.grading
def test_a_term_for_twelve_rostered_students(tmp_path, capsys):

    course = F.make_course(tmp_path / "course", [A])
    c = ("--course", str(course))
    release_nb = nbformat.read(REPO / "release" / A / f"{A}.ipynb", 4)
    source_nb = nbformat.read(course / "source" / A / f"{A}.ipynb", 4)

    # 1. the roster, from Canvas's gradebook export
    export = tmp_path / "canvas-export.csv"
    with open(export, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ps01 (501)"])
        w.writerow(["    Points Possible", "", "", "", "", "24"])
        w.writerows([name, uid, f"S{uid}", login, "Mon", ""] for login, name, uid, *_ in CLASS)
    _run("roster", str(export), *c)
    # 2. release, the due date and one extension
    _run("release", A, *c)
    _run("due", A, DUE.strftime("%Y-%m-%d %H:%M UTC"), *c)
    _run("due", A, "--student", "jo", "--days", "2", *c)

    # 3. what the hub's collector left in submitted/, its own time in timestamp.txt
    made = F.write_batch(
        tmp_path / "built", A, [_fixture(n) for n in {x[3] for x in CLASS if x[3]}], release_nb, source_nb
    )
    for login, _, _, what, hours in CLASS:
        if hours is None:
            continue
        folder = course / "submitted" / login / A
        folder.mkdir(parents=True)
        shutil.copy(made / F.student_id(_fixture(what)) / f"{A}.ipynb", folder / f"{A}.ipynb")
        (folder / "timestamp.txt").write_text((DUE + dt.timedelta(hours=hours)).strftime(TIMESTAMP_FORMAT))
    _run("grade", A, str(course / "submitted"), "--jobs", str(JOBS), *c)
    rows = {
        r["student_id"]: r for r in csv.DictReader(open(course / "reports" / A / "grades.csv", encoding="utf-8-sig"))
    }
    assert sorted(rows) == sorted(x[0] for x in CLASS)  # a row for every rostered student
    assert [rows[s]["status"] for s in ("kai", "lea")] == ["missing", "missing"]
    assert rows["hana"]["late_by"] == "2 h 6 min" and rows["ivan"]["late_by"] == "1 d 6 h"
    assert rows["jo"]["late_by"] == "" and sum(bool(r["late_by"]) for r in rows.values()) == 2
    assert rows["ada"]["name"] == "Lovelace, Ada" and rows["ada"]["lms_id"] == "1001"
    full = float(rows["ada"]["max_score"])
    assert float(rows["ada"]["score"]) == full - 3 and rows["ada"]["needs_manual_grading"] == "1"  # explain: by hand
    assert float(rows["ben"]["score"]) == 0 and float(rows["chen"]["score"]) < full - 3

    # 4. kai's renamed notebook arrives late, in Canvas's download zip
    late_zip = tmp_path / "late.zip"
    with zipfile.ZipFile(late_zip, "w") as zf:
        zf.write(made / "solution" / f"{A}.ipynb", f"novakkai_1011_88001_{A} (1).ipynb")
    _run("grade", A, str(late_zip), "--jobs", str(JOBS), *c)
    rows = {
        r["student_id"]: r for r in csv.DictReader(open(course / "reports" / A / "grades.csv", encoding="utf-8-sig"))
    }
    assert sorted(rows) == sorted(x[0] for x in CLASS) and rows["kai"]["status"] == "graded"
    assert float(rows["kai"]["score"]) == full - 3
    assert rows["lea"]["status"] == "missing"
    md = (course / "reports" / A / "report.md").read_text()
    assert "renamed" in md and "handed in as novakkai" in md
    assert "handed in nothing: lea." in md and "| lea (Weber, Lea) | 0 / 22 | missing |" in md
    # the class of the first run stays, with its lateness, under the late run's own rows
    assert md.index("## Graded in earlier runs, not in this one") < md.index("| hana (Sato, Hana) |")
    assert "late by 2 h 6 min" in md and "late by 1 d 6 h" in md and md.count("late by") == 2

    # 5. hand grading, on make hand-grade's page: ada's explain answer, 2 of 3 points with a comment
    from autograder.term.handgrade import HandGradeServer, HandGrading

    server = HandGradeServer(HandGrading(course, A), log=lambda *a: None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        body = urllib.parse.urlencode(
            {
                "token": server.token,
                "question": "explain_split",
                "student": "ada",
                "score": "2",
                "comment": "Right idea; say why the split is by time.",
            }
        )
        request = urllib.request.Request(
            server.url.split("?")[0] + "save", data=body.encode(), headers={"Accept": "application/json"}
        )
        assert json.loads(urllib.request.urlopen(request, timeout=30).read())["message"] == "saved: 2 / 3"
    finally:
        server.shutdown()
        server.server_close()
    _run("feedback", A, *c)
    assert "say why the split is by time" in (course / "feedback" / "ada" / A / f"{A}.html").read_text()

    # 6. a key fix (the first quiz question is worth 2 points, not 1), then a regrade of both runs:
    # the hand grade stays, and the report names each score the fix moved, in either run
    source = course / "source" / A / f"{A}.ipynb"
    src = nbformat.read(source, 4)
    next(
        x for x in src.cells if x.metadata.get("nbgrader", {}).get("grade_id") == "quiz_q1"
    ).metadata.nbgrader.points = 2
    nbformat.write(src, source)
    _run("regrade", A, "--jobs", str(JOBS), *c)
    report = json.loads((course / "reports" / A / "report.json").read_text())
    changes = {student: (old, new) for student, old, new in report["changes"]}
    assert changes["ada"] == (full - 1, full + 1 - 1) and changes["kai"] == (full - 3, full + 1 - 3)
    assert "ben" not in changes and "lea" not in changes  # blank; nothing handed in
    md = (course / "reports" / A / "report.md").read_text()
    assert f"| ada | {full - 1:g} | {full:g} | +1 |" in md and f"| kai | {full - 3:g} | {full - 2:g} | +1 |" in md
    full += 1
    ada = next(s for s in report["students"] + report["earlier_students"] if s["student"] == "ada")
    assert ada["score"] == full - 1 and ada["needs_manual"] == []
    assert sorted(report["sources"]) == sorted([str(course / "submitted"), str(late_zip)])
    rows = {
        r["student_id"]: r for r in csv.DictReader(open(course / "reports" / A / "grades.csv", encoding="utf-8-sig"))
    }
    assert sorted(rows) == sorted(x[0] for x in CLASS) and float(rows["kai"]["score"]) == full - 3

    # 7. grades and feedback for Canvas, then the same class's for Moodle
    _run("grades-lms", A, "--lms", "canvas", *c)
    canvas = list(csv.reader(open(course / "reports" / A / "canvas-grades.csv", encoding="utf-8-sig")))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A]
    assert canvas[1][0] == "Points Possible" and len(canvas) == 2 + 12
    by_id = {r[1]: r for r in canvas[2:]}
    assert by_id["1001"][5] == f"{full - 1:g}" and by_id["1012"][5] == "0"  # ada's hand grade; lea 0, as in grades.csv
    assert zipfile.ZipFile(course / "reports" / A / "canvas-feedback.zip").namelist() == [
        f"novakkai_1011_88001_feedback_{A}.html"
    ]  # the one Canvas submission

    worksheet = tmp_path / "moodle-worksheet.csv"
    with open(worksheet, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade"])
        w.writerows(
            [
                f"Participant {7000 + i}",
                name.split(", ")[1] + " " + name.split(", ")[0],
                f"{login}@uni.example",
                "",
                "",
                "24.00",
            ]
            for i, (login, name, *_) in enumerate(CLASS)
        )
    _run("roster", str(worksheet), "--assignment", A, *c)
    _run("grades-lms", A, "--lms", "moodle", *c)
    moodle = list(csv.DictReader(open(course / "reports" / A / "moodle-grades.csv", encoding="utf-8-sig")))
    assert len(moodle) == 12 and moodle[0]["Identifier"].startswith("Participant 70")
    hana = next(r for r in moodle if r["Full name"] == "Hana Sato")
    assert "late by 2 h 6 min" in hana["Feedback comments"]
    names = zipfile.ZipFile(course / "reports" / A / "moodle-feedback.zip").namelist()
    assert len(names) == 11 and f"Ada Lovelace_7000_assignsubmission_file_feedback_{A}.html" in names

    keep = REPO / "test-artifacts" / "term"
    keep.mkdir(parents=True, exist_ok=True)
    for name in ("canvas-grades.csv", "moodle-grades.csv", "grades.csv", "report.md"):
        shutil.copy(course / "reports" / A / name, keep / name)
