"""Issue 30: a roster from each LMS's class list, submissions matched to it by the LMS's own id,
and grade files in the form each LMS imports."""

import csv
import os
import zipfile

import pytest

from autograder.gradebook import roster
from autograder.grading.intake import collect
from autograder.term import lms

A = "ps03_lstm_gates"


def _csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _nb(path, mtime=1000):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    os.utime(path, (mtime, mtime))


CANVAS_EXPORT = (
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ps02 (4411)", "Current Score"],
    [
        ["    Points Possible", "", "", "", "", "20", "(read only)"],
        ["Smith, John", "12345", "S001", "jsmith", "Section A", "18", "90"],
        ["Müller, Jörg", "23456", "S002", "jmuller", "Section A", "", ""],
        ["Smith, John", "34567", "S003", "jsmith2", "Section B", "11", "55"],  # two of one name
        ["Student, Test", "99999", "", "", "Section A", "", ""],
    ],
)


def test_canvas_export_gives_the_sis_login_or_the_name_canvas_writes_into_its_download(tmp_path):
    kind, entries = roster.parse(_csv(tmp_path / "canvas.csv", *CANVAS_EXPORT))
    assert kind == "a Canvas gradebook export"
    assert [(e.student, e.lms_id, e.section) for e in entries] == [
        ("jsmith", "12345", "Section A"),
        ("jmuller", "23456", "Section A"),
        ("jsmith2", "34567", "Section B"),
    ]
    header, rows = CANVAS_EXPORT
    no_logins = [r[:3] + [""] + r[4:] for r in rows]
    assert [e.student for e in roster.parse(_csv(tmp_path / "c2.csv", header, no_logins))[1]] == [
        "smithjohn-12345",
        "mullerjorg",
        "smithjohn-34567",
    ]
    assert entries[0].sis_user_id == "S001" and entries[0].name == "Smith, John"


def test_moodle_worksheet_blackboard_download_and_a_plain_list(tmp_path):
    moodle = _csv(
        tmp_path / "moodle.csv",
        lms.WORKSHEET,
        [
            [
                "Participant 123456",
                "Alice Smith",
                "alice.smith@uni.example",
                "No submission",
                "",
                "20.00",
                "Yes",
                "-",
                "-",
                "",
            ],
            ["Participant 123457", "Bob de Vries", "bob@uni.example", "", "", "20.00", "Yes", "-", "-", ""],
        ],
    )
    kind, entries = roster.parse(moodle)
    assert kind == "a Moodle grading worksheet"
    assert [(e.student, e.lms, e.lms_id) for e in entries] == [
        ("alice.smith", "moodle", "123456"),
        ("bob", "moodle", "123457"),
    ]
    bb = _csv(
        tmp_path / "bb.csv",
        ["Last Name", "First Name", "Username", "Student ID", "Last Access"],
        [
            ["Smith", "Alice", "alice2", "S1", ""],
            ["de la Cruz", "Ana María", "ana3", "S2", ""],
            ["Ng", "", "ng7", "S3", ""],
        ],
    )
    entries = roster.parse(bb)[1]
    assert [(e.student, e.name) for e in entries] == [
        ("alice2", "Smith, Alice"),
        ("ana3", "de la Cruz, Ana María"),
        ("ng7", "Ng"),
    ]
    # the gradebook's first and last names are Blackboard's own columns, not a split at the last space
    assert [roster.name_parts(e) for e in entries] == [("Alice", "Smith"), ("Ana María", "de la Cruz"), ("", "Ng")]
    plain = _csv(tmp_path / "plain.csv", ["student", "name"], [["alice", "Alice"], ["bob", "Bob"]])
    assert roster.parse(plain)[0] == "a plain class list"
    with pytest.raises(roster.RosterError, match="not a class list"):
        roster.parse(_csv(tmp_path / "x.csv", ["what", "ever"], [["1", "2"]]))
    with pytest.raises(roster.RosterError, match="cannot use"):
        roster.parse(_csv(tmp_path / "bad.csv", ["student"], [["../etc"]]))


