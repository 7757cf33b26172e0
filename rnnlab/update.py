"""`make update`: the course's new version, with the student's answers and notes kept.

    make update                  # or: python -m rnnlab.update [--remote origin]
    make update RESTORE=1        # or: python -m rnnlab.update --restore

A plain `git pull` conflicts as soon as the course publishes a lecture the student has run
(JupyterLab saves outputs and widget state into it) or a problem set they have answered. This
command instead:

1. fetches the course's repository (the `origin` remote) and stops, changing nothing, when it
   cannot (offline, no remote, not a git clone) or when there is nothing new;
2. works out every file it will write, in memory, and stops, changing nothing (no file, no
   commit), when one cannot be: a notebook to merge that is no readable notebook, a file or
   folder that cannot be written; each is named with what to do;
3. commits the student's work as it is (tracked changes, new files in notebooks/ and release/),
   and copies every file the update will change into `.rnnlab-backup/<time>/`, byte for byte;
4. records the course's new version as a merge, so the next update starts from it, and writes
   each file: the course's version where the student changed nothing; for a notebook both
   changed, a merge cell by cell (`merge_notebook`): the course's text, outputs and metadata, the
   student's answers (problem-set solution cells) and the cells they added, and a course cell they
   edited kept as theirs when the course left it alone, else the course's with theirs below it;
   another file both changed takes the course's version (theirs is in the backup); each file is
   written whole to a temporary file beside it, which then replaces it;
5. says, per file, what it kept and what it took.

Should the writing stop part-way (a full disk, Ctrl+C), it is undone: the files written go back
from the backup, the student's commit and the merge are undone, and it says so.

It refuses, changing nothing, while a JupyterLab serves the folder (`rnnlab.labserver`): a notebook
open there is still the old one, and saving it (JupyterLab's "Overwrite" when it says the file
changed on disk) would put the old text back over the update. Should that have happened anyway,
`make update RESTORE=1` merges the course's version of the last update into every file that lost
it, keeping what the student wrote since (the files as they were go to the backup first); `make
update` says when a file needs it, and refuses to bring a newer version until it has run.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat

from rnnlab import labserver

BACKUP = ".rnnlab-backup"
SUBJECT = "course update to "  # how the update's own merge commits begin
STUDENT_FOLDERS = ("notebooks", "release")  # where new files of the student are committed too
EARLIER = {
    "code": "# Your earlier version of the cell above, kept by make update:\n",
    "markdown": "*Your earlier version of the cell above, kept by make update:*\n\n",
    "raw": "Your earlier version of the cell above, kept by make update:\n",
}


class UpdateError(Exception):
    """The update cannot run; nothing was changed. The message says why and what to do."""


# -- notebooks ---------------------------------------------------------------------------------


def _key(cell) -> str:
    """How a cell is recognised across versions: its nbgrader grade id, else its cell id."""
    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"grade:{gid}" if gid else f"id:{cell.get('id')}"


def _answer(cell) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def merge_notebook(base, mine, theirs) -> tuple[nbformat.NotebookNode, dict]:
    """The course's new notebook `theirs` with the student's work from `mine` (both descended from
    `base`; `base` may be None for a notebook that is new on both sides). Returns the notebook and
    counts: answers kept, edits kept, notes kept, edits set beside the course's."""
    base_cells = {_key(c): c for c in (base.cells if base is not None else [])}
    mine_cells = {_key(c): c for c in mine.cells}
    counts = {"answers": 0, "edits": 0, "notes": 0, "beside": 0}
    out = []
    for cell in theirs.cells:
        k = _key(cell)
        own, old = mine_cells.get(k), base_cells.get(k)
        new = copy.deepcopy(cell)
        if own is None:
            out.append(new)
            continue
        if _answer(cell):
            if own.source != (old.source if old is not None else cell.source):
                counts["answers"] += 1
            new.source = own.source
            if new.cell_type == "code" and own.cell_type == "code":
                new.outputs, new.execution_count = copy.deepcopy(own.outputs), own.execution_count
            out.append(new)
            continue
        edited = old is not None and own.source != old.source and own.source != cell.source
        if not edited:
            out.append(new)
        elif cell.source == old.source:  # the course left the cell alone: theirs stays
            new.source = own.source
            counts["edits"] += 1
            out.append(new)
        else:  # both changed it: the course's, then theirs
            out.append(new)
            beside = copy.deepcopy(own)
            beside.source = EARLIER.get(own.cell_type, "") + own.source
            beside.id = uuid.uuid4().hex[:8]
            beside.metadata.pop("nbgrader", None)
            counts["beside"] += 1
            out.append(beside)
    # the student's own cells, after the cell that came before them in their notebook
    placed = {_key(c) for c in out}
    order = [_key(c) for c in out]
    previous = None
    for cell in mine.cells:
        k = _key(cell)
        if k not in base_cells and k not in {_key(c) for c in theirs.cells} and k not in placed:
            at = order.index(previous) + 1 if previous in order else 0
            added = copy.deepcopy(cell)
            added.metadata.pop("nbgrader", None)
            out.insert(at, added)
            order.insert(at, k)
            placed.add(k)
            counts["notes"] += 1
            previous = k
        elif k in placed:
            previous = k
    merged = copy.deepcopy(theirs)
    merged.cells = out
    ids = set()
    for n, cell in enumerate(merged.cells):  # cell ids stay unique
        if not cell.get("id") or cell.id in ids:
            cell.id = f"kept-{n}-{uuid.uuid4().hex[:6]}"
        ids.add(cell.id)
    return merged, counts


