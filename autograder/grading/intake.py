"""Find each student's notebook in a folder or an LMS zip, without trusting either.

Layouts understood (the first that matches wins, per entry):
  PATH/<student>/<assignment>.ipynb             one folder per student
  PATH/<student>/<assignment>/<assignment>.ipynb nbgrader's submitted/ layout
  PATH/<anything with the student id>_<...><assignment>.ipynb   LMS downloads, flat; the
      student id is read with nbgrader's FileNameCollectorPlugin and `named_regexp`.
An LMS zip often wraps the student folders in one folder, sometimes with an instructions file
beside them: the wrapping folder is looked into, and the stray files are reported by name.

A zip is read entry by entry: absolute paths, `..`, links, devices, encrypted or damaged
entries, entries that clash with another's name, oversized entries, entries that expand
suspiciously (a zip bomb) and too many entries are refused with a reason and never written.

A zip entry keeps the date the archive gives it (Info-ZIP's UTC timestamp when present, else
its DOS date and time): the extracted file carries it, and of a student's several notebooks the
newest by that date is graded. An entry dated 1980-01-01 (the DOS format's zero, which some LMSs
and tools write for every entry) has no date. Only zip archives are read; a tar archive is
refused like any other file that is not a folder or a zip.

Inside a submission every path component is looked at without following it: a notebook reached
through a symbolic link (the student folder, the <assignment>/ folder or the file itself), a
notebook with a second hard link, and a named pipe, device or socket in its place make that
student `rejected`, with the reason. Such entries elsewhere in a student's folder are listed
as not read. The originals are only ever read.
"""

from __future__ import annotations

import calendar
import os
import re
import shutil
import stat
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

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

MAX_ENTRY = 50 * 1024**2  # bytes per extracted file
MAX_TOTAL = 1024**3  # bytes per archive
MAX_ENTRIES = 20_000  # entries per archive
MAX_RATIO = 200  # expanded / compressed size of one entry ...
RATIO_FLOOR = 1024**2  # ... checked for entries that expand past 1 MB
MAX_WALK = 2_000  # entries looked at in one student's folder
DOS_ZERO = 315_532_800  # 1980-01-01 UTC: a zip entry dated then has no date


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
    entry_times: dict[Path, float | None] = field(
        default_factory=dict
    )  # extracted file -> its zip entry's date (None: none)
    # extracted file -> its entry's DOS date and time read as if UTC (None: none): every entry has
    # one, written by one clock, so a student's entries compare in it when not all carry UTC times
    entry_dos: dict[Path, float | None] = field(default_factory=dict)
    entry_utc: set[Path] = field(default_factory=set)  # extracted files whose entry carries a UTC time
    others: dict[str, list[str]] = field(
        default_factory=dict
    )  # student -> their notebooks that are not candidates, and why
    labels: dict[Path, str] = field(default_factory=dict)  # candidate -> its name in the student's submission


def _entry_problem(info: zipfile.ZipInfo, parts: tuple[str, ...]) -> str | None:
    name = info.filename
    mode = info.external_attr >> 16
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        return "entry points outside the archive folder; not extracted"
    if stat.S_IFMT(mode) and kind(mode):
        return f"entry is {kind(mode)}; not extracted"
    if info.flag_bits & 0x1:
        return "entry is encrypted (password-protected); not extracted: submit it without a password"
    if info.file_size > MAX_ENTRY:
        return f"entry is {info.file_size} bytes; the limit is {MAX_ENTRY}"
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (
            f"entry expands from {info.compress_size} to {info.file_size} bytes, more than "
            f"{MAX_RATIO} times (a zip bomb?); not extracted"
        )
    return None


def safe_extract(archive: Path, dest: Path, intake: Intake) -> None:
    """Extract the regular files of a zip into `dest`, refusing anything that could escape it,
    and anything that cannot be read whole; one bad entry never stops the others."""
    total = 0
    dest = dest.resolve()
    try:
        try:
            zf = zipfile.ZipFile(archive)
        except UnicodeDecodeError:
            # a name flagged UTF-8 that is not: read such names as cp437, like unflagged ones
            copy = dest.parent / f"names-fixed-{archive.name}"
            shutil.copyfile(archive, copy)
            _unflag_bad_utf8_names(copy)
            zf = zipfile.ZipFile(copy)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error) as err:
        intake.rejected.append((shown(archive.name), f"not a readable zip file ({err})"))
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            intake.rejected.append((shown(archive.name), f"{len(infos)} entries; at most {MAX_ENTRIES} are read"))
            return
        for info in infos:
            info.filename = entry_name(info)
            name = shown(info.filename)
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if info.is_dir():
                continue
            problem = _entry_problem(info, parts)
            if problem:
                intake.rejected.append((name, problem))
                continue
            total += info.file_size
            if total > MAX_TOTAL:
                intake.rejected.append((name, "archive expands past 1 GB; the rest is not extracted"))
                return
            target = dest.joinpath(*parts)
            if not str(target.resolve()).startswith(str(dest) + "/"):
                intake.rejected.append((name, "entry points outside the archive folder; not extracted"))
                continue
            problem = _extract_one(zf, info, target)
            if problem:
                intake.rejected.append((name, problem))
                continue
            when = intake.entry_times[target] = entry_time(info)
            intake.entry_dos[target] = dos_time(info)
            if has_utc_time(info):
                intake.entry_utc.add(target)
            if when is not None:
                os.utime(target, (when, when))


