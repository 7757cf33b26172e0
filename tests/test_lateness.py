"""Due dates (issue 30): lateness from the collector's time, with extensions, on every row."""
import datetime as dt

import pytest

from autograder import fixtures as F
from autograder.report import late_by

A = "ps01_sequence_data"


def test_late_by_reads_like_a_person_would_say_it():
    assert [late_by(x) for x in (0, -5, 40, 60 * 12, 3600 * 3 + 300, 86400 * 2 + 3600 * 3 + 59)] == \
        ["", "", "40 s", "12 min", "3 h 5 min", "2 d 3 h"]


def test_due_dates_and_extensions_from_the_command_line(tmp_path, capsys):
    from nbgrader.api import Gradebook

    from autograder.__main__ import due_time, main
    from autograder.release import release
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
    assert main(["due", "ps01", "--student", "alice", "--days", "2", "--course", str(course)]) == 0
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_assignment(A).duedate == dt.datetime(2026, 12, 1, 22, 59)
        assert gb.find_submission(A, "alice").extension == dt.timedelta(days=2)
    assert "ps01_sequence_data is due 2026-12-01 22:59 UTC" in capsys.readouterr().out