def describe(counts: dict) -> str:
    parts = [
        f"{counts['answers']} answer(s) kept" if counts["answers"] else "",
        f"{counts['notes']} cell(s) of yours kept" if counts["notes"] else "",
        f"{counts['edits']} edit(s) of yours kept" if counts["edits"] else "",
        f"{counts['beside']} edit(s) of yours kept below the course's text of the cell" if counts["beside"] else "",
    ]
    return "; ".join(p for p in parts if p) or "nothing of yours in it"


# -- git ---------------------------------------------------------------------------------------


def git(*args, cwd: Path, check: bool = True, env: dict | None = None) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise UpdateError(f"git {' '.join(args)} failed: {(proc.stderr or proc.stdout).strip()[:300]}")
    return proc.stdout


def _blob(root: Path, ref: str, path: str) -> bytes | None:
    proc = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=root, capture_output=True)
    return proc.stdout if proc.returncode == 0 else None


def _changed(root: Path, a: str, b: str) -> dict[str, str]:
    """path -> A, M or D, from `a` to `b` (renames as a deletion and an addition)."""
    out = {}
    for line in git("diff", "--name-status", "--no-renames", a, b, cwd=root).splitlines():
        status, path = line.split("\t", 1)
        out[path] = status[0]
    return out


def _upstream(root: Path, remote: str) -> str:
    for ref in (
        f"{remote}/HEAD",
        f"{remote}/{git('rev-parse', '--abbrev-ref', 'HEAD', cwd=root).strip()}",
        f"{remote}/main",
        f"{remote}/master",
    ):
        if (
            subprocess.run(["git", "rev-parse", "--verify", "--quiet", ref], cwd=root, capture_output=True).returncode
            == 0
        ):
            return ref
    raise UpdateError(f"the remote {remote!r} has no branch to update from")


