"""The environments the hub's servers run (autograder.deploying.hub), made outside the course's
repository, which stays private: the students' loads the course's package installed, not
editable, from the student distribution of HEAD, with that distribution's Jupyter settings; the
instructor's loads a view of the instructor's own packages in a folder only the instructor's
group may enter; both load a view of the course environment's third-party packages and run a
copy of this Python's runtime that every user may run.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..course.folder import REPO


class HubError(RuntimeError):
    """The hub cannot be set up or started: one sentence says why and what to do."""


def _others_may_use(mode: int) -> bool:
    """Whether a file of this mode is one other users may read, and run if its owner may."""
    return bool(mode & stat.S_IROTH) and (bool(mode & stat.S_IXOTH) or not mode & stat.S_IXUSR)


def usable_by_all(path: Path) -> bool:
    """Whether any user may use `path`: enter it (a folder), or read it and run it if its owner may
    (a file), and enter every folder above it."""
    path = Path(os.path.realpath(path))
    if not all(p.stat().st_mode & stat.S_IXOTH for p in path.parents):
        return False
    mode = path.stat().st_mode
    return bool(mode & stat.S_IXOTH) if path.is_dir() else _others_may_use(mode)


def closed_folder(path: Path) -> Path | None:
    """The outermost existing folder on the way to `path` (which need not exist yet) that other
    users may not enter: a `mktemp -d` folder, root's home; None if there is none."""
    path = Path(os.path.realpath(path))
    for p in reversed([path, *path.parents]):
        if p.is_dir() and not p.stat().st_mode & stat.S_IXOTH:
            return p
    return None


def course_site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def course_packages() -> list[Path]:
    """The folders of the course's own packages (rnnlab, instructor: the `include` of pyproject.toml's
    [tool.setuptools.packages.find]), where this Python imports them from: the repository itself,
    with the environment's editable install."""
    import importlib.util
    import tomllib

    find = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    names = sorted({pattern.split(".")[0].rstrip("*") for pattern in find["include"]})
    return [Path(importlib.util.find_spec(name).submodule_search_locations[0]) for name in names]


def _share_file(src: str, dst: str, mode: int, linking: list[bool]) -> str:
    """`dst`: a hard link to `src` (whose mode is `mode`) if other users may read it already (and
    run it, if its owner may) and linking works here (`linking[0]`, cleared at the first failure:
    another filesystem, say), else a copy they may read and run. Returns "linked" or "copied"."""
    if linking[0] and _others_may_use(mode):
        try:
            os.link(src, dst)  # shares the file's mode: never chmod a link
            return "linked"
        except OSError:
            linking[0] = False
    shutil.copy2(src, dst)
    os.chmod(dst, stat.S_IMODE(mode) | 0o444 | (0o111 if mode & stat.S_IXUSR else 0))
    return "copied"


def readable_view(src: Path, dest: Path, skip=lambda rel: False, linking: list[bool] | None = None) -> dict:
    """`dest` (new): the tree `src` as every user may read it, though `src` may lie in a folder
    others cannot enter. Files are hard links where they can be (cheap, no second copy), copies
    otherwise (_share_file); folders are new and 0755; symbolic links are kept, an absolute one
    into `src` pointed at the same place in `dest`. `skip(path relative to src)` leaves an entry
    (and what is under it) out. Returns how many files were linked and copied."""
    src = os.path.realpath(src)
    linking = [True] if linking is None else linking
    done = {"linked": 0, "copied": 0}

    def view(folder: str, out: str, rel: str) -> None:
        os.mkdir(out)
        os.chmod(out, 0o755)  # (whatever the umask)
        with os.scandir(folder) as entries:
            for entry in entries:
                if skip(rel + entry.name):
                    continue
                target = os.path.join(out, entry.name)
                if entry.is_symlink():
                    to = os.readlink(entry.path)
                    if os.path.isabs(to) and (to + "/").startswith(src + "/"):
                        to = os.path.join(dest, os.path.relpath(to, src))
                    os.symlink(to, target)
                elif entry.is_dir():
                    view(entry.path, target, f"{rel}{entry.name}/")
                else:
                    done[_share_file(entry.path, target, entry.stat(follow_symlinks=False).st_mode, linking)] += 1

    view(src, str(dest), "")
    return done