def entry_time(info: zipfile.ZipInfo) -> float | None:
    """When the file of a zip entry was last modified, as the archive says: Info-ZIP's extended
    timestamp (UTC seconds) when the entry has one, else its DOS date and time (local time, to
    2 s, as the zip's writer read its clock); None for no date (1980-01-01, the DOS format's
    zero, or a date that does not exist)."""
    utc = _utc_time(info)
    if utc is not None:
        return float(utc) if utc > DOS_ZERO else None
    if info.date_time[:3] <= (1980, 1, 1):
        return None
    try:
        return datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError):
        return None


def _utc_time(info: zipfile.ZipInfo) -> int | None:
    """The modification time of Info-ZIP's extended timestamp field ('UT'), if the entry has one."""
    extra = info.extra
    while len(extra) >= 4:
        tag, size = struct.unpack("<HH", extra[:4])
        data, extra = extra[4 : 4 + size], extra[4 + size :]
        if tag == 0x5455 and len(data) >= 5 and data[0] & 1:  # 'UT', modification time first
            return struct.unpack("<i", data[1:5])[0]
    return None


def has_utc_time(info: zipfile.ZipInfo) -> bool:
    """Whether the entry carries a UTC modification time that is a date (Info-ZIP's 'UT')."""
    utc = _utc_time(info)
    return utc is not None and utc > DOS_ZERO


def dos_time(info: zipfile.ZipInfo) -> float | None:
    """The entry's DOS date and time as seconds, read as if UTC; None when it is the format's zero
    or no date. Only for comparing entries of one zip: a zip that mixes entries with and without
    UTC times (a student's files added by two tools, say) is compared in DOS times, which one
    writer wrote with one clock, instead of UTC against the writer's unknown local time."""
    if info.date_time[:3] <= (1980, 1, 1):
        return None
    try:
        return float(calendar.timegm(datetime(*info.date_time).timetuple()))
    except (ValueError, OverflowError):
        return None


def entry_name(info: zipfile.ZipInfo) -> str:
    """An entry's name as the student's computer wrote it. A name without the UTF-8 flag is read
    as cp437 by the zip format's rule, but Info-ZIP's zip on Linux and macOS writes UTF-8 names
    without the flag: "Jürgen" came out "J├╝rgen". Such a name is taken from Info-ZIP's Unicode
    Path field when the entry has one (for the name it stands beside), else read as UTF-8 when
    its bytes are UTF-8 and not plain ASCII (cp437 text that is also valid UTF-8 is rare: it
    needs pairs such as "├╝", which no one types in a file name)."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="surrogateescape")
    extra = info.extra
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        body = extra[4 : 4 + size]
        if kind == 0x7075 and len(body) > 5 and body[0] == 1 and struct.unpack("<I", body[1:5])[0] == zlib.crc32(raw):
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                break
        extra = extra[4 + size :]
    if not raw.isascii():
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return info.filename


def _unflag_bad_utf8_names(path: Path) -> None:
    """Clear the UTF-8 flag of every entry whose name is not UTF-8 (in the central directory
    and in the entry's local header), so that zipfile reads those names as cp437."""
    with open(path, "r+b") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 65557))
        tail = f.read()
        end = tail.rfind(b"PK\x05\x06")
        if end < 0:
            raise zipfile.BadZipFile("no end of central directory")
        count, _, start = struct.unpack("<HII", tail[end + 10 : end + 20])
        if start == 0xFFFFFFFF:
            raise zipfile.BadZipFile("a zip64 archive with names that are not UTF-8")
        offset = start
        for _ in range(count):
            f.seek(offset)
            header = f.read(46)
            if header[:4] != b"PK\x01\x02":
                raise zipfile.BadZipFile("damaged central directory")
            (flags,) = struct.unpack("<H", header[8:10])
            name_len, extra_len, comment_len = struct.unpack("<HHH", header[28:34])
            name = f.read(name_len)
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                f.seek(offset + 8)
                f.write(struct.pack("<H", flags & ~0x800))
                (local,) = struct.unpack("<I", header[42:46])  # and the entry's own header
                f.seek(local)
                if local != 0xFFFFFFFF and f.read(8)[:4] == b"PK\x03\x04":
                    f.seek(local + 6)
                    (local_flags,) = struct.unpack("<H", f.read(2))
                    f.seek(local + 6)
                    f.write(struct.pack("<H", local_flags & ~0x800))
            offset += 46 + name_len + extra_len + comment_len


