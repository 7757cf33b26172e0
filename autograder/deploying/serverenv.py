"""The environments the hub's servers run (autograder.deploying.hub), made outside the course's
repository, which stays private: `server_environments` (what each holds: docs/hub.md).
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

PYTHON = f"python{sys.version_info.major}.{sys.version_info.minor}"  # lib/PYTHON/site-packages


class HubError(RuntimeError):
    """The hub cannot be set up or started: one sentence says why and what to do."""


def _readable(mode: int) -> int:
    """`mode` made readable by all, and runnable by all if its owner may run it."""
    return stat.S_IMODE(mode) | 0o444 | (0o111 if mode & stat.S_IXUSR else 0)


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


def course_packages() -> list[Path]:
    """The folders of the course's own packages (rnnlab, autograder: pyproject.toml's
    [tool.setuptools.packages.find] `include`), where this Python imports them from."""
    import importlib.util
    import tomllib

    find = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    names = sorted({pattern.split(".")[0].rstrip("*") for pattern in find["include"]})
    return [Path(importlib.util.find_spec(name).submodule_search_locations[0]) for name in names]


def _share_file(src: str, dst: str, mode: int, linking: list[bool]) -> str:
    """`dst`: a hard link to `src` (of mode `mode`) if others may use it already and linking works
    (`linking[0]`, cleared at the first failure), else a copy they may use: "linked" or "copied"."""
    if linking[0] and _others_may_use(mode):
        try:
            os.link(src, dst)  # shares the file's mode: never chmod a link
            return "linked"
        except OSError:
            linking[0] = False
    shutil.copy2(src, dst)
    os.chmod(dst, _readable(mode))
    return "copied"


def readable_view(src: Path, dest: Path, skip=lambda rel: False, linking: list[bool] | None = None) -> dict:
    """`dest` (new): the tree `src` as every user may read it, though `src` may lie in a folder
    others cannot enter: files linked or copied (_share_file), folders 0755, symbolic links kept
    (an absolute one into `src` pointed into `dest`), without the entries `skip(path relative to
    src)` names. Returns how many files were linked and copied."""
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


def _course_install():
    """A test for the top-level entries of site-packages that are the course's own install (the
    editable install's hooks, its dist-info, its packages): the servers get those another way."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["name"]
    info = re.compile(rf"{re.escape(project)}-[^/]*\.(dist|egg)-info")
    names = {p.name for p in course_packages()}
    return lambda rel: "/" not in rel and (rel.startswith("__editable__") or rel in names or bool(info.fullmatch(rel)))


def _open_folders(*folders: Path) -> None:
    for folder in folders:
        folder.mkdir(exist_ok=True)
        folder.chmod(0o755)  # (whatever the umask)


@contextlib.contextmanager
def _made_anew(dest: Path):
    """A new open folder to fill, which then replaces `dest`."""
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    _open_folders(partial)
    yield partial
    shutil.rmtree(dest, ignore_errors=True)
    partial.rename(dest)


def environment_view(dest: Path, site: Path | None = None, prefix: Path | None = None) -> Path:
    """`dest` (made anew): a prefix every user may read with the course environment's third-party
    packages (its site-packages without the course's own install) and its Jupyter config and data
    (etc/jupyter, share/jupyter). Nothing of the repository is in it: every server loads it."""
    site = site or Path(sysconfig.get_paths()["purelib"])
    prefix = prefix or Path(sys.prefix)
    linking = [True]
    with _made_anew(dest) as partial:
        _open_folders(partial / "lib", partial / "lib" / PYTHON)
        readable_view(site, partial / "lib" / PYTHON / "site-packages", skip=_course_install(), linking=linking)
        for part in ("etc", "share"):
            if (prefix / part / "jupyter").is_dir():
                _open_folders(partial / part)
                readable_view(prefix / part / "jupyter", partial / part / "jupyter", linking=linking)
    return dest


def packages_view(dest: Path, packages: list[Path] | None = None) -> Path:
    """`dest` (made anew): a view of the course's own packages as the instructor's working copy
    holds them, for the instructor's server only."""
    linking = [True]
    no_cache = lambda rel: os.path.basename(rel) == "__pycache__"
    with _made_anew(dest) as partial:
        for package in course_packages() if packages is None else packages:
            readable_view(package, partial / package.name, linking=linking, skip=no_cache)
    return dest


def _open_tree(root: Path) -> None:
    """Every folder under `root` 0755, every file readable by all (and runnable if it was)."""
    for p in [root, *root.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o755 if p.is_dir() else _readable(p.stat().st_mode))


@contextlib.contextmanager
def git_trusts(folder: Path):
    """Meanwhile git trusts `folder` (safe.directory, through the environment), which it refuses
    as root (`sudo make hub`) when another user owns it: the instructor's clone."""
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


def student_environment(dest: Path, commit: str | None = None) -> Path:
    """`dest`: what the students' servers get of the course, kept while `dest/commit.txt` names
    `commit` (HEAD if None): `dest/dist`, the student distribution of that commit as `make
    student-dist` makes and scans it (its `jupyter/student` settings turn the instructor's
    nbgrader tools off), and `dest/site`, its package installed from it, not editable (files of
    its own, no path back to any repository). Every user may read it."""
    from ..publishing import dist

    with git_trusts(REPO):
        commit = commit or dist.resolve(REPO, "HEAD")
        done = dest / "commit.txt"
        if done.exists() and done.read_text().strip() == commit and (dest / "site").is_dir():
            return dest
        with _made_anew(dest) as partial:
            dist.build(partial / "dist", REPO, ref=commit, allow_dirty=True)
            with tempfile.TemporaryDirectory(prefix="rnnlab-student-build-") as work:
                # pip builds a local folder in place (build/, *.egg-info): build from a copy
                shutil.copytree(partial / "dist", f"{work}/dist", ignore=shutil.ignore_patterns(".git"))
                pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
                pip += ["--no-build-isolation", "--disable-pip-version-check", "--target", str(partial / "site")]
                proc = subprocess.run(
                    [*pip, f"{work}/dist"], capture_output=True, text=True, env=dict(os.environ, PIP_NO_INPUT="1")
                )
            if proc.returncode:
                raise HubError(f"installing the student distribution failed:\n{proc.stderr[-2000:]}")
            (partial / "commit.txt").write_text(commit + "\n")
            _open_tree(partial)
    return dest


