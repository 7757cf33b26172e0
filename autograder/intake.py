"""Find each student's notebook in a folder or an LMS zip, without trusting either.

Layouts understood (the first that matches wins, per entry):
  PATH/<student>/<assignment>.ipynb             one folder per student
  PATH/<student>/<assignment>/<assignment>.ipynb nbgrader's submitted/ layout
  PATH/<anything with the student id>_<...><assignment>.ipynb   LMS downloads, flat; the
      student id is read with nbgrader's FileNameCollectorPlugin and `named_regexp`.
A zip is read entry by entry: absolute paths, `..`, links, oversized entries and too many
entries are rejected with a reason and never written. The originals are only ever read.
"""
from __future__ import annotations

import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
MAX_ENTRY = 50 * 1024 ** 2          # bytes per extracted file
MAX_TOTAL = 1024 ** 3               # bytes per archive
MAX_ENTRIES = 20_000


@dataclass
class Intake:
    notebooks: dict[str, Path] = field(default_factory=dict)     # student -> notebook to grade
    missing: dict[str, str] = field(default_factory=dict)        # student -> why nothing to grade
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (path or entry, reason)


def default_regexp(assignment: str) -> str:
    """LMS file names such as 'alice_1234_5678_ps03_lstm_gates.ipynb' or 'alice_ps03_lstm_gates.ipynb'."""
    return rf"^(?P<student_id>[A-Za-z0-9][A-Za-z0-9.@-]*)_(?:.*_)?(?P<file_id>{re.escape(assignment)}\.ipynb)$"


def safe_extract(archive: Path, dest: Path, intake: Intake) -> None:
    """Extract the regular files of a zip into `dest`, refusing anything that could escape it."""
    total = 0
    dest = dest.resolve()
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as err:
        intake.rejected.append((archive.name, f"not a readable zip file ({err})"))
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            intake.rejected.append((archive.name, f"{len(infos)} entries; at most {MAX_ENTRIES} are read"))
            return
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            mode = info.external_attr >> 16
            if info.is_dir():
                continue
            if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                intake.rejected.append((name, "entry points outside the archive folder; not extracted"))
                continue
            if stat.S_ISLNK(mode):
                intake.rejected.append((name, "entry is a symbolic link; not extracted"))
                continue
            if info.file_size > MAX_ENTRY:
                intake.rejected.append((name, f"entry is {info.file_size} bytes; the limit is {MAX_ENTRY}"))
                continue
            total += info.file_size
            if total > MAX_TOTAL:
                intake.rejected.append((name, "archive expands past 1 GB; the rest is not extracted"))
                return
            target = dest.joinpath(*parts).resolve()
            if not str(target).startswith(str(dest) + "/"):
                intake.rejected.append((name, "entry points outside the archive folder; not extracted"))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out, MAX_ENTRY)


def _strip_wrapper(root: Path, assignment: str) -> Path:
    """LMS zips often wrap everything in one folder: look inside it (unless it is a student's)."""
    entries = [p for p in root.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir() and not _find_notebook(entries[0], assignment):
        inner = [p for p in entries[0].iterdir() if not p.name.startswith(".")]
        if inner and all(p.is_dir() or p.suffix == ".ipynb" for p in inner):
            return entries[0]
    return root


def _find_notebook(folder: Path, assignment: str | None) -> Path | None:
    if assignment is None:
        return None
    for candidate in (folder / f"{assignment}.ipynb", folder / assignment / f"{assignment}.ipynb"):
        if candidate.is_file() and not candidate.is_symlink():
            return candidate
    return None


def collect(path: Path, assignment: str, workdir: Path, named_regexp: str | None = None) -> Intake:
    """Map student ids to their notebooks. Zips are extracted into `workdir` first."""
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
    else:
        root = path
    root = _strip_wrapper(root, assignment)
    collector = FileNameCollectorPlugin(named_regexp=named_regexp or default_regexp(assignment))

    for entry in sorted(root.iterdir()):
        if entry.name.startswith((".", "__MACOSX")):
            continue
        if entry.is_symlink():
            intake.rejected.append((entry.name, "symbolic link; not followed"))
            continue
        if entry.is_dir():
            student = entry.name
            if not STUDENT_ID.match(student):
                intake.rejected.append((entry.name, "folder name is not a valid student id "
                                        "(letters, digits, '.', '_', '-', '@'; at most 64)"))
                continue
            notebook = _find_notebook(entry, assignment)
            if notebook is None:
                files = sorted(p.name for p in entry.rglob("*") if p.is_file())[:10]
                intake.missing[student] = (f"no {assignment}.ipynb in the submission "
                                           f"(found: {', '.join(files) or 'nothing'})")
            else:
                _add(intake, student, notebook)
        elif entry.suffix == ".ipynb":
            info = collector.collect(entry.name)
            if not info or not info.get("file_id") or not STUDENT_ID.match(info.get("student_id", "")):
                intake.rejected.append((entry.name, "file name does not match the expected "
                                        f"'<student>_..._{assignment}.ipynb'"))
                continue
            _add(intake, info["student_id"], entry)
        else:
            intake.rejected.append((entry.name, "not a notebook or a student folder; ignored"))
    return intake


def _add(intake: Intake, student: str, notebook: Path) -> None:
    if student in intake.notebooks:
        intake.rejected.append((str(notebook.name), f"a second notebook for {student}; the first one "
                                f"({intake.notebooks[student].name}) is graded"))
    else:
        intake.notebooks[student] = notebook