def _extract_one(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> str | None:
    """Write one entry to `target` (a new file); the reason it was not written, or None."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = open(target, "xb")
    except OSError as err:
        return (
            f"its name clashes with another entry of the archive ({err.strerror}: a file and a "
            "folder of the same name, or one name twice); not extracted"
        )
    written = 0
    try:
        with out, zf.open(info) as src:
            while chunk := src.read(1024**2):
                written += len(chunk)
                if written > MAX_ENTRY:
                    raise ValueError(f"it expands past {MAX_ENTRY} bytes")
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError, OSError) as err:
        target.unlink(missing_ok=True)
        return f"entry is damaged or unreadable ({err}); not extracted"
    return None


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX")))


def _is_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _strip_wrapper(root: Path, assignment: str, intake: Intake) -> Path:
    """LMS zips often wrap everything in one folder: look inside it (unless it is a student's).
    Files beside that folder (instructions, a PDF) are reported and skipped."""
    entries = _visible(root)
    folders = [p for p in entries if _is_dir(p)]
    if len(folders) != 1 or any(p.suffix == ".ipynb" for p in entries):
        return root
    wrapper = folders[0]
    if _has_own_notebook(wrapper, assignment):
        return root
    inner = _visible(wrapper)
    if not any(_is_dir(p) or p.suffix == ".ipynb" for p in inner):
        return root
    for stray in entries:
        if stray != wrapper:
            intake.rejected.append(
                (
                    shown(stray.name),
                    f"beside the folder {shown(wrapper.name)}/ that holds the "
                    "submissions; not a notebook or a student folder; ignored",
                )
            )
    return wrapper


def _has_own_notebook(folder: Path, assignment: str) -> bool:
    return any(
        os.path.lexists(c) for c in (folder / f"{assignment}.ipynb", folder / assignment / f"{assignment}.ipynb")
    )


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
    """Map student ids to their notebooks. Zips are extracted into `workdir` first.

    Every entry is handled on its own: one that cannot be read is reported, the rest go on."""
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
    # a student whose notebook's archive entry was refused is rejected with that entry's reason
    for name, why in refused_entries:
        parts = name.split("/")
        if len(parts) < 2 or parts[-1] != f"{assignment}.ipynb":
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
            intake.rejected.append(
                (
                    shown(entry.name),
                    "folder name is not a valid student id (letters, digits, '.', '_', '-', '@'; at most 64)",
                )
            )
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
    """`dates` to compare: a student's zip entries in their DOS times when some of them carry a
    UTC time and some do not (a UTC time against a local one would be off by the zip writer's
    offset from UTC); the words for the report stay as they were."""
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
    """Where the LMS's own naming puts a file among a student's uploads (later is larger), and
    those words: Canvas numbers attachments as they are uploaded, Blackboard names each attempt
    by its date. (0, 0, '') for a name of neither."""
    m = CANVAS.match(name)
    if m:
        return 1, int(m["att"]), f"Canvas's later upload (attachment {m['att']})"
    m = BLACKBOARD.match(name)
    if m and m["when"]:
        return 1, int(m["when"].replace("-", "")), f"Blackboard's later attempt ({m['when']})"
    return 0, 0, ""


def choose(intake: Intake, assignment: str) -> None:
    """One notebook per student, said on their row with the dates compared: of several, the one
    modified last (by its zip entry's date if it came from a zip, else by the file's). When the
    dates cannot tell (equal, or an entry without a date), the LMS's order of uploads, then the
    assignment's own name, then the names' order decide, and the row says which did. A renamed
    notebook is graded, and its name said; the student's other notebooks are named, with why
    they were not graded."""
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
        # Canvas writes '_LATE_' into the name of a submission made after its due date: the LMS's
        # record, which the student cannot set
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
