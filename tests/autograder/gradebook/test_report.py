"""The reports are written again while others read them (issue 50, deliverable 2): make
hand-grade's server saves on a thread per request and each save writes the reports again, while
make feedback or make grades-lms may run beside it. A reader must find each file whole, old or
new, and two writers must not both work from the same old report.json."""

import json
import sys
import threading
import time

from autograder.gradebook import report

A = "ps01_sequence_data"
FILES = ("grades.csv", "report.json", "report.md")


def _record(final: float) -> dict:
    rows = [
        {
            "student": f"s{k}",
            "status": "graded",
            "name": f"Student {k}",
            "score": 20.0,
            "final": final,
            "max_score": 22.0,
            "reason": "x" * 200,
        }
        for k in range(40)
    ]
    return {
        "assignment": A,
        "students": rows,
        "earlier_students": [],
        "changes": [],
        "rejected_files": [],
        "roster_size": None,
    }


def _read(path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def test_a_reader_finds_each_report_file_whole_while_it_is_written_again(tmp_path):
    """At every call the writer makes into C (opening, writing, renaming among them) each of the
    three files on disk is the old one or the new one, never a truncated or half-written one."""
    report.write_files(tmp_path, _record(20.0))
    old = {name: _read(tmp_path / name) for name in FILES}
    seen = []

    def look(frame, event, arg):
        if event == "c_call":
            seen.append({name: _read(tmp_path / name) for name in FILES})

    sys.setprofile(look)
    try:
        report.write_files(tmp_path, _record(0.0))
    finally:
        sys.setprofile(None)
    new = {name: _read(tmp_path / name) for name in FILES}
    assert all(old[name] != new[name] for name in FILES)
    assert len(seen) > 100
    for moment, files in enumerate(seen):
        for name in FILES:
            assert files[name] in (old[name], new[name]), (moment, name, (files[name] or b"")[:80])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)  # no part file left behind


def test_two_refreshes_at_once_take_turns_and_lose_neither_change(tmp_path, monkeypatch):
    """Two saves of make hand-grade at once: each refresh reads report.json, rescores it and
    writes it; the second must read what the first wrote, not the file both found."""
    reports = tmp_path / "reports" / A
    report.write_files(reports, _record(20.0))
    inside, most = [], []

    def rescore(course, assignment, record, *students):
        inside.append(threading.current_thread().name)
        most.append(len(inside))
        time.sleep(0.15)  # a class's gradebook being read
        record["students"][0]["reason"] += f" {threading.current_thread().name}"
        inside.pop()

    monkeypatch.setattr(report, "rescore", rescore)
    done = {}
    threads = [
        threading.Thread(
            target=lambda: done.update({threading.current_thread().name: report.refresh(tmp_path, A)}), name=name
        )
        for name in ("first", "second")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert done == {"first": True, "second": True}
    assert max(most) == 1, "two refreshes rescored at the same time"
    reason = json.loads((reports / "report.json").read_text())["students"][0]["reason"]
    assert sorted(reason.split()[1:]) == ["first", "second"]
