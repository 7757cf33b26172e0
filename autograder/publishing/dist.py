"""The students' repository: the course without anything that grades it (docs/instructor.md, "Hand out").

    make student-dist DEST=../rnn-course-students [STUDENT_REPO=owner/name] [COMMIT=1] [FROM=ref] [ALLOW_DIRTY=1]
    python -m autograder.publishing.dist DEST [--student-repo owner/name] [--commit] [--from REF] [--allow-dirty]

Made from a commit of the course (`git archive`, never the working tree), built beside DEST and
scanned (autograder.publishing.scan) before it replaces anything: a failed scan leaves DEST as it
was. DEST is new, empty or an earlier distribution (it has `MARKER`, the list of files it wrote:
an update replaces those, and keeps and scans any file added since).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rnnlab.colab import BRANCH, PLACEHOLDER

from ..course.chapters import course_map
from ..course.folder import REPO
from ..course.student_files import skipped
from .scan import Secret, files, forbidden, forbidden_paths, keys_read_from_package, leaks, local, secrets

MARKER = ".student-dist.json"
TEMPLATES = Path("autograder") / "publishing" / "student"  # in the course, at the commit distributed

# copied as they are (folders: every file below them but `skipped`)
SHIPPED = ("notebooks", "release", "rnnlab", "binder", "jupyter/student", "jupyter/local", "constraints.txt")
# name in the distribution -> the students' version in the course (the instructor's installs the tests and tools)
STUDENT_VERSIONS = {
    "requirements.txt": "requirements-student.txt",
    "binder/requirements.txt": "binder/requirements-student.txt",
}
# from autograder/publishing/student/: name there -> name in the distribution
WRITTEN = {"README.md": "README.md", "Makefile": "Makefile", "course.mk": "course.mk", "gitignore": ".gitignore"}
STUDENT_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+")


class DistError(Exception):
    """The distribution cannot be written; DEST is as it was."""


def shipped_files(course: Path) -> list[Path]:
    """Paths (relative to the course) of every file copied as it is (neither side of STUDENT_VERSIONS)."""
    versions = set(STUDENT_VERSIONS) | set(STUDENT_VERSIONS.values())
    out = []
    for item in SHIPPED:
        path = course / item
        if path.is_file():
            out.append(Path(item))
        elif path.is_dir():
            out += [
                p.relative_to(course)
                for p in sorted(path.rglob("*"))
                if p.is_file() and not skipped(p.relative_to(course))
            ]
        else:
            raise DistError(f"{path} is missing: the course is incomplete, nothing was written")
    for name in STUDENT_VERSIONS.values():
        if not (course / name).is_file():
            raise DistError(f"{course / name} is missing: the course is incomplete, nothing was written")
    return [p for p in out if p.as_posix() not in versions]


def student_pyproject(course: Path) -> str:
    """The course's pyproject.toml for the package alone (no instructor package, no test settings)."""
    meta = tomllib.loads((course / "pyproject.toml").read_text())
    project = meta["project"]
    data = meta.get("tool", {}).get("setuptools", {}).get("package-data", {}).get("rnnlab", [])
    q = json.dumps  # TOML's basic strings read as JSON's
    return f"""[build-system]
requires = {q(meta["build-system"]["requires"])}
build-backend = {q(meta["build-system"]["build-backend"])}

[project]
name = {q(project["name"])}
version = {q(project["version"])}
description = {q(project.get("description", ""))}
requires-python = {q(project.get("requires-python", ">=3.11"))}
# Runtime dependencies are pinned in requirements.txt (torch's CPU build among them).
dependencies = []

[tool.setuptools.packages.find]
include = ["rnnlab*"]

[tool.setuptools.package-data]
rnnlab = {q(data)}
"""


def course_summary(course: Path) -> str:
    """The first paragraph of the course's README.md that is not its title or a badge."""
    for paragraph in re.split(r"\n\s*\n", (course / "README.md").read_text()):
        text = paragraph.strip()
        if text and not text.startswith(("#", "[![")):
            return text
    raise DistError(f"{course / 'README.md'} has no summary paragraph; nothing was written")


