"""The class list: who should hand in, under which id, and who the LMS says they are. `make roster FILE=...`
reads an LMS's export (`parse`: Canvas, Moodle, Blackboard or a plain CSV, docs/instructor.md "The roster")
into `roster.csv` (`write`); a grading run `load`s it and `apply`s it to what it found."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..course import csvcells
from ..course.folder import gradebook_url
from ..course.submission_names import STUDENT_ID

ROSTER = "roster.csv"


@dataclass
class Entry:
    student: str  # the course's id: gradebook, feedback/<student>/, reports
    name: str = ""  # as the LMS shows it ("Smith, John" in Canvas)
    lms: str = ""  # canvas | moodle | blackboard | "" (a hub's or a plain list)
    lms_id: str = ""  # Canvas user id, Moodle participant number, Blackboard username
    email: str = ""
    section: str = ""
    sis_user_id: str = ""  # Canvas's, kept for its grade import
    sis_login_id: str = ""
    # Moodle numbers its participants per assignment (assign_user_mapping): "ps01_x=7000;ps03_y=8123",
    # one worksheet read per assignment (make roster FILE=... ASSIGNMENT=...)
    moodle_ids: str = ""

    def id_for(self, assignment: str | None) -> str:
        """The LMS's id of the student for `assignment`: Moodle's participant number of that assignment,
        else the one id (Canvas, Blackboard)."""
        return self.moodle_numbers().get(assignment or "", "") if self.lms == "moodle" else self.lms_id

    def moodle_numbers(self) -> dict[str, str]:
        return dict(part.split("=", 1) for part in self.moodle_ids.split(";") if "=" in part)


class RosterError(ValueError):
    """A class list that cannot be read: one sentence says why."""


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _id(text: str) -> str:
    """A student id from free text: letters, digits, '.', '_', '-', as intake accepts."""
    return re.sub(r"[^A-Za-z0-9_.-]", "", _ascii(text).replace(" ", ".")).strip("._-")[:64]


def canvas_token(sortable: str) -> str:
    """The name Canvas writes before the ids in a download ('Smith, John' -> 'smithjohn')."""
    return re.sub(r"[^a-z0-9]", "", _ascii(sortable).lower())


def _read(path: Path) -> list[dict[str, str]]:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise RosterError(f"cannot read {path}: {err.strerror or err}")
    for encoding in ("utf-8-sig", "cp1252"):  # Excel saves either
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError(f"{path} is neither UTF-8 nor Windows-1252 text: save it from the LMS or Excel as CSV")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise RosterError(f"{path} holds no rows under a header line")
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None} for row in rows]


def parse(path: Path) -> tuple[str, list[Entry]]:
    """(which format it was, its students) of an LMS's class list."""
    rows = _read(Path(path))
    head = set(rows[0])
    if {"Student", "ID"} <= head:  # SIS columns only for who may read SIS data
        kind, entries = "a Canvas gradebook export", _canvas(rows)
    elif {"Identifier", "Full name"} <= head:
        kind, entries = "a Moodle grading worksheet", _moodle(rows)
    elif {"Last Name", "First Name", "Username"} <= head:
        kind, entries = "a Blackboard Grade Center download", _blackboard(rows)
    elif head & {"student", "username", "student_id"}:
        kind, entries = "a plain class list", _plain(rows)
    else:
        raise RosterError(
            f"{path}: not a class list this course reads (columns: {', '.join(sorted(head))[:300]}); "
            "see docs/instructor.md, 'The roster'"
        )
    return kind, _unique(entries)


def _canvas(rows):
    out = []
    for row in rows:
        if not row.get("ID", "").isdigit() or row.get("Student") in ("Student, Test", "Test Student"):
            continue  # Points Possible, posting policy, test student
        login = row.get("SIS Login ID", "")
        student = login if STUDENT_ID.match(login) else canvas_token(row["Student"]) or f"canvas{row['ID']}"
        entry = Entry(student, row["Student"], "canvas", row["ID"], section=row.get("Section", ""))
        entry.sis_user_id, entry.sis_login_id = row.get("SIS User ID", ""), login
        out.append(entry)
    return out


def _moodle(rows):
    out = []
    for row in rows:
        m = re.search(r"(\d+)\s*$", row.get("Identifier", ""))
        if not m:
            continue
        email = row.get("Email address", "")
        out.append(Entry(_id(email.split("@")[0]) or m[1], row.get("Full name", ""), "moodle", m[1], email=email))
    return out


def _blackboard(rows):
    """The name kept as "Last, First", so that name_parts splits where Blackboard did ("de la Cruz")."""

    def name(row):
        last, first = (" ".join((row.get(k) or "").split()) for k in ("Last Name", "First Name"))
        return ", ".join(part for part in (last, first) if part)

    return [
        Entry(row["Username"], name(row), "blackboard", row["Username"], email=row.get("Email", ""))
        for row in rows
        if row.get("Username")
    ]


def _plain(rows):
    found = ((row.get("student") or row.get("username") or row.get("student_id") or "", row) for row in rows)
    return [Entry(student, *(row.get(k, "") for k in PLAIN_COLUMNS)) for student, row in found if student]


PLAIN_COLUMNS = ("name", "lms", "lms_id", "email", "section")  # an Entry's fields after `student`, in order


