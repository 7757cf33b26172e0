"""`make update`: the course's new version, with the student's answers and notes kept.

    make update                  # or: python -m rnnlab.update [--remote origin]
    make update RESTORE=1        # or: python -m rnnlab.update --restore

Refuses, changing nothing, while JupyterLab serves the folder or a file stops the merge; else commits
the student's work, copies every file the update changes into `.rnnlab-backup/<time>/`, and merges the
course's version (`git merge`; a notebook both changed cell by cell with nbdime, naming each cell that
holds both versions). Stopped part-way, it is undone. `--restore` merges the update again into a
notebook saved over it from a tab still open, keeping what the student wrote since.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import nbformat
from nbformat.reader import NotJSONError
from nbformat.validator import normalize

from rnnlab import labserver

BACKUP = ".rnnlab-backup"
SUBJECT = "course update to "  # how the update's own merge commits begin
STUDENT_FOLDERS = ("notebooks", "release")  # where new files of the student are committed too
AS_STUDENT = ("-c", "user.name=student", "-c", "user.email=student@localhost")
# how nbdime begins a cell that holds both versions (or one side deleted, the other changed)
MARKERS = ("<<<<<<< local", "<<<<<<< LOCAL CELL DELETED", "<<<<<<< REMOTE CELL DELETED")
HOW_TO_RESOLVE = (
    "Each holds your version between <<<<<<< local and =======, the course's between ======= and "
    ">>>>>>> remote (or a line saying which side deleted the cell): keep what you want, delete the "
    "rest and the marker lines (Ctrl+F <<<<<<< finds them)."
)


class UpdateError(Exception):
    """The update cannot run or was undone; nothing was lost. The message says why and what to do."""


def _strategies():
    """nbdime's "inline" merge strategies, but outputs and metadata both changed take the course's, and
    cells both inserted at one place are both kept."""
    from nbdime.merging.notebooks import notebook_merge_strategies

    inline = argparse.Namespace(
        merge_strategy="inline", input_strategy=None, output_strategy="use-remote", ignore_transients=True
    )
    strategies = notebook_merge_strategies(inline)
    strategies["/cells"] = "union"
    for path in ("/metadata", "/cells/*/metadata", "/cells/*/outputs/*/metadata"):
        strategies[path] = "use-remote"
    return strategies


def merge(base, mine, theirs) -> nbformat.NotebookNode:
    """The course's notebook `theirs` merged with the student's `mine`, both changed from `base`, by
    nbdime; a cell whose text both changed holds both versions between markers (`conflicts`)."""
    from nbdime.diffing.notebooks import diff_notebooks
    from nbdime.merging.decisions import apply_decisions
    from nbdime.merging.generic import decide_merge_with_diff

    decisions = decide_merge_with_diff(
        base, mine, theirs, diff_notebooks(base, mine), diff_notebooks(base, theirs), _strategies()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbformat's note on each cell id it makes unique
        _, merged = normalize(apply_decisions(base, decisions))
    return nbformat.from_dict(merged)


def conflicts(nb) -> list[str]:
    """The cells of `nb` that hold both versions, each named by its number and first line."""
    named = []
    for n, cell in enumerate(nb.cells, 1):
        lines = cell.source.splitlines()
        if any(line.startswith(MARKERS) for line in lines):
            text = [line.strip() for line in lines if line.strip() and not line.startswith(("<" * 7, "=" * 7, ">" * 7))]
            named.append(f'cell {n} ("{text[0][:50]}")' if text else f"cell {n}")
    return named


def _unreadable(root: Path, path: str) -> str | None:
    """None if `path` is a notebook nbformat can read, else a line saying why and what to do."""
    try:
        nbformat.reads((root / path).read_bytes().decode("utf-8"), 4)
        return None
    except NotJSONError as err:
        cause = err.__cause__ or err.__context__
        why = f"line {cause.lineno}, column {cause.colno}: {cause.msg}" if hasattr(cause, "lineno") else "not JSON"
    except UnicodeDecodeError as err:
        why = f"byte {err.start} is not UTF-8 text"
    except Exception as err:  # JSON, but not a notebook
        why = (str(err).strip().splitlines() or [type(err).__name__])[0][:160]
    earlier = sorted((root / BACKUP).glob(f"*/{path}"))
    fix = f"copy it back from {earlier[-1].relative_to(root)}" if earlier else f"git checkout -- {path}"
    return (
        f"{path} is not a readable notebook ({why}): repair it in a text editor, or {fix} (losing your changes since)"
    )


def git(*args, cwd: Path, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise UpdateError(f"git {' '.join(args)} failed: {(proc.stderr or proc.stdout).strip()[:300]}")
    return proc.stdout


def _blob(root: Path, ref: str, path: str) -> bytes | None:
    proc = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=root, capture_output=True)
    return proc.stdout if proc.returncode == 0 else None


def _changed(root: Path, a: str, b: str) -> dict[str, str]:
    """path -> A, M or D, from `a` to `b` (a rename as a deletion and an addition)."""
    lines = git("diff", "--name-status", "--no-renames", a, b, cwd=root).splitlines()
    return {path: status[0] for status, path in (line.split("\t", 1) for line in lines)}


def _upstream(root: Path, remote: str) -> str:
    branch = git("rev-parse", "--abbrev-ref", "HEAD", cwd=root).strip()
    for ref in (f"{remote}/HEAD", f"{remote}/{branch}", f"{remote}/main", f"{remote}/master"):
        if git("rev-parse", "--verify", "--quiet", ref, cwd=root, check=False):
            return ref
    raise UpdateError(f"the remote {remote!r} has no branch to update from")


def _check_clone(root: Path, remote: str | None) -> None:
    if subprocess.run(["git", "rev-parse", "--git-dir"], cwd=root, capture_output=True).returncode != 0:
        raise UpdateError(
            "this folder is not a git clone of the course, so there is nothing to update "
            "from: clone the course again and copy your notebooks into it"
        )
    if remote and subprocess.run(["git", "remote", "get-url", remote], cwd=root, capture_output=True).returncode:
        raise UpdateError(f"this clone has no remote named {remote!r} (the course's repository)")


def update(root: Path, remote: str = "origin", log=print) -> int:
    """Bring the course's new version into the clone at `root`; returns the number of files changed.
    UpdateError when it cannot (nothing changed) or was undone."""
    _check_clone(root, remote)
    refuse_while_served(root)
    git_dir = Path(git("rev-parse", "--absolute-git-dir", cwd=root).strip())
    if (git_dir / "MERGE_HEAD").exists():
        raise UpdateError(
            "a git merge is in progress here; finish it (git commit) or abort it (git merge --abort) first"
        )
    fetched = subprocess.run(["git", "fetch", "--quiet", remote], cwd=root, capture_output=True, text=True)
    if fetched.returncode != 0:
        said = (fetched.stderr.strip().splitlines() or [""])[0][:200]
        raise UpdateError(f"could not reach the course's repository ({said}); offline? Nothing was changed")
    upstream = _upstream(root, remote)
    lost = list(_repaired(root))  # files that lost the last update's changes since
    lost_said = (
        f"{', '.join(lost)} lost the last update's changes since (saved over from a notebook still open in JupyterLab?)"
    )
    if subprocess.run(["git", "merge-base", "--is-ancestor", upstream, "HEAD"], cwd=root).returncode == 0:
        log(f"Already up to date with {upstream}.")
        if lost:
            log(f"{lost_said}. make update RESTORE=1 brings them back and keeps your work in them.")
        return 0
    if lost:
        raise UpdateError(
            f"{lost_said}; run make update RESTORE=1 first, which brings them back and keeps your work, "
            "then make update. Nothing was changed"
        )
    base = git("merge-base", "HEAD", upstream, cwd=root).strip()
    theirs_changed = _changed(root, base, upstream)
    yours = git("diff", "--name-only", base, cwd=root).splitlines()  # tracked files changed since, and new ones:
    yours += git("ls-files", "--others", "--exclude-standard", "--", *STUDENT_FOLDERS, cwd=root).splitlines()
    notebooks = [p for p in yours if p in theirs_changed and p.endswith(".ipynb") and (root / p).is_file()]
    problems = [line for p in notebooks if (line := _unreadable(root, p))] + _files_in_the_way(root, theirs_changed)
    if problems:
        raise UpdateError(
            "these files stop the update; nothing was changed (no file, no commit):\n  "
            + "\n  ".join(problems)
            + "\nThen run make update again."
        )

    before = git("rev-parse", "HEAD", cwd=root).strip()
    index = git_dir / "index"
    staged = index.read_bytes() if index.is_file() else None
    backup = root / BACKUP / time.strftime("%Y%m%d-%H%M%S")
    mine, moved = None, []  # the commit of the student's work once made; files moved out of the way
    try:
        mine = _commit_work(root)
        for path, status in theirs_changed.items():
            file = root / path
            if file.is_file() or file.is_symlink():
                (backup / path).parent.mkdir(parents=True, exist_ok=True)
                if status == "A" and not git("ls-files", "--", path, cwd=root):  # untracked, in the way
                    shutil.move(file, backup / path)
                    moved.append(path)
                else:
                    shutil.copy2(file, backup / path)
        said, both = _merge(root, upstream, base, mine, backup)
    except BaseException as err:
        why = f"{err}" if isinstance(err, UpdateError) else f"{type(err).__name__}: {err}"
        why = "it was interrupted (Ctrl+C)" if isinstance(err, KeyboardInterrupt) else why
        raise UpdateError(_roll_back(root, before, mine, staged, index, backup, moved, why)) from err
    if backup.exists():
        log(f"Your files as they were: {backup.relative_to(root)}/")
    for path in moved:
        log(f"{path}: a file of yours had the name of a new course file; yours is in the backup")
    for line in said:
        log(line)
    version = git("rev-parse", "--short", upstream, cwd=root).strip()
    log(f"Updated to version {version} of the course: {len(said)} file(s). Start JupyterLab again with make lab.")
    if both:
        log(f"{both} cell(s) that you and the course both changed, named above, hold both versions. {HOW_TO_RESOLVE}")
    return len(said)


def _files_in_the_way(root: Path, changed: dict[str, str]) -> list[str]:
    """A line for each file of the student's where the course needs a folder."""
    problems = {}
    for path, status in changed.items():
        if status != "D":
            for folder in list(Path(path).parents)[:-1]:
                if (root / folder).is_file() or (root / folder).is_symlink():
                    problems.setdefault(folder, f"{folder} is a file where the course needs a folder (for {path})")
    return [f"{line}: rename or move {folder}" for folder, line in problems.items()]