def update(root: Path, remote: str = "origin", log=print) -> int:
    """Bring the course's new version into the clone at `root`; returns the number of files
    changed. Raises UpdateError (nothing changed) when it cannot."""
    if subprocess.run(["git", "rev-parse", "--git-dir"], cwd=root, capture_output=True).returncode != 0:
        raise UpdateError(
            "this folder is not a git clone of the course, so there is nothing to update "
            "from: clone the course again and copy your notebooks into it"
        )
    if subprocess.run(["git", "remote", "get-url", remote], cwd=root, capture_output=True).returncode != 0:
        raise UpdateError(f"this clone has no remote named {remote!r} (the course's repository)")
    refuse_while_served(root)
    if (root / ".git" / "MERGE_HEAD").exists():
        raise UpdateError(
            "a git merge is in progress here; finish it (git commit) or abort it (git merge --abort) first"
        )
    fetched = subprocess.run(["git", "fetch", "--quiet", remote], cwd=root, capture_output=True, text=True)
    if fetched.returncode != 0:
        said = (fetched.stderr.strip().splitlines() or [""])[0][:200]
        raise UpdateError(f"could not reach the course's repository ({said}); offline? Nothing was changed")
    upstream = _upstream(root, remote)
    lost = lost_files(root)
    if subprocess.run(["git", "merge-base", "--is-ancestor", upstream, "HEAD"], cwd=root).returncode == 0:
        log(f"Already up to date with {upstream}.")
        if lost:
            log(
                f"{len(lost)} file(s) lost the last update's changes since (saved over from a notebook "
                f"still open in JupyterLab?): {', '.join(lost)}. make update RESTORE=1 brings them back "
                "and keeps your work in them."
            )
        return 0
    if lost:
        raise UpdateError(
            f"{', '.join(lost)} lost the last update's changes since (saved over from a "
            "notebook still open in JupyterLab?); run make update RESTORE=1 first, which "
            "brings them back and keeps your work, then make update. Nothing was changed"
        )
    base = git("merge-base", "HEAD", upstream, cwd=root).strip()
    theirs_changed = _changed(root, base, upstream)
    tree = _student_tree(root)  # what step 1 will commit, worked out without committing
    mine_changed = _changed(root, base, tree)
    in_the_way = [p for p, s in theirs_changed.items() if s == "A" and p not in mine_changed and (root / p).exists()]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = root / BACKUP / stamp
    steps, problems = _plan(root, base, upstream, theirs_changed, mine_changed)
    problems += _unwritable(
        root,
        [path for path, content, _ in steps if content is not False]
        + [f"{BACKUP}/{stamp}/{path}" for path in theirs_changed],
    )
    if problems:
        raise UpdateError(
            "these files stop the update; nothing was changed (no file, no commit):\n  "
            + "\n  ".join(dict.fromkeys(problems))
            + "\nThen run make update again."
        )

    git_dir = Path(git("rev-parse", "--absolute-git-dir", cwd=root).strip())
    before = git("rev-parse", "HEAD", cwd=root).strip()
    index = git_dir / "index"
    staged = index.read_bytes() if index.is_file() else None
    written: list[str] = []  # the files changed so far, in order
    try:
        # 1. the student's work, committed as it is
        git("add", "-u", cwd=root)
        git("add", "--", *[f for f in STUDENT_FOLDERS if (root / f).exists()], cwd=root)
        if git("diff", "--cached", "--name-only", cwd=root).strip():
            git(
                "-c",
                "user.name=student",
                "-c",
                "user.email=student@localhost",
                "commit",
                "--quiet",
                "-m",
                f"my work before the course update of {time.strftime('%Y-%m-%d %H:%M')}",
                cwd=root,
            )
        if git("rev-parse", "HEAD^{tree}", cwd=root).strip() != tree:
            raise UpdateError("a file changed while make update ran (saved from JupyterLab?)")

        # 2. a copy of every file the update changes
        for path in theirs_changed:
            if (root / path).is_file():
                target = backup / path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / path, target)
        if backup.exists():
            log(f"Your files as they were: {backup.relative_to(root)}/")

        # 3. the course's version, recorded as a merge, then each file written
        for path in in_the_way:  # an untracked file of the student's with the course's new name
            target = backup / path
            target.parent.mkdir(parents=True, exist_ok=True)
            written.append(path)
            shutil.move(str(root / path), target)
            log(f"{path}: a file of yours had the name of a new course file; yours is in the backup")
        git(
            "-c",
            "user.name=student",
            "-c",
            "user.email=student@localhost",
            "merge",
            "--quiet",
            "--no-ff",
            "--no-commit",
            "-s",
            "ours",
            upstream,
            cwd=root,
        )
        for path, content, said in steps:
            file = root / path
            if content is None:
                written.append(path)
                file.unlink(missing_ok=True)
            elif content is not False:
                written.append(path)
                _mkdirs(root, file.parent, written)
                _write(file, content)
            log(f"{path}: {said}")
        git("add", "-A", "--", *theirs_changed, cwd=root)
        version = git("rev-parse", "--short", upstream, cwd=root).strip()
        git(
            "-c",
            "user.name=student",
            "-c",
            "user.email=student@localhost",
            "commit",
            "--quiet",
            "-m",
            f"{SUBJECT}{version}, my work kept",
            cwd=root,
        )
    except BaseException as err:
        why = (
            "it was interrupted (Ctrl+C)"
            if isinstance(err, KeyboardInterrupt)
            else f"{err}"
            if isinstance(err, UpdateError)
            else f"{type(err).__name__}: {err}"
        )
        raise UpdateError(_roll_back(root, backup, written, before, staged, index, why)) from err
    log(f"Updated to version {version} of the course: {len(steps)} file(s). Start JupyterLab again with make lab.")
    return len(steps)


