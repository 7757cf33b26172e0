"""Due dates and extensions in the course's gradebook: `make due ASSIGNMENT=ps03 WHEN="2026-12-01 23:59
Europe/Berlin"`, or `STUDENT=alice DAYS=2` for one student's extension. Every output derives the late
penalty from them whenever it is shown (autograder.gradebook.scores)."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

from ..course.folder import gradebook_url
from ..gradebook.roster import load as load_roster


class DueError(Exception):
    """The due date or extension cannot be set: one sentence says why."""


def due_time(text: str):
    """'2026-12-01 23:59 Europe/Berlin', '2026-12-01T23:59+01:00' or '... UTC' -> naive UTC, as nbgrader
    keeps times. A time without a zone is refused: whose midnight would it be?"""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from dateutil.parser import ParserError, parse

    head, _, zone = text.strip().rpartition(" ")
    try:
        when = parse(head).replace(tzinfo=ZoneInfo(zone)) if head and ("/" in zone or zone == "UTC") else parse(text)
    except (ParserError, ValueError, ZoneInfoNotFoundError) as err:
        raise SystemExit(f"due: cannot read the time {text!r} ({err})")
    if when.tzinfo is None:
        if zone.isalpha() and zone.isupper():  # CET, EST: abbreviations name no one rule
            raise SystemExit(
                f"due: {zone!r} is an abbreviation, not a time zone; write the region instead, "
                f"e.g. '{head} Europe/Berlin' or '{head} UTC'"
            )
        raise SystemExit(f"due: {text!r} has no time zone; add one, e.g. '{text} Europe/Berlin' or '{text} UTC'")
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def set_due(course: Path, name: str, when: dt.datetime) -> None:
    """`name` is due at `when` (naive UTC, as due_time gives it)."""
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb:
        gb.update_or_create_assignment(name, duedate=when)


def extend(course: Path, name: str, student: str, days: float, hours: float) -> None:
    """`student` has `days` and `hours` more for `name` (on the student's submission, made if need be). A
    student not on the roster (without one, not in the gradebook) is refused, with the nearest ids: a typo
    would otherwise make a student of its own while the one meant got no extension."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(course)) as gb:
        try:
            gb.find_assignment(name)
        except MissingEntry:
            raise DueError(f"{name} is not in {course}'s gradebook yet; run make assignments first") from None
        roster = load_roster(course)
        if roster is not None:
            where, known, hint = "the roster", [e.student for e in roster.entries], ""
        else:
            where, known = "the gradebook", [s.id for s in gb.students]
            hint = (
                "; a course without a roster knows only the students it graded: import the class list first "
                "(make roster FILE=...)"
            )
        if student not in known:
            near = difflib.get_close_matches(student, known, n=3, cutoff=0.6)
            meant = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
            raise DueError(f"{student!r} is not on {where}{meant}{hint}")
        gb.update_or_create_student(student)
        try:
            gb.find_submission(name, student)
        except MissingEntry:
            gb.add_submission(name, student)
        gb.grant_extension(name, student, days=days, hours=hours)