def _commit_work(root: Path) -> str:
    """The student's work committed as it is (tracked changes, new files in their folders); returns HEAD."""
    git("add", "-u", cwd=root)
    git("add", "--", *[f for f in STUDENT_FOLDERS if (root / f).exists()], cwd=root)
    if git("diff", "--cached", "--name-only", cwd=root).strip():
        message = f"my work before the course update of {time.strftime('%Y-%m-%d %H:%M')}"
        git(*AS_STUDENT, "commit", "--quiet", "--no-verify", "-m", message, cwd=root)
    return git("rev-parse", "HEAD", cwd=root).strip()


def _merge(root: Path, upstream: str, base: str, mine: str, backup: Path) -> tuple[list[str], int]:
    """The course's version merged into the student's commit `mine` and committed; returns a line per file
    changed and the number of cells holding both versions. git merges the files but notebooks both
    changed (`merge`, here: git's driver `false` declines them); a file one side removed and the other
    changed is kept; any other conflict raises UpdateError."""
    with tempfile.TemporaryDirectory() as tmp:
        attributes = Path(tmp) / "attributes"
        attributes.write_text("*.ipynb merge=notebook\n")
        merged = subprocess.run(
            ["git", *AS_STUDENT, "-c", f"core.attributesFile={attributes}", "-c", "merge.notebook.driver=false"]
            + ["merge", "--quiet", "--no-ff", "--no-commit", "--no-verify", "-X", "theirs", upstream],
            cwd=root,
            capture_output=True,
            text=True,
        )
    stages: dict[str, set[str]] = {}
    for line in git("ls-files", "--unmerged", cwd=root).splitlines():
        info, path = line.split("\t", 1)
        stages.setdefault(path, set()).add(info.split()[2])
    if merged.returncode != 0 and not stages:
        said = (merged.stderr or merged.stdout).strip()[:300]
        writable = "Permission denied" in said or "not permitted" in said
        raise UpdateError(
            f"git merge failed: {said}" + (" (make it writable: chmod u+w, or chattr -i)" if writable else "")
        )
    said, marked = {}, {}
    for path, found in stages.items():
        if path.endswith(".ipynb") and {"2", "3"} <= found:  # both changed it (or both added it)
            old, yours, theirs = (_blob(root, f":{n}", path) if n in found else b"" for n in "123")
            nb = merge(
                *(
                    nbformat.reads(b.decode("utf-8"), 4) if b else nbformat.v4.new_notebook()
                    for b in (old, yours, theirs)
                )
            )
            (root / path).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
            marked[path] = conflicts(nb)
        elif found in ({"1", "2"}, {"1", "3"}) and (root / path).is_file():  # one side removed it, the other changed it
            said[path] = (
                "removed from the course, kept here because you changed it"
                if found == {"1", "2"}
                else "you had removed it; the course has changed it since, so it is back"
            )
        else:
            continue
        git("add", "--", path, cwd=root)
    stuck = stages.keys() - said.keys() - marked.keys()
    if stuck:
        told = [line for line in merged.stdout.splitlines() if line.startswith("CONFLICT")]
        raise UpdateError(f"git could not merge {', '.join(sorted(stuck))}" + (f" ({'; '.join(told)})" if told else ""))
    version = git("rev-parse", "--short", upstream, cwd=root).strip()
    git(*AS_STUDENT, "commit", "--quiet", "--no-verify", "-m", f"{SUBJECT}{version}, my work kept", cwd=root)

    yours, both = _changed(root, base, mine), 0
    for path, status in _changed(root, mine, "HEAD").items():
        if path in said:
            continue
        if path in marked:
            both += len(marked[path])
            said[path] = "merged cell by cell, your work kept" + (
                f"; both versions in {', '.join(marked[path])}" if marked[path] else ""
            )
        elif status != "M" or path not in yours:
            said[path] = {"A": "new", "D": "removed from the course", "M": "updated"}[status]
        else:
            said[path] = (
                "merged line by line, your changes kept where the course did not change the same lines "
                f"(your file as it was: {(backup / path).relative_to(root)})"
            )
    return [f"{path}: {said[path]}" for path in sorted(said)], both


