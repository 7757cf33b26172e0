"""Find each student's notebook in a folder or an LMS zip, without trusting either (`collect`).

Layouts, per entry: PATH/<student>/<assignment>.ipynb, nbgrader's
PATH/<student>/<assignment>/<assignment>.ipynb, and an LMS's flat <student id>_..._<assignment>.ipynb
(read with nbgrader's FileNameCollectorPlugin and `named_regexp`); a folder wrapping them all is
looked into. A zip is read by grading.zips. Of a student's several notebooks the newest is graded
(`choose`). A notebook reached through a link, with a second hard link, or no regular file makes
the student `rejected`, with the reason; the originals are only read. docs/grading.md ("Commands")
says how a run reads what it is given.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..course.submission_names import (
    BLACKBOARD,
    CANVAS,
    STUDENT_ID,
    UNMATCHED,
    default_regexp,
    kind,
    lms_identity,
    lms_owner,
    lms_student,
    renamed_notebook,
    shown,
    why_no_student,
)
from .zips import OUTSIDE, safe_extract

MAX_WALK = 2_000  # entries looked at in one student's folder


@dataclass
class Intake:
    notebooks: dict[str, Path] = field(default_factory=dict)  # student -> notebook to grade
    missing: dict[str, str] = field(default_factory=dict)  # student -> why nothing to grade
    refused: dict[str, str] = field(default_factory=dict)  # student -> why it is not read
    errors: dict[str, str] = field(default_factory=dict)  # student -> fault of the intake itself
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (path or entry, reason)
    notes: dict[str, list[str]] = field(default_factory=dict)  # student -> what the intake chose, for their row
    candidates: dict[str, list[Path]] = field(default_factory=dict)  # student -> their notebooks, before choosing
    lms: dict[str, dict] = field(default_factory=dict)  # student -> who the LMS says they are (lms_identity)
    entry_times: dict[Path, float | None] = field(default_factory=dict)  # extracted file -> its entry's date
    entry_dos: dict[Path, float | None] = field(default_factory=dict)  # -> its DOS date, read as if UTC
    entry_utc: set[Path] = field(default_factory=set)  # extracted files whose entry carries a UTC time
    others: dict[str, list[str]] = field(default_factory=dict)  # student -> notebooks not candidates, and why
    labels: dict[Path, str] = field(default_factory=dict)  # candidate -> its name in the student's submission


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX")))


def _is_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _strip_wrapper(root: Path, assignment: str, intake: Intake) -> Path:
    """The one folder an LMS zip wraps everything in (unless it is a student's), else `root`; files
    beside it (instructions, a PDF) are reported and skipped."""
    entries = _visible(root)
    folders = [p for p in entries if _is_dir(p)]
    if len(folders) != 1 or any(p.suffix == ".ipynb" for p in entries):
        return root
    wrapper = folders[0]
    if any(os.path.lexists(wrapper / n) for n in (f"{assignment}.ipynb", f"{assignment}/{assignment}.ipynb")):
        return root  # a student's own folder
    inner = _visible(wrapper)
    if not any(_is_dir(p) or p.suffix == ".ipynb" for p in inner):
        return root
    for stray in entries:
        if stray != wrapper:
            why = f"beside the folder {shown(wrapper.name)}/ that holds the submissions; not a notebook or a student"
            intake.rejected.append((shown(stray.name), why + " folder; ignored"))
    return wrapper


def _walk(folder: Path) -> tuple[list[str], list[tuple[str, str]], bool]:
    """(regular files, special entries with what they are, whether the walk stopped at MAX_WALK)
    under `folder`, as paths relative to it; nothing is followed."""
    files, special, stack, seen = [], [], [folder], 0
    while stack:
        current = stack.pop()
        for entry in sorted(os.scandir(current), key=lambda e: e.name):
            seen += 1
            if seen > MAX_WALK:
                return files, special, True
            rel = str(Path(entry.path).relative_to(folder))
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                stack.append(Path(entry.path))
            elif stat.S_ISREG(mode):
                files.append(rel)
            else:
                special.append((rel, kind(mode) or "not a regular file"))
    return files, special, False


def _check_path(folder: Path, rel: str) -> str | None:
    """Why the notebook at folder/rel may not be read (a component is a link, it is not a
    regular file, it has a second hard link), or None."""
    current = folder
    parts = Path(rel).parts
    for depth, part in enumerate(parts):
        current = current / part
        mode = os.lstat(current).st_mode
        last = depth == len(parts) - 1
        if stat.S_ISLNK(mode):
            return (
                f"{shown(rel if last else str(Path(*parts[: depth + 1])))} is a symbolic link; links are "
                "not followed (it could point at another student's work): submit the notebook itself"
            )
        if not last and not stat.S_ISDIR(mode):
            return None
        if last and not stat.S_ISREG(mode):
            return f"{shown(rel)} is {kind(mode) or 'not a regular file'}, not a notebook file"
    if os.lstat(current).st_nlink > 1:
        return (
            f"{shown(rel)} has another hard link on this file system (it could be another "
            "student's or the instructor's file); submit a copy of the notebook"
        )
    return None


def _student_folder(intake: Intake, folder: Path, student: str, assignment: str) -> None:
    files, special, stopped = _walk(folder)
    for rel, what in special:
        intake.rejected.append((f"{student}/{shown(rel)}", f"{what}; not read"))
    # the assignment's notebook where nbgrader's layouts put it, or renamed beside it
    found = [
        rel
        for rel in files
        if Path(rel).suffix == ".ipynb"
        and len(Path(rel).parts) <= 2
        and (len(Path(rel).parts) == 1 or Path(rel).parts[0] == assignment)
        and (Path(rel).name == f"{assignment}.ipynb" or renamed_notebook(Path(rel).name, assignment))
    ]
    candidates = [f"{assignment}.ipynb", f"{assignment}/{assignment}.ipynb"]
    for rel in [c for c in candidates if os.path.lexists(folder / c)] + [r for r in found if r not in candidates]:
        why = _check_path(folder, rel)
        if why:
            intake.refused[student] = why
            return
    if not found:
        listed = sorted(shown(f) for f in files)[:10]
        intake.missing[student] = (
            f"no {assignment}.ipynb in the submission "
            f"(found: {', '.join(listed) or 'nothing'}{', ...' if stopped else ''})"
        )
    for rel in found:
        _add(intake, student, folder / rel, rel)
    # every other notebook of the student is named on their row, with why it is not graded
    for rel in sorted(f for f in files if Path(f).suffix == ".ipynb" and f not in found):
        intake.others.setdefault(student, []).append(f"{shown(rel)} ({_not_graded(Path(rel), assignment)})")


def _not_graded(rel: Path, assignment: str) -> str:
    """Why a notebook in a student's folder is not a candidate for grading, in words."""
    if ".ipynb_checkpoints" in rel.parts:
        return "Jupyter's automatic checkpoint copy"
    if rel.name.startswith("._"):
        return "macOS's metadata file"
    if len(rel.parts) == 1 or (len(rel.parts) == 2 and rel.parts[0] == assignment):
        return "not named like the assignment"
    return "not where a submission's notebook goes"


def collect(path: Path, assignment: str, workdir: Path, named_regexp: str | None = None) -> Intake:
    """Map student ids to their notebooks, each entry on its own (zips extracted into `workdir` first)."""
    from nbgrader.plugins import FileNameCollectorPlugin

    intake = Intake()
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no submissions at {path}")
    if path.is_file():
        if path.suffix != ".zip":
            raise ValueError(f"{path} is neither a folder nor a .zip file")
        root = workdir / "extracted"
        root.mkdir(parents=True, exist_ok=True)
        safe_extract(path, root, intake)
        refused_entries = list(intake.rejected)
    elif path.is_dir():
        root = path
        refused_entries = []
    else:
        raise ValueError(f"{path} is neither a folder nor a .zip file")
    root = _strip_wrapper(root, assignment, intake)
    collector = FileNameCollectorPlugin(named_regexp=named_regexp or default_regexp(assignment))

    def student_of(entry: Path) -> str | None:
        lms = lms_student(entry.name, assignment, _is_dir(entry))
        if lms and STUDENT_ID.match(lms[0]):
            said = intake.notes.setdefault(lms[0], [])
            if f"from the {lms[1]}" not in said:
                said.append(f"from the {lms[1]}")
            return lms[0]
        if entry.suffix == ".ipynb":
            info = collector.collect(entry.name)
            student = (info or {}).get("student_id") if (info or {}).get("file_id") else None
        else:
            student = entry.name
        return student if student and STUDENT_ID.match(student) else None

    for entry in _visible(root):
        try:
            _entry(intake, entry, assignment, student_of)
        except OSError as err:  # vanished, unreadable: this entry alone
            intake.rejected.append((shown(entry.name), f"could not be read ({err.strerror or err})"))
        except Exception as err:  # a fault of ours: this entry alone, to re-run
            why = f"{type(err).__name__}: {str(err)[:200]}"
            try:
                student = student_of(entry)
            except Exception:
                student = None
            if student:
                intake.errors[student] = why
            else:
                intake.rejected.append((shown(entry.name), f"grader error while reading it ({why}); re-run"))
    # a student whose notebook's archive entry was refused is rejected with that entry's reason (an
    # entry that leaves its folder is no one's: `bob/../alice/...` must not cost alice her grade)
    for name, why in refused_entries:
        parts = name.split("/")
        if len(parts) < 2 or parts[-1] != f"{assignment}.ipynb" or why == OUTSIDE:
            continue
        student = parts[-3] if parts[-2] == assignment and len(parts) > 2 else parts[-2]
        if STUDENT_ID.match(student) and student not in intake.notebooks and student not in intake.refused:
            intake.refused[student] = f"the archive entry {name} was not extracted: {why}"
    # another notebook of a student whose assignment notebook was found, named so by the LMS: on their row
    for item in list(intake.rejected):
        owner = lms_owner(item[0]) if item[1].startswith(UNMATCHED) else None
        if owner in intake.candidates:
            intake.rejected.remove(item)
            intake.others.setdefault(owner, []).append(f"{item[0]} (not named like the assignment)")
    choose(intake, assignment)
    for student in (*intake.refused, *intake.errors):
        intake.notebooks.pop(student, None)
        intake.missing.pop(student, None)
    return intake


def _entry(intake: Intake, entry: Path, assignment: str, student_of) -> None:
    mode = os.lstat(entry).st_mode
    student = student_of(entry)
    if stat.S_ISLNK(mode):
        if student:
            intake.refused[student] = (
                f"{shown(entry.name)} is a symbolic link; links are not followed "
                "(it could point at another student's work)"
            )
        else:
            intake.rejected.append((shown(entry.name), "symbolic link; not followed"))
    elif stat.S_ISDIR(mode):
        if entry.suffix == ".ipynb" or student is None:
            why = "folder name is not a valid student id (letters, digits, '.', '_', '-', '@'; at most 64)"
            intake.rejected.append((shown(entry.name), why))
        else:
            _student_folder(intake, entry, student, assignment)
    elif entry.suffix == ".ipynb":
        if student is None:
            intake.rejected.append(
                (shown(entry.name), f"{UNMATCHED} '<student>_..._{assignment}.ipynb'" + why_no_student(entry.name))
            )
            return
        why = _check_path(entry.parent, entry.name)
        if why:
            intake.refused[student] = why
        else:
            _add(intake, student, entry, entry.name)
    elif kind(mode):
        intake.rejected.append((shown(entry.name), f"{kind(mode)}; not read"))
    else:
        intake.rejected.append((shown(entry.name), "not a notebook or a student folder; ignored"))


def _add(intake: Intake, student: str, notebook: Path, label: str) -> None:
    intake.candidates.setdefault(student, []).append(notebook)
    intake.labels[notebook] = shown(label)


def _date(intake: Intake, path: Path) -> tuple[float | None, str]:
    """When `path` was last modified, and those words for the report: an extracted file's zip
    entry date (None when the entry has none), else the file's own."""
    real = path.resolve()
    if real in intake.entry_times:
        when = intake.entry_times[real]
        return when, ("no date in the zip" if when is None else f"dated {_clock(when)} in the zip")
    try:
        when = os.lstat(path).st_mtime_ns / 1e9
    except OSError as err:  # gone or unreadable since it was found
        return None, f"its date cannot be read: {err.strerror}"
    return when, f"modified {_clock(when)}"


def _one_time_base(intake: Intake, paths: list[Path], dates: dict) -> dict:
    """`dates` to compare: in DOS times when some of a student's zip entries carry a UTC time and
    some do not (the writer's one clock, where UTC against local time would be off); same words."""
    real = {p: p.resolve() for p in paths}
    if not all(r in intake.entry_dos for r in real.values()):
        return dates
    utc = [r in intake.entry_utc for r in real.values()]
    if all(utc) or not any(utc):
        return dates
    return {p: (intake.entry_dos[real[p]], dates[p][1]) for p in paths}


def _clock(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))


