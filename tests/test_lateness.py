"""Due dates (issue 30): lateness from the collector's time, with extensions, on every row."""
import datetime as dt
import shutil

import pytest

from autograder import fixtures as F
from autograder.exchange import TIMESTAMP_FORMAT
from autograder.pipeline import Options, Run
from autograder.report import late_by

A = "ps01_sequence_data"
DUE = dt.datetime(2026, 11, 20, 12, 0, 0)


def test_late_by_reads_like_a_person_would_say_it():
    assert [late_by(x) for x in (0, -5, 40, 60 * 12, 3600 * 3 + 300, 86400 * 2 + 3600 * 3 + 59)] == \
        ["", "", "40 s", "12 min", "3 h 5 min", "2 d 3 h"]


@pytest.mark.grading
def test_late_submissions_are_marked_with_extensions_counted(tmp_path):
    from nbgrader.api import Gradebook

    course, batch = F.course_with_class(tmp_path, A, [F.BLANK])
    submitted = course / "submitted"
    # nbgrader's layout, as the collector leaves it: the time in timestamp.txt is the exchange's
    for student, when in (("ontime", DUE - dt.timedelta(hours=1)), ("late", DUE + dt.timedelta(hours=2, minutes=5)),
                          ("extended", DUE + dt.timedelta(hours=2, minutes=5))):
        folder = submitted / student / A
        folder.mkdir(parents=True)
        shutil.copy(batch / "blank" / f"{A}.ipynb", folder / f"{A}.ipynb")
        (folder / "timestamp.txt").write_text(when.strftime(TIMESTAMP_FORMAT))   # as the collector writes it
    from autograder.release import changed_after_grading, release
    assert release([A], course, log=lambda *a: None) == []      # released before the term, as make assignments does
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(A, duedate=DUE)
        for student in ("ontime", "late", "extended"):
            gb.update_or_create_student(student)
        gb.add_submission(A, "extended")
        gb.grant_extension(A, "extended", days=1)

    assert changed_after_grading(course, A) is None
    results = {r.student: r for r in Run(A, submitted, course=course, options=Options(jobs=1),
                                         log=lambda *a: None).run()}
    assert results["ontime"].late_seconds == 0 == results["extended"].late_seconds
    assert results["late"].late_seconds == 2 * 3600 + 300
    report = (course / "reports" / A / "report.md").read_text()
    assert "late by 2 h 5 min" in report and report.count("late by") == 1
    grades = (course / "reports" / A / "grades.csv").read_text().splitlines()
    assert grades[0].endswith(",late_by,late_penalty")
    assert any(line.startswith("late,") and line.endswith(",2 h 5 min,0") for line in grades), grades


def test_due_dates_and_extensions_from_the_command_line(tmp_path, capsys):
    from nbgrader.api import Gradebook

    from autograder.__main__ import due_time, main
    from autograder.release import release
    assert due_time("2026-12-01 23:59 Europe/Berlin") == dt.datetime(2026, 12, 1, 22, 59)
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