def _runtime_copy(dest: Path) -> Path:
    """This Python's runtime (interpreter, shared library, standard library without its tests) in a
    folder every user can read; returns its interpreter."""
    python = dest / "bin" / PYTHON
    if python.exists():
        return python
    base = Path(sys.base_prefix)
    linking = [True]
    left_out = {"test", "site-packages", "idlelib", "tkinter"}
    with _made_anew(dest) as partial:
        _open_folders(partial / "bin", partial / "lib")
        interpreter = os.path.realpath(sys.executable)
        _share_file(interpreter, str(partial / "bin" / PYTHON), os.stat(interpreter).st_mode, linking)
        for lib in (base / "lib").glob("libpython*.so*"):
            if lib.is_symlink():
                os.symlink(os.readlink(lib), partial / "lib" / lib.name)
            else:
                _share_file(str(lib), str(partial / "lib" / lib.name), lib.stat().st_mode, linking)
        skip = lambda rel: os.path.basename(rel) in left_out
        readable_view(base / "lib" / PYTHON, partial / "lib" / PYTHON, linking=linking, skip=skip)
        _open_folders(partial / "lib" / PYTHON / "site-packages")
    return python


def _runtime(cache: Path) -> tuple[Path, dict]:
    """An interpreter every user may run (this Python's own, or the same build copied once into
    `cache`, a folder every user may enter) and what it needs (LD_LIBRARY_PATH)."""
    own = Path(sys.prefix) / "bin" / "python"
    # the interpreter (usable_by_all follows the environment's link to it) and its standard library
    if usable_by_all(own) and usable_by_all(Path(sys.base_prefix) / "lib" / PYTHON / "os.py"):
        return Path(os.path.realpath(own)), {}
    # it lives where other users may not go (pyenv under /root, say)
    runtime = _runtime_copy(cache / f"python-{sys.version.split()[0]}")
    return runtime, {"LD_LIBRARY_PATH": str(runtime.parent.parent / "lib")}


def server_python(env: Path, runtime: Path, env_vars: dict, sites: list[Path]) -> Path:
    """A small environment at `env` made from `runtime` that loads the packages of `sites` in that
    order, with the course environment's commands (nbgrader, jupyter...); returns its Python."""
    python = env / "bin" / "python"
    if not python.exists():
        subprocess.run(
            [str(runtime), "-m", "venv", "--without-pip", str(env)], check=True, env=dict(os.environ, **env_vars)
        )
    purelib = env / "lib" / PYTHON / "site-packages"
    (purelib / "rnnlab-course-env.pth").write_text(
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
    _open_tree(env)
    return python


@dataclass
class ServerEnv:
    """How a server is started: its Python, what that Python needs, its Jupyter config and data."""

    python: str
    env: dict  # LD_LIBRARY_PATH when the runtime had to be copied
    config_path: str  # JUPYTER_CONFIG_PATH
    data_path: str  # JUPYTER_PATH (JupyterLab's extensions, kernels)


def server_environments(
    state: Path, config: Path, instructor_folder: Path, shared: Path | None = None
) -> tuple[ServerEnv, ServerEnv, str]:
    """The students' and the instructor's server environments, and the commit of the student
    distribution the students' installs. Both load the third-party packages from `course-env/`
    (environment_view); the students' the student distribution's package and Jupyter settings
    (student_environment, `student-<commit>/`), both kept in `shared` or else in `state`; the
    instructor's, in `instructor_folder` (which the hub opens to the instructor's group alone),
    a view of the course's own packages and the instructor's nbgrader config."""
    from ..publishing import dist

    cache = shared or state
    view = cache / "course-env"
    if not (shared and (view / "lib").is_dir()):  # an earlier hub of the same test session made it
        environment_view(view)
    third_party = view / "lib" / PYTHON / "site-packages"
    with git_trusts(REPO):
        commit = dist.resolve(REPO, "HEAD")
    student = student_environment(cache / f"student-{commit[:12]}", commit)
    if not shared:  # a hub's own state folder keeps the current commit's only
        for old in cache.glob("student-*"):
            if old != student:
                shutil.rmtree(old, ignore_errors=True)
    runtime, env_vars = _runtime(cache)
    students = server_python(state / "student-python", runtime, env_vars, [student / "site", third_party])
    packages = packages_view(instructor_folder / "packages")
    instructor = server_python(instructor_folder / "python", runtime, env_vars, [packages, third_party])
    students_config = [str(config), str(student / "dist" / "jupyter" / "student"), f"{view}/etc/jupyter"]
    instructor_config = [str(instructor_folder / "etc-jupyter"), str(config), f"{view}/etc/jupyter"]
    return (
        ServerEnv(str(students), env_vars, os.pathsep.join(students_config), f"{view}/share/jupyter"),
        ServerEnv(str(instructor), env_vars, os.pathsep.join(instructor_config), f"{view}/share/jupyter"),
        commit,
    )
