"""CSV cells that cannot run (issue 50, item 6): every CSV the course writes shows a cell that a
spreadsheet would read as a formula as text (OWASP's rule: a single quote in front), and numbers,
negative ones included, stay numbers."""

import csv
import json
from pathlib import Path

import pytest

from autograder.course import csvcells
from autograder.gradebook import report, roster
from autograder.term import lms

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\t=1", "\r=1", "=1+1", "'t Hooft"]
NUMBERS = ["-1.5", "19", "0", "+2", "1e+06", "-0.25"]


def runs_in_a_spreadsheet(text: str) -> bool:
    """What a spreadsheet would read as a formula: a cell starting with one of OWASP's characters
    that is not a plain number."""
    return text.startswith(("=", "+", "-", "@", "\t", "\r")) and not _is_number(text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_would_run_gets_a_quote_and_reads_back(text):
    made = csvcells.cell(text)
    assert not runs_in_a_spreadsheet(made) and made.startswith("'")
    assert csvcells.plain(made) == text


@pytest.mark.parametrize("text", NUMBERS)
def test_numbers_stay_numbers(text):
    assert csvcells.cell(text) == text and float(csvcells.cell(text)) == float(text)


def _cells(path):
    """Every cell of a CSV the course wrote, which starts with UTF-8's byte order mark: Excel then
    opens it as UTF-8 (csvcells.ENCODING)."""
    assert Path(path).read_bytes().startswith(b"\xef\xbb\xbf"), f"{path} does not say it is UTF-8"
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [cell for row in csv.reader(f) for cell in row]


def test_the_roster_is_written_safe_and_read_back_as_it_was(tmp_path):
    entries = [
        roster.Entry(f"s{k}", name=name, lms="canvas", lms_id=str(1000 + k), email=f"{name}@x", section=name)
        for k, name in enumerate(HOSTILE)
    ]
    roster.write(tmp_path, entries)
    assert not any(runs_in_a_spreadsheet(c) for c in _cells(tmp_path / roster.ROSTER))
    back = roster.load(tmp_path)
    assert [(e.name, e.email, e.section) for e in back.entries] == [(n, f"{n}@x", n) for n in HOSTILE]


def test_a_roster_written_before_cells_were_quoted_reads_as_it_was_written(tmp_path):
    with open(tmp_path / roster.ROSTER, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "name", "lms", "lms_id", "email", "section"])
        writer.writerows(
            [["s0", "'t Hooft", "canvas", "1", "", "'s-Gravenhage"], ["s1", "O'Neil", "canvas", "2", "", ""]]
        )
    back = roster.load(tmp_path)
    assert [(e.name, e.section) for e in back.entries] == [("'t Hooft", "'s-Gravenhage"), ("O'Neil", "")]


def _lms_row(k, name, final):
    return {
        "student": f"s{k}",
        "name": name,
        "lms": "canvas",
        "lms_id": str(2000 + k),
        "final": final,
        "max_score": 20.0,
        "parts": {"explain": (final, 3.0)},
        "part_finals": {"explain": final},
        "pending": [],
        "status": "graded",
        "sis_user_id": name,
        "sis_login_id": name,
        "section": name,
        "email": name,
        "reason": name,
    }


def test_canvas_and_moodle_files_run_nothing_and_keep_negative_scores(tmp_path):
    rows = [_lms_row(k, name, -1.5 if k == 0 else 2.0) for k, name in enumerate(HOSTILE)]
    lms._canvas(tmp_path / "c.csv", rows, "=cmd|' /C calc'!A0", per_exercise=True)
    lms._moodle(tmp_path / "m.csv", rows)
    for name in ("c.csv", "m.csv"):
        assert not any(runs_in_a_spreadsheet(c) for c in _cells(tmp_path / name)), name
    canvas = list(csv.reader(open(tmp_path / "c.csv", newline="", encoding="utf-8-sig")))
    assert canvas[2][0] == "'" + HOSTILE[0] and float(canvas[2][5]) == -1.5 and float(canvas[2][6]) == -1.5
    moodle = list(csv.DictReader(open(tmp_path / "m.csv", newline="", encoding="utf-8-sig")))
    assert float(moodle[0]["Grade"]) == -1.5 and moodle[1]["Full name"] == "'+1+1"


def test_grades_csv_runs_nothing_and_keeps_negative_scores(tmp_path):
    rows = [
        {
            "student": f"s{k}",
            "status": "graded",
            "name": name,
            "lms_id": name,
            "score": -1.5,
            "final": -1.5,
            "max_score": 20.0,
            "reason": name,
        }
        for k, name in enumerate(HOSTILE)
    ]
    record = {
        "assignment": "ps01_sequence_data",
        "students": rows,
        "earlier_students": [],
        "changes": [],
        "rejected_files": [],
        "roster_size": None,
    }
    report.write_files(tmp_path, record)
    assert not any(runs_in_a_spreadsheet(c) for c in _cells(tmp_path / "grades.csv"))
    table = list(csv.DictReader(open(tmp_path / "grades.csv", newline="", encoding="utf-8-sig")))
    assert [r["name"] for r in table] == ["'" + n for n in HOSTILE]
    assert all(float(r["score"]) == -1.5 and float(r["final"]) == -1.5 for r in table)
    assert json.loads((tmp_path / "report.json").read_text())["students"][0]["name"] == HOSTILE[0]


def test_make_exports_file_runs_nothing(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    from autograder.term.export import FinalExport

    monkeypatch.chdir(tmp_path)
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        gb.add_assignment("ps01_sequence_data")
        for k, name in enumerate(HOSTILE):
            gb.add_student(f"s{k}", last_name=name, first_name=name, email=name)
        FinalExport(to=str(tmp_path / "export.csv")).export(gb)
    assert not any(runs_in_a_spreadsheet(c) for c in _cells(tmp_path / "export.csv"))
    with open(tmp_path / "export.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert sorted(csvcells.plain(r["last_name"]) for r in rows) == sorted(HOSTILE)
    assert {r["score"] for r in rows} == {"0"}