def _project_name() -> str:
    import tomllib

    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["name"]


def _course_install(rel: str) -> bool:
    """Whether a top-level entry of the course environment's site-packages is the course's own
    install (the editable install's hooks, which point into the repository, its dist-info, or
    the course's packages themselves): the servers get the course's packages another way."""
    if "/" in rel:
        return False
    names = {p.name for p in course_packages()} if (REPO / "pyproject.toml").exists() else set()
    return (
        rel.startswith("__editable__")
        or rel in names
        or re.fullmatch(rf"{re.escape(_project_name())}-[^/]*\.(dist|egg)-info", rel) is not None
    )


def environment_view(dest: Path, site: Path | None = None, prefix: Path | None = None, skip=None) -> Path:
    """A prefix every user may read with the course environment's third-party packages
    (lib/pythonX.Y/site-packages without the course's own install: `_course_install`) and its
    Jupyter config and data (etc/jupyter, share/jupyter). Nothing of the repository is in it:
    every server's Python loads it, the students' too. Made anew each time (readable_view: hard
    links, or copies); returns `dest`."""
    site = site or course_site_packages()
    prefix = prefix or Path(sys.prefix)
    skip = skip or _course_install
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    view_site = partial / "lib" / version / "site-packages"
    view_site.parent.mkdir(parents=True)
    for p in (partial, partial / "lib", view_site.parent):
        p.chmod(0o755)
    linking = [True]
    readable_view(site, view_site, skip=skip, linking=linking)
    for part in ("etc", "share"):
        if (prefix / part / "jupyter").is_dir():
            (partial / part).mkdir(mode=0o755)
            (partial / part).chmod(0o755)
            readable_view(prefix / part / "jupyter", partial / part / "jupyter", linking=linking)
    shutil.rmtree(dest, ignore_errors=True)
    partial.rename(dest)
    return dest


def packages_view(dest: Path, packages: list[Path] | None = None) -> Path:
    """`dest` (made anew): a view of the course's own packages as the instructor's working copy
    holds them (rnnlab, instructor; readable_view), for the instructor's server only."""
    packages = course_packages() if packages is None else packages
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o755, parents=True)
    partial.chmod(0o755)
    linking = [True]
    for package in packages:
        readable_view(
            package,
            partial / package.name,
            linking=linking,
            skip=lambda rel: os.path.basename(rel.rstrip("/")) == "__pycache__",
        )
    shutil.rmtree(dest, ignore_errors=True)
    partial.rename(dest)
    return dest


def _open_tree(root: Path) -> None:
    """Every folder under `root` 0755, every file readable by all (and runnable if it was)."""
    for p in [root, *root.rglob("*")]:
        if p.is_symlink():
            continue
        mode = p.stat().st_mode
        p.chmod(0o755 if p.is_dir() else (stat.S_IMODE(mode) | 0o444 | (0o111 if mode & stat.S_IXUSR else 0)))