def _student_tree(root: Path) -> str:
    """The tree step 1 of `update` commits (tracked changes, new files in the student's folders),
    built in a copy of the index: the real index, HEAD and the files stay as they are."""
    index = Path(git("rev-parse", "--absolute-git-dir", cwd=root).strip()) / "index"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        if index.is_file():
            shutil.copy2(index, env["GIT_INDEX_FILE"])
        git("add", "-u", cwd=root, env=env)
        git("add", "--", *[f for f in STUDENT_FOLDERS if (root / f).exists()], cwd=root, env=env)
        return git("write-tree", cwd=root, env=env).strip()


def _notebook_bytes(nb) -> bytes:
    """A notebook's file, as nbformat.write writes it."""
    text = nbformat.writes(nb)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def _read_notebook(root: Path, path: str):
    """(the notebook at `path`, None), or (None, a line saying why it cannot be read and what to do)."""
    try:
        text = (root / path).read_bytes().decode("utf-8")
        json.loads(text)
        return nbformat.reads(text, 4), None
    except json.JSONDecodeError as err:
        why = f"line {err.lineno}, column {err.colno}: {err.msg}"
    except UnicodeDecodeError as err:
        why = f"byte {err.start} is not UTF-8 text"
    except OSError as err:
        why = err.strerror or str(err)
    except Exception as err:  # JSON, but not a notebook nbformat can read
        why = str(err).strip().splitlines()[0][:160] if str(err).strip() else type(err).__name__
    earlier = sorted((root / BACKUP).glob(f"*/{path}"))
    fix = (
        f"copy it back from {earlier[-1].relative_to(root)}"
        if earlier
        else f"take back your last committed version with git checkout -- {path}"
    )
    return None, (
        f"{path} is not a readable notebook ({why}): repair it in a text editor, or {fix} "
        "(what you changed in it since is lost then)"
    )


def _plan(root: Path, base: str, upstream: str, theirs_changed: dict, mine_changed: dict):
    """What `update` writes, worked out before anything is written: ([(path, content, what to
    say)], [problems]); content is the file's new bytes, None to remove it, False to leave it."""
    steps, problems = [], []
    for path, status in sorted(theirs_changed.items()):
        file = root / path
        mine_status = mine_changed.get(path)
        if status == "D":
            steps.append(
                (path, None, "removed from the course")
                if mine_status is None
                else (path, False, "removed from the course, kept here because you changed it")
            )
            continue
        new = _blob(root, upstream, path)
        if mine_status is None or not file.exists():
            steps.append((path, new, "new" if status == "A" else "updated"))
        elif path.endswith(".ipynb"):
            mine, problem = _read_notebook(root, path)
            if problem:
                problems.append(problem)
                continue
            old = _blob(root, base, path)
            merged, counts = merge_notebook(
                nbformat.reads(old.decode(), 4) if old else None, mine, nbformat.reads(new.decode(), 4)
            )
            steps.append((path, _notebook_bytes(merged), f"updated; {describe(counts)}"))
        else:
            steps.append((path, new, "updated; your version is in the backup"))
    return steps, problems