def test_submissions_are_matched_by_the_lms_id_in_their_names(tmp_path):
    """Canvas: the user id in the file's name finds the row, even where Canvas's name token and
    the roster's differ (two John Smiths); Moodle: the participant number; Blackboard: the username."""
    _, entries = roster.parse(_csv(tmp_path / "canvas.csv", *CANVAS_EXPORT))
    cls = tmp_path / "canvas"
    _nb(cls / f"smithjohn_34567_777_{A}.ipynb")
    _nb(cls / f"mullerjorg_LATE_23456_778_{A}-1.ipynb")
    _nb(cls / f"stranger_55555_779_{A}.ipynb")
    found = collect(cls, A, tmp_path / "w")
    rows = roster.apply(found, roster.Roster(entries))
    assert sorted(found.notebooks) == ["jmuller", "jsmith2", "stranger"]
    assert rows["jsmith2"].lms_id == "34567" and "stranger" not in rows
    assert found.lms["jsmith2"] == {"lms": "canvas", "lms_id": "34567", "prefix": "smithjohn_34567_777_"}
    assert found.lms["jmuller"]["prefix"] == "mullerjorg_LATE_23456_778_"
    assert "handed in as smithjohn" in found.notes["jsmith2"][0]

    moodle = tmp_path / "moodle"
    _nb(moodle / "Alice Smith_123456_assignsubmission_file_" / f"{A}.ipynb")
    found = collect(moodle, A, tmp_path / "w2")
    rows = roster.apply(
        found, roster.Roster([roster.Entry("alice.smith", "Alice Smith", "moodle", moodle_ids=f"{A}=123456")], A)
    )
    assert list(found.notebooks) == ["alice.smith"]
    assert found.lms["alice.smith"]["prefix"] == "Alice Smith_123456_assignsubmission_file_"

    bb = tmp_path / "bb"
    _nb(bb / f"Problem Set 3_alice2_attempt_2026-11-20-10-00-00_{A}.ipynb")
    found = collect(bb, A, tmp_path / "w3")
    assert found.lms["alice2"]["lms"] == "blackboard"


def _row(student, name, lms_id, final, **kw):
    parts = kw.pop("parts", {})
    return {
        "student": student,
        "name": name,
        "lms": kw.pop("lms", "canvas"),
        "lms_id": lms_id,
        "final": final,
        "max_score": 20.0,
        "parts": parts,
        "part_finals": {p: s for p, (s, _) in parts.items()},
        "pending": kw.pop("pending", []),
        "status": "graded",
        **kw,
    }


def test_canvas_and_moodle_files_have_the_documented_headers(tmp_path):
    rows = [
        _row(
            "smithjohn",
            "Smith, John",
            "12345",
            17.0,
            sis_user_id="S001",
            sis_login_id="jsmith",
            section="A",
            parts={"lstm_cell": (6.0, 6.0), "explain": (1.0, 3.0)},
        ),
        _row("ng", "Ng, Bo", "23456", None, status="missing", reason="nothing handed in"),
    ]
    lms._canvas(tmp_path / "c.csv", rows, "Problem set 3", per_exercise=True)
    lines = list(csv.reader(open(tmp_path / "c.csv", encoding="utf-8-sig")))
    assert lines[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Problem set 3",
        "Problem set 3: explain",
        "Problem set 3: lstm_cell",
    ]
    assert lines[1] == ["Points Possible", "", "", "", "", "20", "3", "6"]
    assert lines[2] == ["Smith, John", "12345", "S001", "jsmith", "A", "17", "1", "6"]
    assert lines[3][:6] == ["Ng, Bo", "23456", "", "", "", ""]  # blank: Canvas leaves it ungraded

    moodle = [
        _row(
            "alice.smith",
            "Alice Smith",
            "123456",
            12.0,
            lms="moodle",
            pending=["explain"],
            parts={"explain": (0.0, 3.0)},
            late_seconds=7500,
            late_penalty=0,
        )
    ]
    lms._moodle(tmp_path / "m.csv", moodle)
    lines = list(csv.reader(open(tmp_path / "m.csv", encoding="utf-8-sig")))
    assert lines[0] == lms.WORKSHEET
    assert lines[1][:6] == ["Participant 123456", "Alice Smith", "", "Submitted for grading", "12", "20"]
    assert "not graded yet: explain" in lines[1][-1] and "late by 2 h 5 min" in lines[1][-1]


def test_feedback_files_are_named_as_each_lms_matches_them(tmp_path):
    course = tmp_path / "course"
    for student in ("smithjohn", "alice.smith", "hubuser"):
        html = course / "feedback" / student / A / f"{A}.html"
        html.parent.mkdir(parents=True)
        html.write_text(f"<p>{student}</p>")
    rows = [
        _row("smithjohn", "Smith, John", "12345", 17.0, lms_prefix="smithjohn_12345_777_"),
        _row("hubuser", "", "", 10.0),
    ]
    left = lms._feedback_zip(course, A, "canvas", rows, tmp_path / "c.zip")
    names = zipfile.ZipFile(tmp_path / "c.zip").namelist()
    assert names == [f"smithjohn_12345_777_feedback_{A}.html"]
    # Canvas takes the first two all-digit parts of the name as user and attachment id
    assert [p for p in names[0].split("_") if p.isdigit()][:2] == ["12345", "777"]
    assert left and left[0].startswith("hubuser: no Canvas file name")
    rows = [_row("alice.smith", "Alice Smith", "123456", 12.0, lms="moodle")]  # from the roster only
    assert lms._feedback_zip(course, A, "moodle", rows, tmp_path / "m.zip") == []
    assert zipfile.ZipFile(tmp_path / "m.zip").namelist() == [
        f"Alice Smith_123456_assignsubmission_file_feedback_{A}.html"
    ]


