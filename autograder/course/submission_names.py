"""Names in what students hand in: a student id, the file names Canvas, Moodle and Blackboard give
a submission, what a file that is not a regular one is, and how a name that is not UTF-8 is printed."""

from __future__ import annotations

import re
import stat
from pathlib import Path

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


def shown(name) -> str:
    """A file name as it can be printed and written as UTF-8: bytes that were not UTF-8 become U+FFFD."""
    name = str(name)
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return name.encode("utf-8", "replace").decode("utf-8")


def kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file or a folder."""
    for test, word in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return word
    return None


# what students and LMSs add to a notebook's name: Canvas's resubmission '-1', a browser's ' (1)',
# a student's '_final' or ' copy'
RENAMED = r"(?:-\d{1,3}| ?\(\d{1,3}\)|[ _-][A-Za-z0-9 ()_-]{1,40})?"


def default_regexp(assignment: str) -> str:
    """LMS file names such as 'alice_1234_5678_ps03_lstm_gates.ipynb' or 'alice_ps03_lstm_gates.ipynb',
    also renamed ('..._ps03_lstm_gates-1.ipynb', '..._ps03_lstm_gates (1).ipynb')."""
    return (
        rf"^(?P<student_id>[A-Za-z0-9][A-Za-z0-9.@-]*)_(?:.*_)?"
        rf"(?P<file_id>{re.escape(assignment)}{RENAMED}\.ipynb)$"
    )


# Moodle's "download all submissions": 'Full Name_<participant id>_assignsubmission_file_' folders or prefixes
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d{1,12})_assignsubmission_file_(?P<file>.*)$")
# Canvas's: 'lastnamefirstname_[LATE_]<user id>_<attachment id>_<file name>'; its feedback upload
# matches a file by the two numbers
CANVAS = re.compile(
    r"^(?P<name>[A-Za-z0-9]+)_(?P<late>(?:LATE|late)_)?(?P<id>\d{1,20})_(?P<att>\d{1,20})_(?P<file>.+)$"
)
# Blackboard's: 'Assignment Name_username_attempt_2026-11-20-10-00-00_<file name>'
BLACKBOARD = re.compile(
    r"^.*?_(?P<id>[A-Za-z0-9][A-Za-z0-9.@-]{0,63})_attempt_"
    r"(?P<when>\d{4}(?:-\d\d){5})(?:_(?P<file>.+))?$"
)


def lms_student(name: str, assignment: str, is_dir: bool) -> tuple[str, str] | None:
    """(student id, what the LMS called the entry) of a Moodle or Blackboard entry, or None: a
    folder, or a notebook file named like the assignment (renamed or not)."""
    for pattern, lms in ((MOODLE, "Moodle"), (BLACKBOARD, "Blackboard")):
        m = pattern.match(name)
        if not m:
            continue
        inner = m["file"] or ""
        if is_dir and not inner:
            return m["id"], f"{lms} folder {shown(name)}"
        if not is_dir and (inner == f"{assignment}.ipynb" or renamed_notebook(inner, assignment)):
            return m["id"], f"{lms} file {shown(name)}"
    return None


def lms_identity(notebook: Path, student: str, assignment: str) -> dict:
    """Who the LMS says handed in `notebook`, from its naming: {"lms", "lms_id", "prefix"} (by which its
    bulk feedback upload matches a file), or {} for a folder or hub submission."""
    name, folder = notebook.name, notebook.parent.name
    m = CANVAS.match(name)
    if m and m["name"] == student:
        return {"lms": "canvas", "lms_id": m["id"], "prefix": name[: m.start("file")]}
    for candidate in (name, folder):
        m = MOODLE.match(candidate)
        if m and m["id"] == student:
            return {
                "lms": "moodle",
                "lms_id": m["id"],
                "prefix": candidate[: m.start("file")],
                "name": " ".join(shown(m["name"]).split())[:128],
            }
    m = BLACKBOARD.match(name)
    if m and m["id"] == student:
        return {"lms": "blackboard", "lms_id": m["id"], "prefix": name[: m.start("file")] if m["file"] else name}
    return {}


UNMATCHED = "file name does not match the expected"


def lms_owner(name: str) -> str | None:
    """The student a Canvas, Moodle or Blackboard file name gives, whatever the file is."""
    for pattern, group in ((CANVAS, "name"), (MOODLE, "id"), (BLACKBOARD, "id")):
        m = pattern.match(name)
        if m and STUDENT_ID.match(m[group]):
            return m[group]
    return None


def renamed_notebook(name: str, assignment: str) -> bool:
    """A notebook's own file name (no LMS prefix) that is the assignment's, renamed."""
    return bool(re.fullmatch(rf"{re.escape(assignment)}{RENAMED}\.ipynb", name)) and name != f"{assignment}.ipynb"


def why_no_student(name: str) -> str:
    """Why the part of `name` before its first '_' is no student id when its letters are not ASCII."""
    first = name.split("_", 1)[0]
    if "_" in name and first and not first.isascii() and all(c.isalnum() or c in ".@-" for c in first):
        return (
            f": {shown(first)!r} holds letters a student id cannot (ASCII letters, digits, '.', '-', '@'): "
            "rename the file to the student's id"
        )
    return ""