def student_readme(course: Path, student_repo: str | None) -> str:
    text = (course / TEMPLATES / "README.md").read_text()
    text = text.replace("{{summary}}", course_summary(course)).replace("{{course_map}}", course_map(course))
    if student_repo:
        text = text.replace(PLACEHOLDER, student_repo).replace("cd REPO", f"cd {student_repo.split('/')[1]}")
    return text


def _git(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(course), *args], capture_output=True, text=True)


def resolve(course: Path, ref: str) -> str:
    """The full id of the commit `ref` names in the course's repository; DistError if none."""
    proc = _git(course, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if proc.returncode != 0:
        if _git(course, "rev-parse", "--git-dir").returncode != 0:
            raise DistError(
                f"{course} is not a git repository: the distribution is made from a commit "
                "of the course, so that it holds exactly what that commit holds"
            )
        raise DistError(f"{ref!r} names no commit of {course}; nothing was written")
    return proc.stdout.strip()


def dirty(course: Path) -> list[str]:
    """Files of the working tree that differ from HEAD, as `git status --porcelain` lists them."""
    proc = _git(course, "status", "--porcelain", "--untracked-files=all")
    if proc.returncode != 0:
        raise DistError(f"git status failed in {course}: {proc.stderr.strip()}")
    return [line[3:] for line in proc.stdout.splitlines() if line.strip()]


def snapshot(course: Path, commit: str, into: Path) -> Path:
    """The tree of `commit`, written below `into` by `git archive`; returns its root."""
    root = into / "course"
    root.mkdir()
    proc = subprocess.run(["git", "-C", str(course), "archive", "--format=tar", commit], capture_output=True)
    if proc.returncode != 0:
        raise DistError(f"git archive {commit[:12]} failed: {proc.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as archive:
        if hasattr(tarfile, "data_filter"):  # PEP 706, from Python 3.11.4; Debian 12's 3.11.2 lacks it
            archive.extractall(root, filter="data")
        else:
            archive.extractall(root)
    return root


def write(course: Path, out: Path, student_repo: str | None, commit: str | None = None) -> int:
    """Write the distribution into the empty folder `out`, its files listed in MARKER; returns how many."""
    written = []
    for rel in shipped_files(course):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(course / rel, out / rel)
        if student_repo and rel.parts[0] == "notebooks" and rel.suffix == ".ipynb":
            (out / rel).write_text(
                (course / rel).read_text(encoding="utf-8").replace(PLACEHOLDER, student_repo), encoding="utf-8"
            )
        written.append(rel.as_posix())
    for name, version in STUDENT_VERSIONS.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(course / version, out / name)
        written.append(name)
    for template, name in WRITTEN.items():
        text = (
            student_readme(course, student_repo) if name == "README.md" else (course / TEMPLATES / template).read_text()
        )
        (out / name).write_text(text)
        written.append(name)
    (out / "pyproject.toml").write_text(student_pyproject(course))
    written += ["pyproject.toml", MARKER]
    (out / MARKER).write_text(
        json.dumps(
            {
                "what": "the students' copy of the course: an update of the course replaces the files listed here",
                "course_commit": commit,
                "student_repo": student_repo,
                "files": sorted(written),
            },
            indent=1,
        )
        + "\n"
    )
    return len(written)


def written_before(dest: Path) -> set[str]:
    """The files an earlier build wrote into `dest`, from its marker."""
    try:
        listed = json.loads((dest / MARKER).read_text())["files"]
        if not all(isinstance(f, str) for f in listed):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError):
        raise DistError(
            f"{dest / MARKER} is unreadable, so the files of the earlier distribution are "
            "unknown; nothing was changed: give a new or empty folder"
        ) from None
    return set(listed)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_destination(dest: Path, course: Path) -> str:
    """'new', 'empty' or 'previous' (an earlier distribution); DistError for anything else."""
    dest, course = dest.resolve(), course.resolve()
    if _inside(course, dest):
        raise DistError(f"{dest} is the course itself (or holds it): give a folder outside it")
    for item in SHIPPED:
        if _inside(dest, course / item):
            raise DistError(f"{dest} is inside {item}/, which the distribution copies: give another folder")
    if not dest.exists():
        return "new"
    if not dest.is_dir():
        raise DistError(f"{dest} exists and is not a folder")
    entries = [p.name for p in dest.iterdir() if p.name != ".git"]
    if not entries:
        return "empty"
    if MARKER not in entries:
        raise DistError(
            f"{dest} is not empty and is not a student distribution (no {MARKER}); "
            "nothing was changed: give a new or empty folder, or an earlier distribution"
        )
    return "previous"


def _github_origin(dest: Path) -> str | None:
    from autograder.publishing.badges import github_path, origin_url

    if not (dest / ".git").exists():
        return None
    url = origin_url(dest)
    return github_path(url) if url else None


def _commit(dest: Path, commit: str) -> str:
    def git(*args):
        return subprocess.run(["git", "-C", str(dest), *args], capture_output=True, text=True, check=True)

    if not (dest / ".git").exists():
        git("init", "-q", "-b", BRANCH)  # the branch the lectures' Colab links name
    git("add", "-A")
    if not git("status", "--porcelain").stdout.strip():
        return "nothing changed since the last commit"
    ident = []
    if subprocess.run(["git", "-C", str(dest), "config", "user.email"], capture_output=True).returncode:
        ident = ["-c", "user.name=make student-dist", "-c", "user.email=student-dist@localhost"]
    message = f"Student distribution of the course at {commit[:12]}"
    subprocess.run(
        ["git", *ident, "-C", str(dest), "commit", "-q", "-m", message], capture_output=True, text=True, check=True
    )
    branch = git("branch", "--show-current").stdout.strip()
    if branch != BRANCH:  # a clone the instructor made on another branch
        return (
            f"committed on branch {branch}: {message}. The lectures' Colab links open branch "
            f"{BRANCH}: rename it (git branch -m {BRANCH}) before you push"
        )
    return "committed: " + message


def _replace(dest: Path, staging: Path, ours: set[str]) -> None:
    """Swap the files an earlier build wrote in `dest` for the new ones in `staging`."""
    for rel in ours:
        path = dest / rel
        if path.is_file() or path.is_symlink():
            path.unlink()
    for folder in sorted(
        (p for p in dest.rglob("*") if p.is_dir() and not local(p.relative_to(dest))),
        key=lambda p: len(p.parts),
        reverse=True,
    ):
        if not any(folder.iterdir()):
            folder.rmdir()
    for rel in files(staging):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, dest / rel)