def test_a_canvas_export_without_sis_columns_is_read(tmp_path):
    """Canvas leaves the SIS columns out for a teacher without the right to read SIS data."""
    kind, entries = roster.parse(
        _csv(tmp_path / "c.csv", ["Student", "ID", "Section", "ps03 (501)"], [["Smith, John", "12345", "A", ""]])
    )
    assert kind == "a Canvas gradebook export" and [(e.student, e.lms_id) for e in entries] == [("smithjohn", "12345")]


def test_moodle_participant_numbers_are_kept_per_assignment(tmp_path):
    """Moodle numbers its participants per assignment (assign_user_mapping): one worksheet per set."""

    def worksheet(name, first):
        return _csv(
            tmp_path / name,
            lms.WORKSHEET[:3],
            [
                [f"Participant {first}", "Alice Smith", "alice@uni.example"],
                [f"Participant {first + 1}", "Bo Ng", "bo@uni.example"],
            ],
        )

    course = tmp_path / "course"
    course.mkdir()
    _, entries = roster.parse(worksheet("w1.csv", 7000))
    with pytest.raises(roster.RosterError, match="ASSIGNMENT="):
        roster.write(course, entries)
    roster.write(course, entries, "ps01_sequence_data")
    roster.write(course, roster.parse(worksheet("w3.csv", 9100))[1], A)
    r1, r3 = roster.load(course, "ps01_sequence_data"), roster.load(course, A)
    assert r1.find("x", {"lms": "moodle", "lms_id": "7000"}).student == "alice"
    assert r3.find("x", {"lms": "moodle", "lms_id": "9100"}).student == "alice"
    assert r3.find("x", {"lms": "moodle", "lms_id": "7000"}) is None  # ps01's number means nobody in ps03
    assert roster.load(course, "ps02_rnn").by_student["bo"].id_for("ps02_rnn") == ""


def test_roster_names_reach_the_gradebook_the_formgrader_reads(tmp_path, capsys):
    """The formgrader showed "None, None" for every student: nbgrader's autograde adds a student by
    id alone. `make roster` (and each grading run) writes the roster's names and e-mails, a
    name's markup made inert (the formgrader writes names into its page unescaped), and leaves a
    name the roster lacks as the gradebook has it."""
    from nbgrader.api import Gradebook

    from autograder.__main__ import main

    course = tmp_path / "course"
    course.mkdir()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:  # graded before the roster came
        gb.add_student("bob", first_name="Robert", last_name="Jones")
        gb.add_student("jsmith")
    header, rows = CANVAS_EXPORT
    hostile = ["<img src=x onerror=alert(1)>, Eve", "45678", "S004", "eve", "Section A", "", ""]
    plain = _csv(
        tmp_path / "plain.csv",
        ["student", "name", "email"],
        [["bob", "", "bob@uni.example"], ["cher", "Cher", ""], ["ana", "Ana  María de la Cruz", ""]],
    )
    assert main(["roster", str(_csv(tmp_path / "canvas.csv", header, rows + [hostile])), "--course", str(course)]) == 0
    assert "4 student(s) added or changed" in capsys.readouterr().out
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        names = {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}
    assert names["jsmith"] == ("John", "Smith", None) and names["jmuller"] == ("Jörg", "Müller", None)
    assert names["eve"] == ("Eve", "\u2039img src=x onerror=alert(1)\u203a", None)
    assert names["bob"] == ("Robert", "Jones", None)  # not on this roster: untouched
    assert main(["roster", str(plain), "--course", str(course)]) == 0
    assert "3 student(s) added or changed" in capsys.readouterr().out
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        names = {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}
    assert names["bob"] == ("Robert", "Jones", "bob@uni.example")  # no name on the roster: the book's kept
    assert names["cher"] == (None, "Cher", None) and names["ana"] == ("Ana María de la", "Cruz", None)
    assert main(["roster", str(plain), "--course", str(course)]) == 0
    assert "0 student(s) added or changed" in capsys.readouterr().out


def test_a_file_in_no_encoding_a_class_list_comes_in_is_refused_in_a_sentence(tmp_path):
    """Bytes that neither UTF-8 nor Windows-1252 decode (0x81 is unassigned in both) ended in an
    UnboundLocalError."""
    path = tmp_path / "list.csv"
    path.write_bytes(b"Student,ID\n\x81\x8d,1\n")
    with pytest.raises(roster.RosterError, match="neither UTF-8 nor Windows-1252"):
        roster.parse(path)