def _upload_order(name: str) -> tuple[int, int, str]:
    """Where Canvas's attachment number or Blackboard's attempt date puts a file among a student's
    uploads (later is larger), with those words; (0, 0, '') for a name of neither."""
    m = CANVAS.match(name)
    if m:
        return 1, int(m["att"]), f"Canvas's later upload (attachment {m['att']})"
    m = BLACKBOARD.match(name)
    if m and m["when"]:
        return 1, int(m["when"].replace("-", "")), f"Blackboard's later attempt ({m['when']})"
    return 0, 0, ""


def choose(intake: Intake, assignment: str) -> None:
    """One notebook per student, the one modified last (by its zip entry's date, else the file's);
    when the dates cannot tell, the LMS's order of uploads, then the assignment's own name, then
    the names' order. The row says which rule chose, and names the other notebooks."""
    for student, paths in intake.candidates.items():
        if student in intake.refused or student in intake.errors:
            continue
        dates = _one_time_base(intake, paths, {p: _date(intake, p) for p in paths})
        dated = all(when is not None for when, _ in dates.values())

        def own(p: Path) -> bool:
            return p.name == f"{assignment}.ipynb" or p.name.endswith(f"_{assignment}.ipynb")

        def rank(p: Path) -> tuple:
            lms = _upload_order(p.name)
            return ((-dates[p][0],) if dated else ()) + (-lms[0], -lms[1], not own(p), intake.labels[p])  # noqa: B023

        paths = sorted(paths, key=rank)
        chosen = intake.notebooks[student] = paths[0]
        intake.missing.pop(student, None)
        notes = intake.notes.setdefault(student, [])
        if len(paths) > 1:
            notes.append(
                f"{len(paths)} notebooks submitted: graded {intake.labels[chosen]} ({dates[chosen][1]}), "
                f"{_why_chosen(intake, paths, dates, dated, own)}; not graded: "
                + ", ".join(f"{intake.labels[p]} ({dates[p][1]})" for p in paths[1:])
            )
        elif not own(chosen):
            notes.append(f"graded {intake.labels[chosen]}, the only notebook submitted, though it was renamed")
        if intake.others.get(student):
            notes.append(f"also handed in, not graded: {', '.join(intake.others[student])}")
        intake.lms[student] = lms_identity(chosen, student, assignment)
        # Canvas's own mark of a submission after its due date, which the student cannot set
        if intake.lms[student].get("prefix", "").startswith((f"{student}_LATE_", f"{student}_late_")):
            notes.append("Canvas marked it late")


def _why_chosen(intake: Intake, paths: list[Path], dates: dict, dated: bool, own) -> str:
    """Why paths[0] was graded rather than paths[1], in words for the student's row."""
    chosen, next_one = paths[0], paths[1]
    if dated and dates[chosen][0] > dates[next_one][0]:
        return "the one modified last"
    first, second = _upload_order(chosen.name), _upload_order(next_one.name)
    if first[:2] != second[:2]:
        rule = first[2]
    elif own(chosen) and not own(next_one):
        rule = "named like the assignment"
    else:
        rule = "the first by name (ask the student which one they meant)"
    if dated:
        return f"modified at the same time as {intake.labels[next_one]}, so: {rule}"
    undated = [intake.labels[p] for p in paths if dates[p][0] is None]
    gives = "none of them a date" if len(undated) == len(paths) else f"{', '.join(undated)} no date"
    return f"{rule}, since the {'zip' if intake.entry_times else 'folder'} gives {gives}"