@dataclass
class Built:
    dest: Path
    files: int
    secrets: int
    student_repo: str | None
    package_keys: list[str]
    kept: list[str]
    source_commit: str = ""
    dirty: list[str] = field(default_factory=list)
    commit: str | None = None


def build(
    dest: Path,
    course: Path = REPO,
    student_repo: str | None = None,
    commit: bool = False,
    found: list[Secret] | None = None,
    ref: str = "HEAD",
    allow_dirty: bool = False,
) -> Built:
    """Write the students' repository into `dest` from the commit `ref` of `course`; `found`: the
    secrets of that commit, if already known."""
    dest, course = Path(dest).absolute(), Path(course).resolve()
    if student_repo is not None and not STUDENT_REPO.fullmatch(student_repo):
        raise DistError(f"STUDENT_REPO should be a GitHub path owner/name, not {student_repo!r}")
    state = check_destination(dest, course)
    source_commit = resolve(course, ref)
    changed = dirty(course)
    if changed and not allow_dirty:
        shown = ", ".join(changed[:8]) + (f" and {len(changed) - 8} more" if len(changed) > 8 else "")
        raise DistError(
            f"the working tree differs from HEAD ({len(changed)} file(s): {shown}); the "
            f"distribution is made from commit {source_commit[:12]} and would not hold what "
            "you see. Commit (or stash) first, or pass ALLOW_DIRTY=1 (--allow-dirty) to "
            "build from the commit anyway; nothing was written"
        )
    ours = written_before(dest) if state == "previous" else set()
    if student_repo is None and state != "new":
        student_repo = _github_origin(dest.resolve())
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.resolve().parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp's folder is private (0700)
    tree = Path(tempfile.mkdtemp(prefix="student-dist-tree-"))
    try:
        at = snapshot(course, source_commit, tree)
        count = write(at, staging, student_repo, source_commit)
        bad = forbidden_paths(staging)
        found = secrets(at) if found is None else found
        leaked = leaks(staging, at, found)
        # files added to an earlier distribution (a LICENSE, a workflow) stay: scanned too
        kept = [rel for rel in files(dest) if rel not in ours] if state != "new" else []
        bad += [f"{rel} (already in {dest})" for rel in kept if forbidden(Path(rel))]
        leaked += leaks(dest, at, found, only=kept)
        if bad or leaked:
            lines = [f"forbidden: {p}" for p in bad] + [f"leak: {x}" for x in leaked[:20]]
            if len(leaked) > 20:
                lines.append(f"... and {len(leaked) - 20} more leaked lines")
            raise DistError("the distribution would give answers away; nothing was written:\n  " + "\n  ".join(lines))
        package_keys = keys_read_from_package(at)
        if state == "new":
            staging.rename(dest)
        else:
            _replace(dest, staging, ours)
    finally:
        shutil.rmtree(tree, ignore_errors=True)
        if staging.exists():
            shutil.rmtree(staging)
    done = Built(dest, count, len(found), student_repo, package_keys, kept, source_commit, changed)
    if commit:
        done.commit = _commit(dest, source_commit)
    return done