@contextlib.contextmanager
def git_trusts(folder: Path):
    """git, run as root (`sudo make hub`) in a repository another user owns (the instructor's
    clone), refuses it ("dubious ownership"): meanwhile, trust that one folder (git's
    command-scope config, through the environment the dist module's git inherits)."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("GIT_CONFIG_")}
    n = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    os.environ.update(
        {f"GIT_CONFIG_KEY_{n}": "safe.directory", f"GIT_CONFIG_VALUE_{n}": str(folder), "GIT_CONFIG_COUNT": str(n + 1)}
    )
    try:
        yield
    finally:
        for k in [k for k in os.environ if k.startswith("GIT_CONFIG_")]:
            del os.environ[k]
        os.environ.update(saved)


def student_environment(dest: Path, commit: str | None = None, course: Path = REPO) -> Path:
    """`dest`: what the students' servers get of the course, made from the student distribution
    of `commit` (HEAD if None) as `make student-dist` makes it (autograder.publishing.dist: `git archive` of
    the commit, scanned for every solution, hidden-test and graded-key line of `source/` at that
    commit): `dest/dist`, that distribution (its `jupyter/student` settings turn the
    instructor's nbgrader tools off), and `dest/site`, its package installed from it, not
    editable (pip install --target: files of their own, no path back to any repository), and
    `dest/commit.txt`. Kept while `commit.txt` names the same commit; every user may read it."""
    from ..publishing import dist

    with git_trusts(course):
        commit = commit or dist.resolve(course, "HEAD")
    done = dest / "commit.txt"
    if done.exists() and done.read_text().strip() == commit and (dest / "site").is_dir():
        return dest
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    partial.chmod(0o755)
    with git_trusts(course):
        dist.build(partial / "dist", course, ref=commit, allow_dirty=True)
    work = Path(tempfile.mkdtemp(prefix="rnnlab-student-build-"))
    try:
        # pip builds a local folder in place (build/, *.egg-info): build from a copy
        shutil.copytree(partial / "dist", work / "dist", ignore=shutil.ignore_patterns(".git"))
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-index",
                "--no-build-isolation",
                "--disable-pip-version-check",
                "--target",
                str(partial / "site"),
                str(work / "dist"),
            ],
            capture_output=True,
            text=True,
            env=dict(os.environ, PIP_NO_INPUT="1"),
        )
        if proc.returncode:
            raise HubError(f"installing the student distribution failed:\n{proc.stderr[-2000:]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (partial / "commit.txt").write_text(commit + "\n")
    _open_tree(partial)
    shutil.rmtree(dest, ignore_errors=True)
    partial.rename(dest)
    return dest


def _runtime_copy(dest: Path) -> Path:
    """This Python's own runtime (interpreter, shared library, standard library without its tests
    and site-packages) in a folder every user can read, linked or copied (_share_file); returns
    its interpreter."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    python = dest / "bin" / version
    if python.exists():
        return python
    base = Path(sys.base_prefix)
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "bin").mkdir(parents=True)
    (partial / "lib").mkdir()
    for p in (partial, partial / "bin", partial / "lib"):
        p.chmod(0o755)
    linking = [True]
    interpreter = os.path.realpath(sys.executable)
    _share_file(interpreter, str(partial / "bin" / version), os.stat(interpreter).st_mode, linking)
    for lib in (base / "lib").glob("libpython*.so*"):
        if lib.is_symlink():
            os.symlink(os.readlink(lib), partial / "lib" / lib.name)
        else:
            _share_file(str(lib), str(partial / "lib" / lib.name), lib.stat().st_mode, linking)
    left_out = {"test", "site-packages", "idlelib", "tkinter"}
    readable_view(
        base / "lib" / version,
        partial / "lib" / version,
        linking=linking,
        skip=lambda rel: os.path.basename(rel) in left_out,
    )
    (partial / "lib" / version / "site-packages").mkdir(mode=0o755)
    partial.rename(dest)
    return python


def _runtime(cache: Path) -> tuple[Path, dict]:
    """An interpreter every user may run (this Python's own, or the same build copied once into
    `cache`, a folder every user may enter: never the repository, which the hub closes) and what
    it needs (LD_LIBRARY_PATH)."""
    own = Path(sys.prefix) / "bin" / "python"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    # the interpreter (usable_by_all follows the environment's link to it) and its standard library
    if usable_by_all(own) and usable_by_all(Path(sys.base_prefix) / "lib" / version / "os.py"):
        return Path(os.path.realpath(own)), {}
    # it lives where other users may not go (pyenv under /root, say)
    runtime = _runtime_copy(cache / f"python-{sys.version.split()[0]}")
    return runtime, {"LD_LIBRARY_PATH": str(runtime.parent.parent / "lib")}


