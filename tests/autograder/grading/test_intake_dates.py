"""Issue 50: a submission is what its student handed in last.

Extracting a zip used to drop its entries' dates, so of two notebooks of one student the chooser
compared the times of extraction: the entry extracted last, or (within the file system's clock
tick) the one named like the assignment, was graded, whatever the zip said. An older wrong draft
went into the LMS file. The entries' dates now decide, the row says which file was graded, what
was compared and which notebooks were not graded."""

import json
import os
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.authoring import fixtures as F
from autograder.course.folder import REPO
from autograder.grading.intake import collect
from autograder.grading.zips import entry_time
from support import staged

A = "ps03_lstm_gates"
OLDER, NEWER = (2026, 11, 20, 9, 15, 0), (2026, 11, 20, 23, 40, 0)


@pytest.fixture(scope="module")
def drafts():
    """(wrong draft, right answer): notebook texts as Jupyter writes them."""
    release = nbformat.read(REPO / "release" / A / f"{A}.ipynb", 4)
    source = nbformat.read(REPO / "source" / A / f"{A}.ipynb", 4)
    wrong = F.load(REPO / "source" / A / "mutants" / "gates_gate_order.py")
    return F.build(wrong, release, source), F.build(F.SOLUTION, release, source)


def _zip(path: Path, entries) -> Path:
    """A zip with `entries` (name, date or None for the DOS zero, text) in that order."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, when, text in entries:
            zf.writestr(zipfile.ZipInfo(name, when or (1980, 1, 1, 0, 0, 0)), text)
    return path


def _clock(date_time) -> str:
    return "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*date_time)


@pytest.mark.parametrize("newer_first", [False, True], ids=["older-entry-first", "newer-entry-first"])
def test_the_newer_zip_entry_is_graded_whatever_the_order(tmp_path, drafts, newer_first):
    wrong, right = drafts
    older = (f"alice/{A}.ipynb", OLDER, wrong)  # the draft, named like the assignment
    newer = (f"alice/{A} (1).ipynb", NEWER, right)  # the copy she finished
    entries = [newer, older] if newer_first else [older, newer]
    found = collect(_zip(tmp_path / "class.zip", entries), A, tmp_path / "work")
    assert found.notebooks["alice"].read_text(encoding="utf-8") == right
    assert found.notes["alice"] == [
        f"2 notebooks submitted: graded {A} (1).ipynb (dated {_clock(NEWER)} in the zip), the one modified last; "
        f"not graded: {A}.ipynb (dated {_clock(OLDER)} in the zip)"
    ]
    # the extracted copy carries the entry's date
    assert time.localtime(found.notebooks["alice"].stat().st_mtime)[:6] == NEWER


def test_the_zip_extended_timestamp_is_read_in_utc():
    info = zipfile.ZipInfo(f"alice/{A}.ipynb", OLDER)
    info.extra = b"UT\x05\x00\x01" + (1_795_000_000).to_bytes(4, "little")
    assert entry_time(info) == 1_795_000_000
    assert entry_time(zipfile.ZipInfo("x", (1980, 1, 1, 0, 0, 0))) is None


def test_zips_without_dates_are_decided_by_the_lms_order_and_say_so(tmp_path, drafts):
    """Canvas numbers uploads as they come (its '-1' is the later upload of a name); a Moodle folder
    with two notebooks and no dates falls back to the assignment's name, and the row says that the
    dates could not tell."""
    wrong, right = drafts
    moodle = "Alice Smith_123456_assignsubmission_file_"
    found = collect(
        _zip(
            tmp_path / "lms.zip",
            [
                (f"bob_23456_790_{A}-1.ipynb", None, right),
                (f"bob_23456_789_{A}.ipynb", None, wrong),
                (f"{moodle}/{A} (1).ipynb", None, wrong),
                (f"{moodle}/{A}.ipynb", None, right),
            ],
        ),
        A,
        tmp_path / "work",
    )
    assert found.notebooks["bob"].read_text(encoding="utf-8") == right
    assert found.notes["bob"] == [
        f"2 notebooks submitted: graded bob_23456_790_{A}-1.ipynb (no date in the zip), Canvas's later upload "
        f"(attachment 790), since the zip gives none of them a date; not graded: bob_23456_789_{A}.ipynb "
        "(no date in the zip)"
    ]
    assert found.notebooks["123456"].read_text(encoding="utf-8") == right
    assert (
        f"2 notebooks submitted: graded {A}.ipynb (no date in the zip), named like the assignment, since the "
        f"zip gives none of them a date; not graded: {A} (1).ipynb (no date in the zip)"
    ) in found.notes["123456"]


def test_every_notebook_of_a_folder_is_named_on_the_row(tmp_path, drafts):
    wrong, right = drafts
    folder = tmp_path / "class" / "alice"
    for rel, text, mtime in (
        (f"{A}.ipynb", right, 2000),
        ("Untitled.ipynb", wrong, 3000),
        (f"drafts/{A}.ipynb", wrong, 3000),
        (f".ipynb_checkpoints/{A}-checkpoint.ipynb", wrong, 3000),
    ):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
        os.utime(folder / rel, (mtime, mtime))
    found = collect(tmp_path / "class", A, tmp_path / "work")
    assert found.notebooks["alice"].read_text(encoding="utf-8") == right
    assert found.notes["alice"] == [
        f"also handed in, not graded: .ipynb_checkpoints/{A}-checkpoint.ipynb (Jupyter's automatic checkpoint "
        f"copy), Untitled.ipynb (not named like the assignment), drafts/{A}.ipynb (not where a submission's "
        "notebook goes)"
    ]


def test_a_flat_lms_download_names_a_students_other_notebooks_on_their_row(tmp_path, drafts):
    """In Canvas's flat download a student's other notebook was listed under "Files not graded",
    away from their row; it is named on the row now. A file of nobody with a row stays there."""
    wrong, right = drafts
    found = collect(
        _zip(
            tmp_path / "canvas.zip",
            [
                (f"bob_23456_789_{A}.ipynb", NEWER, right),
                ("bob_23456_790_scratch.ipynb", NEWER, wrong),
                ("carol_34567_791_scratch.ipynb", NEWER, wrong),
            ],
        ),
        A,
        tmp_path / "work",
    )
    assert found.notes["bob"] == [
        "also handed in, not graded: bob_23456_790_scratch.ipynb (not named like the assignment)"
    ]
    assert [name for name, _ in found.rejected] == ["carol_34567_791_scratch.ipynb"] and "carol" not in found.missing


def test_the_report_says_which_notebook_was_graded(tmp_path, drafts, monkeypatch):
    """Through the pipeline's intake and staging into report.md and report.json (grading itself is
    the same for any notebook staged, and test_grading.py runs it): the staged notebook is the
    newer entry, and the row names both."""
    from autograder.grading import scoring

    wrong, right = drafts
    course = F.make_course(tmp_path / "course", [A])
    archive = _zip(
        tmp_path / "class.zip",
        [
            (f"alice/{A} (1).ipynb", NEWER, right),
            (f"alice/{A}.ipynb", OLDER, wrong),
            (f"bob/{A}.ipynb", NEWER, right),
            ("bob/notes.ipynb", OLDER, wrong),
        ],
    )
    run, ready = staged(A, archive, course, nbformat.read(REPO / "release" / A / f"{A}.ipynb", 4))
    assert ready == ["alice", "bob"]
    graded = nbformat.read(course / "staged" / "alice" / A / f"{A}.ipynb", 4)
    assert nbformat.writes(graded) == nbformat.writes(nbformat.reads(right, 4))
    scoring.write_reports(run)
    report = (course / "reports" / A / "report.md").read_text(encoding="utf-8")
    row = next(line for line in report.splitlines() if line.startswith("| alice "))
    assert f"graded {A} (1).ipynb (dated {_clock(NEWER)} in the zip), the one modified last" in row
    assert f"not graded: {A}.ipynb (dated {_clock(OLDER)} in the zip)" in row
    row = next(line for line in report.splitlines() if line.startswith("| bob "))
    assert "also handed in, not graded: notes.ipynb (not named like the assignment)" in row
    students = {s["student"]: s for s in json.loads((course / "reports" / A / "report.json").read_text())["students"]}
    assert f"graded {A} (1).ipynb" in students["alice"]["reason"] and "notes.ipynb" in students["bob"]["reason"]


def _utc_field(seconds: int) -> bytes:
    """Info-ZIP's extended timestamp extra field ('UT') holding a modification time."""
    import struct

    return struct.pack("<HHBi", 0x5455, 5, 1, seconds)


def test_entries_with_and_without_utc_times_compare_in_one_clock(tmp_path, drafts, monkeypatch):
    """A zip made in New York (UTC-5) whose older draft carries a UTC time (15:00 UTC, 10:00 on the
    writer's clock) and whose newer answer has only its DOS time (10:30 on that clock): read in
    two bases on a grader whose clock is UTC, the draft looked 4.5 hours newer and was graded."""
    import calendar

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        wrong, right = drafts
        draft = zipfile.ZipInfo(f"alice/{A}.ipynb", (2026, 11, 20, 10, 0, 0))
        draft.extra = _utc_field(calendar.timegm((2026, 11, 20, 15, 0, 0)))
        answer = zipfile.ZipInfo(f"alice/{A}_final.ipynb", (2026, 11, 20, 10, 30, 0))
        path = tmp_path / "class.zip"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(draft, wrong)
            zf.writestr(answer, right)
        found = collect(path, A, tmp_path / "work")
        assert found.notebooks["alice"].read_text(encoding="utf-8") == right
        assert "the one modified last" in found.notes["alice"][0]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