def _roll_back(
    root: Path,
    before: str,
    mine: str | None,
    staged: bytes | None,
    index: Path,
    backup: Path,
    moved: list[str],
    why: str,
) -> str:
    """Undo an update that stopped part-way: the files as `mine` holds them, the files moved out of the way
    back, HEAD at `before` and the index as it was. Returns what to tell the student."""
    failed = []

    def step(*args):
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        if proc.returncode:
            failed.append(f"git {' '.join(args)} ({proc.stderr.strip()[:200]})")

    if mine:
        step("reset", "--quiet", "--hard", mine)
    for path in moved:
        try:
            shutil.move(backup / path, root / path)
        except OSError as err:
            failed.append(f"{path} ({err.strerror or err})")
    step("reset", "--quiet", "--mixed", before)
    if staged is not None:
        index.write_bytes(staged)
    subprocess.run(["git", "update-index", "-q", "--refresh"], cwd=root, capture_output=True)
    where = f"{backup.relative_to(root)}/" if backup.exists() else None
    if failed:
        return f"the update stopped part-way: {why}. It could not undo everything: {'; '.join(failed)}. " + (
            f"Your files as they were are in {where}; nothing there was lost" if where else ""
        )
    return (
        f"the update stopped part-way: {why}. Everything is back as it was before make update "
        "(every file, and git: no commit, no merge in progress), so nothing was lost"
        + (f"; a copy of your files is also in {where}" if where else "")
        + ". Run make update again once the cause is fixed"
    )