def server_python(env: Path, runtime: Path, env_vars: dict, sites: list[Path]) -> Path:
    """A small environment at `env` made from `runtime` that loads the packages of `sites`, in
    that order (site.addsitedir), with the course environment's commands (nbgrader, alembic,
    jupyter...) started by it; returns its Python."""
    python = env / "bin" / "python"
    if not python.exists():
        subprocess.run(
            [str(runtime), "-m", "venv", "--without-pip", str(env)], check=True, env=dict(os.environ, **env_vars)
        )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        env=dict(os.environ, **env_vars),
    ).stdout.strip()
    (Path(purelib) / "rnnlab-course-env.pth").write_text(
        "import site; " + "; ".join(f"site.addsitedir({str(s)!r})" for s in sites) + "\n"
    )
    own_shebang = f"#!{sys.prefix}/bin/python"
    for script in (Path(sys.prefix) / "bin").iterdir():
        target = env / "bin" / script.name
        if target.exists() or not script.is_file() or script.is_symlink():
            continue
        try:
            text = script.read_text()
        except UnicodeDecodeError:
            continue
        first, _, rest = text.partition("\n")
        if first.startswith(own_shebang):
            target.write_text(f"#!{python}\n{rest}")
            target.chmod(0o755)
    for p in [env, *env.rglob("*")]:
        if not p.is_symlink():
            p.chmod(
                p.stat().st_mode | stat.S_IROTH | (stat.S_IXOTH if p.is_dir() or p.stat().st_mode & stat.S_IXUSR else 0)
            )
    return python


@dataclass
class ServerEnv:
    """How a server is started: its Python, what that Python needs, its Jupyter config and data."""

    python: str
    env: dict  # LD_LIBRARY_PATH when the runtime had to be copied
    config_path: str  # JUPYTER_CONFIG_PATH
    data_path: str  # JUPYTER_PATH (JupyterLab's extensions, kernels)


def server_environments(
    state: Path, config: Path, instructor_folder: Path, shared: Path | None = None, commit: str | None = None
) -> tuple[ServerEnv, ServerEnv, str]:
    """The students' and the instructor's server environments, and the commit the students' is
    made from. Nothing in either is read from the repository (which stays private):

    - both load the course environment's third-party packages from a view of them
      (environment_view: `course-env/`, in `shared` or the state folder);
    - the students' Python loads the course's package installed from the student distribution
      of `commit` (student_environment: `student-<commit>/`, kept per commit in `shared` or the
      state folder) and has its students' Jupyter settings before the environment's own;
    - the instructor's (in `instructor_folder`, which only the instructor's group may enter: the
      hub opens it to them when it starts their server) loads a view of the instructor's own
      packages (rnnlab, instructor) and the instructor's nbgrader config.
    """
    from ..publishing import dist

    cache = shared or state
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    view = cache / "course-env"
    if not (shared and (view / "lib").is_dir()):  # an earlier hub of the same test session made it
        environment_view(view)
    third_party = view / "lib" / version / "site-packages"
    with git_trusts(REPO):
        commit = commit or dist.resolve(REPO, "HEAD")
    student = student_environment(cache / f"student-{commit[:12]}", commit)
    if not shared:  # a hub's own state folder keeps the current commit's only
        for old in cache.glob("student-*"):
            if old != student:
                shutil.rmtree(old, ignore_errors=True)
    runtime, env_vars = _runtime(cache)
    students = server_python(state / "student-python", runtime, env_vars, [student / "site", third_party])
    packages = packages_view(instructor_folder / "packages")
    instructor = server_python(instructor_folder / "python", runtime, env_vars, [packages, third_party])
    system = [str(config), f"{view}/etc/jupyter"]
    return (
        ServerEnv(
            str(students),
            env_vars,
            os.pathsep.join([str(config), str(student / "dist" / "jupyter" / "student"), f"{view}/etc/jupyter"]),
            f"{view}/share/jupyter",
        ),
        ServerEnv(
            str(instructor),
            env_vars,
            os.pathsep.join([str(instructor_folder / "etc-jupyter"), *system]),
            f"{view}/share/jupyter",
        ),
        commit,
    )