def git_state(done: Built) -> str:
    """What the folder is for git after a build, and what to do next: students `git clone` it (their
    README begins so), which needs a repository with a commit, which only COMMIT=1 makes."""
    if done.commit:
        return f"git: {done.commit}"
    where = done.student_repo or "the students' GitHub repository"
    if (done.dest / ".git").exists():
        return (
            f"Not committed: {done.dest} is a git repository whose working tree now holds this distribution. "
            f"Commit it yourself (see git -C {done.dest} status), or run again with COMMIT=1, then push to {where}."
        )
    return (
        f"Not a git repository: {done.dest} is a plain folder, and the students' README begins with "
        f"`git clone`. Run again with COMMIT=1 to make it a git repository on branch {BRANCH} with this "
        f'distribution as its first commit, then push it to {where} (docs/instructor.md, "Hand out").'
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.publishing.dist",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("dest", help="folder to write: new, empty, or an earlier distribution")
    parser.add_argument(
        "--student-repo",
        metavar="OWNER/NAME",
        help="the students' GitHub repository, for the README's clone command and Binder badge",
    )
    parser.add_argument(
        "--commit",
        action="store_true",
        help="git init (if needed) and commit the result; without it DEST is files only, which students cannot clone",
    )
    parser.add_argument(
        "--from",
        dest="ref",
        default="HEAD",
        metavar="REF",
        help="the commit (or branch, tag) of the course to distribute (default HEAD)",
    )
    parser.add_argument(
        "--allow-dirty", action="store_true", help="build from the commit although the working tree differs from HEAD"
    )
    parser.add_argument("--course", default=str(REPO), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        done = build(
            Path(args.dest), Path(args.course), args.student_repo, args.commit, None, args.ref, args.allow_dirty
        )
    except DistError as err:
        print(f"make student-dist: {err}", file=sys.stderr)
        return 1
    print(
        f"make student-dist: the course at commit {done.source_commit[:12]} ({args.ref}): {done.files} "
        f"files in {done.dest}; none holds any of the {done.secrets} solution, hidden-test and "
        "graded-key lines of source/ at that commit."
    )
    if done.dirty:
        print(
            f"WARNING: {len(done.dirty)} file(s) of the working tree differ from HEAD and were NOT "
            "distributed (ALLOW_DIRTY=1): " + ", ".join(done.dirty[:8]),
            file=sys.stderr,
        )
    if done.student_repo:
        print(
            f"The README's clone command and Binder badge, and the notebooks' Colab and Binder links "
            f"and install line, point at {done.student_repo} (Colab opens branch {BRANCH})."
        )
    else:
        print(
            "The README and the notebooks still say OWNER/REPO: run again with STUDENT_REPO=owner/name "
            "(the students' GitHub repository), or from a clone of it that has it as origin."
        )
    for line in done.package_keys:
        print(
            f"WARNING: a graded quiz reads its keys from the package students get (the lecture quiz's keys): {line}",
            file=sys.stderr,
        )
    if done.kept:
        print(
            f"Kept {len(done.kept)} file(s) that the earlier distribution did not write: "
            + ", ".join(done.kept[:10])
            + (" ..." if len(done.kept) > 10 else "")
        )
    print(git_state(done))
    return 0


if __name__ == "__main__":
    sys.exit(main())
