"""`make update`: the course's new version, with the student's answers and notes kept.

    make update                  # or: python -m rnnlab.update [--remote origin]
    make update RESTORE=1        # or: python -m rnnlab.update --restore

A plain `git pull` conflicts as soon as the course publishes a lecture the student has run
(JupyterLab saves outputs and widget state into it) or a problem set they have answered. This
command instead:

1. fetches the course's repository (the `origin` remote) and stops, changing nothing, when it
   cannot (offline, no remote, not a git clone) or when there is nothing new;
2. commits the student's work as it is (tracked changes, new files in notebooks/ and release/),
   and copies every file the update will change into `.rnnlab-backup/<time>/`, byte for byte;
3. records the course's new version as a merge, so the next update starts from it, and writes
   each file: the course's version where the student changed nothing; for a notebook both
   changed, a merge cell by cell (`merge_notebook`): the course's text, outputs and metadata, the
   student's answers (problem-set solution cells) and the cells they added, and a course cell they
   edited kept as theirs when the course left it alone, else the course's with theirs below it;
   another file both changed takes the course's version (theirs is in the backup);
4. says, per file, what it kept and what it took.

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
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat

from rnnlab import labserver

BACKUP = ".rnnlab-backup"
SUBJECT = "course update to "                      # how the update's own merge commits begin
STUDENT_FOLDERS = ("notebooks", "release")       # where new files of the student are committed too
EARLIER = {"code": "# Your earlier version of the cell above, kept by make update:\n",
           "markdown": "*Your earlier version of the cell above, kept by make update:*\n\n",
           "raw": "Your earlier version of the cell above, kept by make update:\n"}


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
        elif cell.source == old.source:                  # the course left the cell alone: theirs stays
            new.source = own.source
            counts["edits"] += 1
            out.append(new)
        else:                                            # both changed it: the course's, then theirs
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
    for n, cell in enumerate(merged.cells):          # cell ids stay unique
        if not cell.get("id") or cell.id in ids:
            cell.id = f"kept-{n}-{uuid.uuid4().hex[:6]}"
        ids.add(cell.id)
    return merged, counts


def describe(counts: dict) -> str:
    parts = [f"{counts['answers']} answer(s) kept" if counts["answers"] else "",
             f"{counts['notes']} cell(s) of yours kept" if counts["notes"] else "",
             f"{counts['edits']} edit(s) of yours kept" if counts["edits"] else "",
             f"{counts['beside']} edit(s) of yours kept below the course's text of the cell"
             if counts["beside"] else ""]
    return "; ".join(p for p in parts if p) or "nothing of yours in it"


# -- git ---------------------------------------------------------------------------------------

def git(*args, cwd: Path, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
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
    for ref in (f"{remote}/HEAD", f"{remote}/{git('rev-parse', '--abbrev-ref', 'HEAD', cwd=root).strip()}",
                f"{remote}/main", f"{remote}/master"):
        if subprocess.run(["git", "rev-parse", "--verify", "--quiet", ref], cwd=root,
                          capture_output=True).returncode == 0:
            return ref
    raise UpdateError(f"the remote {remote!r} has no branch to update from")


def update(root: Path, remote: str = "origin", log=print) -> int:
    """Bring the course's new version into the clone at `root`; returns the number of files
    changed. Raises UpdateError (nothing changed) when it cannot."""
    if subprocess.run(["git", "rev-parse", "--git-dir"], cwd=root, capture_output=True).returncode != 0:
        raise UpdateError("this folder is not a git clone of the course, so there is nothing to update "
                          "from: clone the course again and copy your notebooks into it")
    if subprocess.run(["git", "remote", "get-url", remote], cwd=root, capture_output=True).returncode != 0:
        raise UpdateError(f"this clone has no remote named {remote!r} (the course's repository)")
    refuse_while_served(root)
    if (root / ".git" / "MERGE_HEAD").exists():
        raise UpdateError("a git merge is in progress here; finish it (git commit) or abort it "
                          "(git merge --abort) first")
    fetched = subprocess.run(["git", "fetch", "--quiet", remote], cwd=root, capture_output=True, text=True)
    if fetched.returncode != 0:
        said = (fetched.stderr.strip().splitlines() or [""])[0][:200]
        raise UpdateError(f"could not reach the course's repository ({said}); "
                          "offline? Nothing was changed")
    upstream = _upstream(root, remote)
    lost = lost_files(root)
    if subprocess.run(["git", "merge-base", "--is-ancestor", upstream, "HEAD"], cwd=root).returncode == 0:
        log(f"Already up to date with {upstream}.")
        if lost:
            log(f"{len(lost)} file(s) lost the last update's changes since (saved over from a notebook "
                f"still open in JupyterLab?): {', '.join(lost)}. make update RESTORE=1 brings them back "
                "and keeps your work in them.")
        return 0
    if lost:
        raise UpdateError(f"{', '.join(lost)} lost the last update's changes since (saved over from a "
                          "notebook still open in JupyterLab?); run make update RESTORE=1 first, which "
                          "brings them back and keeps your work, then make update. Nothing was changed")
    base = git("merge-base", "HEAD", upstream, cwd=root).strip()

    # 1. the student's work, committed as it is
    git("add", "-u", cwd=root)
    git("add", "--", *[f for f in STUDENT_FOLDERS if (root / f).exists()], cwd=root)
    if git("diff", "--cached", "--name-only", cwd=root).strip():
        git("-c", "user.name=student", "-c", "user.email=student@localhost", "commit", "--quiet", "-m",
            f"my work before the course update of {time.strftime('%Y-%m-%d %H:%M')}", cwd=root)
    theirs_changed = _changed(root, base, upstream)
    mine_changed = _changed(root, base, "HEAD")
    in_the_way = [p for p, s in theirs_changed.items() if s == "A" and p not in mine_changed and (root / p).exists()]

    # 2. a copy of every file the update changes
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = root / BACKUP / stamp
    for path in theirs_changed:
        if (root / path).is_file():
            target = backup / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / path, target)
    if backup.exists():
        log(f"Your files as they were: {backup.relative_to(root)}/")

    # 3. the course's version, recorded as a merge, then each file written
    for path in in_the_way:                         # an untracked file of the student's with the course's new name
        target = backup / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(root / path), target)
        log(f"{path}: a file of yours had the name of a new course file; yours is in the backup")
    git("-c", "user.name=student", "-c", "user.email=student@localhost", "merge", "--quiet", "--no-ff",
        "--no-commit", "-s", "ours", upstream, cwd=root)
    changed = 0
    for path, status in sorted(theirs_changed.items()):
        file = root / path
        mine_status = mine_changed.get(path)
        if status == "D":
            if mine_status is None:
                file.unlink(missing_ok=True)
                log(f"{path}: removed from the course")
            else:
                log(f"{path}: removed from the course, kept here because you changed it")
            changed += 1
            continue
        new = _blob(root, upstream, path)
        file.parent.mkdir(parents=True, exist_ok=True)
        if mine_status is None or not file.exists():
            file.write_bytes(new)
            log(f"{path}: {'new' if status == 'A' else 'updated'}")
        elif path.endswith(".ipynb"):
            old = _blob(root, base, path)
            merged, counts = merge_notebook(nbformat.reads(old.decode(), 4) if old else None,
                                            nbformat.read(file, 4), nbformat.reads(new.decode(), 4))
            nbformat.write(merged, file)
            log(f"{path}: updated; {describe(counts)}")
        else:
            file.write_bytes(new)
            log(f"{path}: updated; your version is in the backup")
        changed += 1
    git("add", "-A", "--", *theirs_changed, cwd=root)
    version = git("rev-parse", "--short", upstream, cwd=root).strip()
    git("-c", "user.name=student", "-c", "user.email=student@localhost", "commit", "--quiet", "-m",
        f"{SUBJECT}{version}, my work kept", cwd=root)
    log(f"Updated to version {version} of the course: {changed} file(s). Start JupyterLab again with make lab.")
    return changed


def refuse_while_served(root: Path, command: str = "make update") -> None:
    """UpdateError while a Jupyter server can open the files of `root`; its message tells to run
    `command` (the one refused) again once JupyterLab is stopped."""
    running = labserver.servers(root)
    if running:
        where = "; ".join(f"{s.url} (process {s.pid}, serving {s.root})" for s in running)
        raise UpdateError(f"JupyterLab is running for this folder: {where}. A notebook open there "
                          "would be saved over the update and bring the old version back. Save your "
                          "work (File, Save All), stop JupyterLab (File, Shut Down, or Ctrl+C twice in "
                          f"its terminal), then run {command} again. Nothing was changed")


def _last_update(root: Path) -> tuple[str, str, str, str] | None:
    """The last update's merge commit, the student's commit before it, the course's version it
    brought and the course's version before: (merge, mine, theirs, base), or None."""
    line = git("log", "-1", "--merges", "--first-parent", f"--grep=^{SUBJECT}", "--format=%H %P",
               cwd=root, check=False).split()
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
            except Exception:                          # a file that is no notebook now: leave it
                continue
            if _saved_over(old_nb, current, new_nb):
                text = nbformat.writes(merged)
                out[path] = (text if text.endswith("\n") else text + "\n").encode()   # as nbformat.write
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
        (root / path).write_bytes(content)
        log(f"{path}: the update's changes back" + ("; your answers and notes kept" if path.endswith(".ipynb") else ""))
    log(f"Your files as they were: {backup.relative_to(root)}/. Start JupyterLab again with make lab.")
    return len(repaired)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rnnlab.update", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--remote", default="origin")
    parser.add_argument("--restore", action="store_true",
                        help="bring the last update's changes back into the files that lost them "
                             "(saved over from an open notebook), keeping your work in them")
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