def _unwritable(root: Path, paths) -> list[str]:
    """A line per path that cannot be written (or removed, or created) here, saying why and what to do."""
    problems = []
    for path in paths:
        file = root / path
        folder = file.parent
        while not folder.is_dir():
            if folder.exists() or folder.is_symlink():
                where = folder.relative_to(root)
                problems.append(
                    f"{where} is a file where the course needs a folder (for {path}): rename or move {where}"
                )
                break
            folder = folder.parent
        else:
            if file.is_dir():
                problems.append(f"{path} is a folder where the course has a file: rename or move it")
            elif not os.access(folder, os.W_OK | os.X_OK):
                problems.append(
                    f"{path} cannot be written: the folder {folder.relative_to(root) if folder != root else '.'}"
                    " is read-only; make it writable (chmod u+w)"
                )
            elif file.exists():
                try:
                    os.close(os.open(file, os.O_WRONLY | os.O_APPEND))
                except OSError as err:
                    problems.append(
                        f"{path} cannot be written ({err.strerror or err}): make it writable "
                        "(chmod u+w, or chattr -i if it was made immutable)"
                    )
    return problems


def _write(file: Path, content: bytes) -> None:
    """`content` into `file`, whole or not at all: written to a temporary file beside it, which
    then replaces it. The file keeps its permissions; a new one gets the usual ones."""
    if file.exists():
        mode = file.stat().st_mode & 0o7777
    else:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.chmod(tmp, mode)
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mkdirs(root: Path, folder: Path, written: list[str]) -> None:
    """`folder` and the folders above it that are missing, each noted in `written` for a roll-back."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        written.append(str(folder.relative_to(root)) + "/")
        folder.mkdir()


def _roll_back(
    root: Path, backup: Path, written: list[str], before: str, staged: bytes | None, index: Path, why: str
) -> str:
    """Undo an update that stopped part-way: each file written put back from `backup` (or removed,
    when it is new), the folders made removed, the merge and the student's commit undone (HEAD
    back at `before`, the index as it was). Returns what to tell the student."""
    failed = []
    for path in reversed(written):
        file = root / path
        try:
            if path.endswith("/"):
                file.rmdir()
            elif (backup / path).is_file():
                _write(file, (backup / path).read_bytes())
                os.chmod(file, (backup / path).stat().st_mode & 0o7777)
            else:
                file.unlink(missing_ok=True)
        except OSError as err:
            failed.append(f"{path} ({err.strerror or err})")
    reset = subprocess.run(["git", "reset", "--quiet", "--mixed", before], cwd=root, capture_output=True, text=True)
    if staged is not None:
        index.write_bytes(staged)
    subprocess.run(["git", "update-index", "-q", "--refresh"], cwd=root, capture_output=True)
    where = f"{backup.relative_to(root)}/" if backup.exists() else None
    if failed or reset.returncode != 0:
        return (
            f"the update stopped part-way: {why}. It could not undo everything: "
            + (f"put these back by hand from {where}: {', '.join(failed)}. " if failed else "")
            + (f"git reset {before} failed ({reset.stderr.strip()[:200]}). " if reset.returncode else "")
            + "Your files as they were are in the backup; nothing there was lost"
        )
    return (
        f"the update stopped part-way: {why}. Everything is back as it was before make update "
        "(every file, and git: no commit, no merge in progress), so nothing was lost"
        + (f"; a copy of your files is also in {where}" if where else "")
        + ". Run make update again once the cause is fixed"
    )


def refuse_while_served(root: Path, command: str = "make update") -> None:
    """UpdateError while a Jupyter server can open the files of `root`; its message tells to run
    `command` (the one refused) again once JupyterLab is stopped."""
    running = labserver.servers(root)
    if running:
        where = "; ".join(f"{s.url} (process {s.pid}, serving {s.root})" for s in running)
        raise UpdateError(
            f"JupyterLab is running for this folder: {where}. A notebook open there "
            "would be saved over the update and bring the old version back. Save your "
            "work (File, Save All), stop JupyterLab (File, Shut Down, or Ctrl+C twice in "
            f"its terminal), then run {command} again. Nothing was changed"
        )


def _last_update(root: Path) -> tuple[str, str, str, str] | None:
    """The last update's merge commit, the student's commit before it, the course's version it
    brought and the course's version before: (merge, mine, theirs, base), or None."""
    line = git(
        "log", "-1", "--merges", "--first-parent", f"--grep=^{SUBJECT}", "--format=%H %P", cwd=root, check=False
    ).split()
    if len(line) != 3:
        return None
    merge, mine, theirs = line
    base = git("merge-base", mine, theirs, cwd=root, check=False).strip()
    return (merge, mine, theirs, base) if base else None