def _unique(entries: list[Entry]) -> list[Entry]:
    """Every student id valid and used once: two 'smithjohn's become smithjohn-<lms id>."""
    seen = Counter(e.student for e in entries)
    out, bad = [], []
    for e in entries:
        if seen[e.student] > 1 and e.lms_id:
            e.student = f"{e.student}-{e.lms_id}"
        if not STUDENT_ID.match(e.student):
            bad.append(e.student or e.name or "(empty)")
        out.append(e)
    if bad:
        raise RosterError(
            f"{len(bad)} student id(s) a grading run cannot use: {', '.join(bad[:5])} "
            "(letters, digits, '.', '_', '-', '@'; at most 64)"
        )
    twice = sorted(student for student, n in Counter(e.student for e in out).items() if n > 1)
    if twice:
        raise RosterError(f"the same student id on several rows: {', '.join(twice[:5])}")
    return out


def write(course: Path, entries: list[Entry], assignment: str | None = None) -> Path:
    """roster.csv from `entries`. A Moodle worksheet's participant numbers are `assignment`'s: kept beside
    those of the other assignments read before, for the same students."""
    path = Path(course) / ROSTER
    if any(e.lms == "moodle" for e in entries):
        if not assignment:
            raise RosterError(
                "a Moodle worksheet numbers its participants for one assignment only: "
                "say which, make roster FILE=... ASSIGNMENT=ps03"
            )
        earlier = {e.student: e for e in (load(course) or Roster([])).entries if e.lms == "moodle"}
        for e in entries:
            ids = earlier[e.student].moodle_numbers() if e.student in earlier else {}
            ids[assignment] = e.lms_id
            e.moodle_ids, e.lms_id = ";".join(f"{a}={i}" for a, i in sorted(ids.items())), ""
    with open(path, "w", newline="", encoding=csvcells.ENCODING) as f:
        writer = csv.DictWriter(f, fieldnames=[fl.name for fl in fields(Entry)])
        writer.writeheader()
        writer.writerows(csvcells.record(asdict(e)) for e in entries)  # a name never runs in a spreadsheet
    return path


def name_parts(entry: Entry) -> tuple[str, str]:
    """(first name, last name) of a roster row: "Last, First" at its comma, "First Last" at its last space.
    The formgrader writes names into its page unescaped: '<' and '>' become look-alikes that are not markup."""
    name = " ".join(entry.name.split())
    if "," in name:
        last, _, first = name.partition(",")
    else:
        first, _, last = name.rpartition(" ")
    return tuple(part.strip().translate(_NOT_MARKUP)[:128] for part in (first, last))


_NOT_MARKUP = str.maketrans({"<": "\u2039", ">": "\u203a"})


def into_gradebook(course: Path, entries: list[Entry]) -> int:
    """Every rostered student into the course's gradebook, with their name and e-mail, for the formgrader
    and `make export`; how many were added or changed. A name the roster does not have is left as it is."""
    from nbgrader.api import Gradebook, Student

    changed = set()
    with Gradebook(gradebook_url(course)) as gb:
        known = {s.id: s for s in gb.db.query(Student)}
        for e in entries:
            student = known.get(e.student)
            if student is None:
                student = known[e.student] = Student(id=e.student)
                gb.db.add(student)
                changed.add(e.student)
            first, last = name_parts(e)
            for key, value in (("first_name", first), ("last_name", last), ("email", e.email[:128])):
                if value and getattr(student, key) != value:
                    setattr(student, key, value)
                    changed.add(e.student)
        gb.db.commit()
    return len(changed)


class Roster:
    def __init__(self, entries: list[Entry], assignment: str | None = None):
        self.entries = entries
        self.by_student = {e.student: e for e in entries}
        self.by_lms = {(e.lms, e.id_for(assignment)): e for e in entries if e.lms and e.id_for(assignment)}

    def find(self, student: str, lms: dict) -> Entry | None:
        """The row of a submission: by the LMS's id where its name carries one, else by id."""
        hit = self.by_lms.get((lms.get("lms", ""), lms["lms_id"])) if lms.get("lms_id") else None
        return hit or self.by_student.get(student)


def load(course: Path, assignment: str | None = None) -> Roster | None:
    """The course's roster, or None when it has none. A damaged roster.csv stops the run: grading without it
    would drop rows silently."""
    path = Path(course) / ROSTER
    if not path.exists():
        return None
    try:
        with open(path, newline="", encoding=csvcells.ENCODING) as f:
            names = {fl.name for fl in fields(Entry)}
            entries = [
                Entry(**{k: csvcells.plain(v or "") for k, v in row.items() if k in names}) for row in csv.DictReader(f)
            ]
    except (OSError, UnicodeDecodeError, TypeError, csv.Error) as err:
        raise RosterError(f"{path} cannot be read ({err}); write it again with make roster FILE=...")
    return Roster(_unique(entries), assignment)


def apply(found, roster: Roster | None) -> dict[str, Entry]:
    """Rename the students of an intake (autograder.grading.intake.Intake) to their roster ids, matched by the
    LMS's id where the submission's name carries one; {student: their row} of those on the roster. Two
    submissions that land on one row keep their own names, and say so."""
    if roster is None:
        return {}
    maps = ("notebooks", "missing", "refused", "errors", "notes", "candidates", "lms")
    keys = sorted({k for attr in maps for k in getattr(found, attr)})
    rows = {}
    for key in keys:
        entry = roster.find(key, found.lms.get(key, {}))
        if entry is None:
            continue
        if entry.student in rows or (entry.student != key and entry.student in keys):
            found.notes.setdefault(key, []).append(
                f"the roster's {entry.student} handed in under another name too; graded as {key}"
            )
            continue
        rows[entry.student] = entry
        if entry.student == key:
            continue
        for attr in maps:
            table = getattr(found, attr)
            if key in table:
                table[entry.student] = table.pop(key)
        found.notes.setdefault(entry.student, []).insert(0, f"handed in as {key}")
    return rows