def refuse_while_served(root: Path, command: str = "make update") -> None:
    """UpdateError, telling to run `command` again once JupyterLab is stopped, while one serves `root`."""
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
    """(merge, mine, theirs, base) of the last update, or None."""
    line = git(
        "log", "-1", "--merges", "--first-parent", f"--grep=^{SUBJECT}", "--format=%H %P", cwd=root, check=False
    ).split()
    if len(line) != 3:
        return None
    merge_commit, mine, theirs = line
    base = git("merge-base", mine, theirs, cwd=root, check=False).strip()
    return (merge_commit, mine, theirs, base) if base else None


def _repaired(root: Path) -> dict[str, bytes]:
    """Each file the last update changed that lost its changes since, with what it should hold: a notebook
    saved over (`_saved_over`), the update's merge done again with it as it is now; another file holding
    exactly what it held before the update, what the update wrote."""
    last = _last_update(root)
    if last is None:
        return {}
    merge_commit, mine, theirs, base = last
    out = {}
    for path, status in sorted(_changed(root, base, theirs).items()):
        file = root / path
        written = _blob(root, merge_commit, path)
        if status != "M" or written is None or not file.is_file() or file.read_bytes() == written:
            continue
        now = file.read_bytes()
        if not path.endswith(".ipynb"):
            if now == _blob(root, mine, path):
                out[path] = written
            continue
        try:
            old, current, new = (
                nbformat.reads(b.decode("utf-8"), 4) for b in (_blob(root, base, path), now, _blob(root, theirs, path))
            )
        except Exception:  # a file that is no notebook now: left as it is
            continue
        if _saved_over(old, current, new):
            out[path] = (nbformat.writes(merge(old, current, new)) + "\n").encode("utf-8")
    return out


def _saved_over(base, now, theirs) -> bool:
    """Whether the notebook `now` is an old copy saved over the update from `base` to `theirs`: a cell the
    course changed reads its old text again exactly, or every cell the course added is gone."""
    old, new, here = ({c.get("id"): c.source for c in nb.cells} for nb in (base, theirs, now))
    if any(k in here and here[k] == old[k] != new[k] for k in old.keys() & new.keys()):
        return True
    added = new.keys() - old.keys()
    return bool(added) and not added & here.keys()


def restore(root: Path, log=print) -> int:
    """`make update RESTORE=1`: the last update's changes back in every file that lost them (`_repaired`),
    each first copied to the backup. Returns the number of files written."""
    _check_clone(root, None)
    refuse_while_served(root, "make update RESTORE=1")
    repaired = _repaired(root)
    if not repaired:
        log("Nothing to restore: every file the last update wrote still has its changes.")
        return 0
    backup = root / BACKUP / time.strftime("%Y%m%d-%H%M%S")
    for path, content in repaired.items():
        (backup / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / path, backup / path)
        (root / path).write_bytes(content)
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