def _repaired(root: Path) -> dict[str, bytes]:
    """Each file the last update wrote that lost its changes since, with what it should hold:
    for a notebook, the course's version of that update merged with the file as it is now (the
    student's answers and notes, also those written since, kept); for another file, what the
    update wrote, when the file holds again exactly what it held before the update."""
    last = _last_update(root)
    if last is None:
        return {}
    merge, mine, theirs, base = last
    out = {}
    for path, status in sorted(_changed(root, base, theirs).items()):
        file = root / path
        written = _blob(root, merge, path)
        if status == "D" or written is None or not file.is_file():
            continue
        now = file.read_bytes()
        if now == written:
            continue
        if path.endswith(".ipynb"):
            try:
                current = nbformat.reads(now.decode("utf-8"), 4)
                old = _blob(root, base, path)
                old_nb = nbformat.reads(old.decode(), 4) if old else None
                new_nb = nbformat.reads(_blob(root, theirs, path).decode(), 4)
                merged, _ = merge_notebook(old_nb, current, new_nb)
            except Exception:  # a file that is no notebook now: leave it
                continue
            if _saved_over(old_nb, current, new_nb):
                out[path] = _notebook_bytes(merged)
        elif now == _blob(root, mine, path):
            out[path] = written
    return out


def _saved_over(base, now, theirs) -> bool:
    """Whether the notebook `now` is an old copy saved over the update from `base` to `theirs`:
    a cell the course changed reads its old text again exactly, or every cell the course added is
    gone. A cell the student edited since (into anything but the old text) is their work."""
    if base is None:
        return False
    old, new, here = ({_key(c): c.source for c in nb.cells} for nb in (base, theirs, now))
    if any(k in here and here[k] == old[k] != new[k] for k in old.keys() & new.keys()):
        return True
    added = new.keys() - old.keys()
    return bool(added) and not added & here.keys()


def lost_files(root: Path) -> list[str]:
    """The files the last update wrote that lost its changes since (see `_repaired`)."""
    return list(_repaired(root))


def restore(root: Path, log=print) -> int:
    """`make update RESTORE=1`: the last update's changes brought back into every file that lost
    them, the student's work in them kept; each such file as it is now is copied to the backup
    first. Returns the number of files written."""
    if subprocess.run(["git", "rev-parse", "--git-dir"], cwd=root, capture_output=True).returncode != 0:
        raise UpdateError("this folder is not a git clone of the course: there is no update to restore")
    refuse_while_served(root, "make update RESTORE=1")
    repaired = _repaired(root)
    if not repaired:
        log("Nothing to restore: every file the last update wrote still has its changes.")
        return 0
    backup = root / BACKUP / time.strftime("%Y%m%d-%H%M%S")
    for path, content in repaired.items():
        target = backup / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / path, target)
        _write(root / path, content)
        log(f"{path}: the update's changes back" + ("; your answers and notes kept" if path.endswith(".ipynb") else ""))
    log(f"Your files as they were: {backup.relative_to(root)}/. Start JupyterLab again with make lab.")
    return len(repaired)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rnnlab.update", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--remote", default="origin")
    parser.add_argument(
        "--restore",
        action="store_true",
        help="bring the last update's changes back into the files that lost them "
        "(saved over from an open notebook), keeping your work in them",
    )
    parser.add_argument("folder", nargs="?", default=".")
    args = parser.parse_args(argv)
    try:
        if args.restore:
            restore(Path(args.folder).resolve())
        else:
            update(Path(args.folder).resolve(), args.remote)
    except UpdateError as err:
        print(f"make update{' RESTORE=1' if args.restore else ''}: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
