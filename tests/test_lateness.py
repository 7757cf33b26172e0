"""Due dates (issue 30): lateness from the collector's time, with extensions, on every row."""
import datetime as dt

import pytest
from nbgrader.plugins import LateSubmissionPlugin

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


# -- the final score (issue 50, item 3): one derivation from the gradebook ------------------------
def _submission(grades, timestamp=None, due=None, extension=None, student="lina"):
    """A gradebook submission as autograder.scores reads it: one notebook of (name, score, max,
    needs manual grading) grades, nbgrader's lateness from its time, due date and extension."""
    from types import SimpleNamespace as NS
    nb = NS(name=A, max_score=sum(g[2] for g in grades), late_submission_penalty=None,
            grades=[NS(name=n, score=s, max_score=m, needs_manual_grade=p) for n, s, m, p in grades])
    duedate = None if due is None else due + (extension or dt.timedelta(0))
    late = 0 if timestamp is None or duedate is None else max(0.0, (timestamp - duedate).total_seconds())
    return NS(notebooks=[nb], student=NS(id=student), timestamp=timestamp, extension=extension,
              total_seconds_late=late)


DUE = dt.datetime(2026, 11, 20, 12, 0)
GRADED = [("code", 19.0, 19.0, False), ("explain_split", 2.0, 3.0, False)]


def _plugin(**settings):
    from traitlets.config import Config

    from autograder.scores import late_plugin
    return late_plugin(Config(settings))


class HalfAfterAnHour(LateSubmissionPlugin):
    """A course's own late policy (a test's): half the points from one hour late."""

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return score / 2 if total_seconds_late >= 3600 else None


def test_the_penalty_is_taken_on_the_score_as_it_is_now():
    from autograder.scores import BY_TIME, final_score
    zero = _plugin(LateSubmissionPlugin={"penalty_method": "zero"})
    late = _submission(GRADED, timestamp=DUE + dt.timedelta(hours=2, minutes=6), due=DUE)
    got = final_score(late, zero)
    assert (got.raw, got.max_score, got.penalty, got.final) == (21.0, 22.0, 21.0, 0.0)
    assert got.late_seconds == 7560 and got.late_source == BY_TIME and got.pending == ()
    # the hand grade given after grading is inside the penalty; nbgrader's stored one was 19
    assert final_score(_submission([GRADED[0], ("explain_split", 3.0, 3.0, False)], DUE + dt.timedelta(hours=2),
                                   due=DUE), zero).penalty == 22.0
    on_time = final_score(_submission(GRADED, timestamp=DUE - dt.timedelta(minutes=1), due=DUE), zero)
    assert (on_time.penalty, on_time.final, on_time.late_seconds, on_time.late_source) == (0.0, 21.0, 0.0, "")
    extended = final_score(_submission(GRADED, DUE + dt.timedelta(hours=2), due=DUE, extension=dt.timedelta(days=1)),
                           zero)
    assert (extended.penalty, extended.final) == (0.0, 21.0)
    pending = final_score(_submission([GRADED[0], ("explain_split", 0.0, 3.0, True)], DUE + dt.timedelta(hours=2),
                                      due=DUE), zero)
    assert pending.pending == ("explain_split",) and pending.final == 0.0
    default = final_score(late, _plugin())
    assert (default.penalty, default.final, default.late_source) == (0.0, 21.0, BY_TIME)


def test_a_course_policy_of_its_own_is_asked_as_nbgrader_asks_it():
    from autograder.scores import final_score
    policy = _plugin(AssignLatePenalties={"plugin_class": f"{__name__}.HalfAfterAnHour"})
    assert final_score(_submission(GRADED, DUE + dt.timedelta(minutes=30), due=DUE), policy).penalty == 0.0
    assert final_score(_submission(GRADED, DUE + dt.timedelta(hours=3), due=DUE), policy).final == 10.5


def test_canvas_marks_count_as_the_least_lateness_unless_an_extension_was_given_here(tmp_path):
    from autograder.scores import BY_LMS, final_score, lms_marks, record_lms_marks
    zero = _plugin(LateSubmissionPlugin={"penalty_method": "zero"})
    half = _plugin(AssignLatePenalties={"plugin_class": f"{__name__}.HalfAfterAnHour"})
    marked = final_score(_submission(GRADED, due=DUE), zero, marked_late=True)
    assert (marked.late_source, marked.late_seconds, marked.penalty, marked.final) == (BY_LMS, None, 21.0, 0.0)
    assert "counted as 1 s late" in marked.note
    assert final_score(_submission(GRADED, due=DUE), half, marked_late=True).penalty == 0.0     # 1 s, not an hour
    excused = final_score(_submission(GRADED, due=DUE, extension=dt.timedelta(days=2)), zero, marked_late=True)
    assert (excused.late_source, excused.final) == ("", 21.0) and "extension of 2 d 0 h" in excused.note
    # a time the course's collector recorded wins over the LMS's mark
    timed = final_score(_submission(GRADED, timestamp=DUE - dt.timedelta(hours=1), due=DUE), zero, marked_late=True)
    assert timed.final == 21.0
    reports = tmp_path / "reports" / A
    record_lms_marks(reports, {"marcus": "marcus_LATE_2002_9001_", "lina": "", "ola": "ola_2003_9002_"})
    record_lms_marks(reports, {"ola": "ola_late_2003_9003_"})          # a later run keeps the earlier marks
    assert lms_marks(tmp_path, A) == {
        "marcus": "marcus_LATE_2002_9001_", "ola": "ola_late_2003_9003_"}
