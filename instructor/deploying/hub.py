"""A JupyterHub for a class on one machine (`make hub`; tests/test_hub.py starts the same one).

    python -m instructor.deploying.hub [--port 8000] [--state /srv/rnnlab-hub] [--prefix PREFIX]

As root it creates the local users it needs (an instructor and three students, unless they
exist), gives the instructor a course folder with ps03 in their home, and runs JupyterHub with
deploy/jupyterhub_config.py in the foreground: proxy, hub and servers on 127.0.0.1 only.

The course's repository is the instructor's (source/, the gradebook, reports, .git): the hub
makes it private (`make_private`: chmod 700 unless a folder above it is closed already) and
gives the servers what they need outside it, in the state folder (which every user must be
able to enter: the exchange is in it; never inside the repository), `server_environments`:

- students' servers run a small environment that loads the course's package installed, not
  editable, from the student distribution of HEAD (`student_environment`: instructor.publishing.dist's
  build of the commit, then pip install --target), with that distribution's students' Jupyter
  settings (no formgrader, course list or Create Assignment);
- the instructor's server runs one that loads a view of the instructor's own packages
  (rnnlab, instructor) and the course's collector, in a folder only the instructor's group may
  enter (opened when the hub starts their server: deploy/jupyterhub_config.py);
- both load a view of the course environment's third-party packages (`environment_view`:
  hard links, or copies; without the course's own install) and are made from this Python's
  runtime, copied once where every user may run it if it lives in a private folder (pyenv
  under /root, for one: `_runtime_copy`; not the system's Python, whose older patch release
  breaks some packages).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..common.course import REPO, assignments, resolve

PROXY = REPO / "deploy" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
# ngshare, an exchange that knows each user by their hub token (`make ngshare-deps`: its own
# environment, deploy/ngshare/requirements.txt, since ngshare 0.6.0 needs SQLAlchemy 1.4)
NGSHARE_PYTHON = REPO / ".hub" / "ngshare-venv" / "bin" / "python"
HUB_CONFIG = REPO / "deploy" / "jupyterhub_config.py"
COURSE_DIR = "rnn-deep-dive"          # the instructor's course folder, in their home
# a folder (every user may enter it) for what several hubs may share: the view of the course
# environment's third-party packages (environment_view), the students' environment of a commit
# (student_environment) and a copy of the Python runtime. The hub tests make one per session
# (tests/conftest.py); without it each hub keeps them in its state folder (the view made anew
# at each start, the students' environment kept per commit)
DEFAULT_STATE = "/srv/rnnlab-hub"
SHARED_VIEW_ENV = "RNNLAB_HUB_SHARED"


class HubError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
            os.link(src, dst)           # shares the file's mode: never chmod a link
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
        os.chmod(out, 0o755)             # (whatever the umask)
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
    return (rel.startswith("__editable__") or rel in names
            or re.fullmatch(rf"{re.escape(_project_name())}-[^/]*\.(dist|egg)-info", rel) is not None)


def environment_view(dest: Path, site: Path | None = None, prefix: Path | None = None,
                     skip=None) -> Path:
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
        readable_view(package, partial / package.name, linking=linking,
                      skip=lambda rel: os.path.basename(rel.rstrip("/")) == "__pycache__")
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
    os.environ.update({f"GIT_CONFIG_KEY_{n}": "safe.directory", f"GIT_CONFIG_VALUE_{n}": str(folder),
                       "GIT_CONFIG_COUNT": str(n + 1)})
    try:
        yield
    finally:
        for k in [k for k in os.environ if k.startswith("GIT_CONFIG_")]:
            del os.environ[k]
        os.environ.update(saved)


def student_environment(dest: Path, commit: str | None = None, course: Path = REPO) -> Path:
    """`dest`: what the students' servers get of the course, made from the student distribution
    of `commit` (HEAD if None) as `make student-dist` makes it (instructor.publishing.dist: `git archive` of
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
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                               "--no-build-isolation", "--disable-pip-version-check",
                               "--target", str(partial / "site"), str(work / "dist")],
                              capture_output=True, text=True, env=dict(os.environ, PIP_NO_INPUT="1"))
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
    readable_view(base / "lib" / version, partial / "lib" / version, linking=linking,
                  skip=lambda rel: os.path.basename(rel) in left_out)
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
        subprocess.run([str(runtime), "-m", "venv", "--without-pip", str(env)], check=True,
                       env=dict(os.environ, **env_vars))
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True, env=dict(os.environ, **env_vars)).stdout.strip()
    (Path(purelib) / "rnnlab-course-env.pth").write_text(
        "import site; " + "; ".join(f"site.addsitedir({str(s)!r})" for s in sites) + "\n")
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
            p.chmod(p.stat().st_mode | stat.S_IROTH
                    | (stat.S_IXOTH if p.is_dir() or p.stat().st_mode & stat.S_IXUSR else 0))
    return python


@dataclass
class ServerEnv:
    """How a server is started: its Python, what that Python needs, its Jupyter config and data."""
    python: str
    env: dict                 # LD_LIBRARY_PATH when the runtime had to be copied
    config_path: str          # JUPYTER_CONFIG_PATH
    data_path: str            # JUPYTER_PATH (JupyterLab's extensions, kernels)


def server_environments(state: Path, config: Path, instructor_folder: Path,
                        shared: Path | None = None, commit: str | None = None) -> tuple[ServerEnv, ServerEnv, str]:
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
    if not (shared and (view / "lib").is_dir()):      # an earlier hub of the same test session made it
        environment_view(view)
    third_party = view / "lib" / version / "site-packages"
    with git_trusts(REPO):
        commit = commit or dist.resolve(REPO, "HEAD")
    student = student_environment(cache / f"student-{commit[:12]}", commit)
    if not shared:                  # a hub's own state folder keeps the current commit's only
        for old in cache.glob("student-*"):
            if old != student:
                shutil.rmtree(old, ignore_errors=True)
    runtime, env_vars = _runtime(cache)
    students = server_python(state / "student-python", runtime, env_vars, [student / "site", third_party])
    packages = packages_view(instructor_folder / "packages")
    instructor = server_python(instructor_folder / "python", runtime, env_vars, [packages, third_party])
    system = [str(config), f"{view}/etc/jupyter"]
    return (ServerEnv(str(students), env_vars, os.pathsep.join([str(config), str(student / "dist" / "jupyter" / "student"),
                                                                 f"{view}/etc/jupyter"]), f"{view}/share/jupyter"),
            ServerEnv(str(instructor), env_vars, os.pathsep.join([str(instructor_folder / "etc-jupyter"), *system]),
                      f"{view}/share/jupyter"),
            commit)


@dataclass
class Settings:
    """What deploy/jupyterhub_config.py reads (as JSON, from RNNLAB_HUB_SETTINGS). `python`,
    `python_env`, `config_path` and `data_path` start every server but the instructor's, which
    `instructor_server` starts (a ServerEnv's fields)."""
    state: str
    python: str
    config_path: str                     # JUPYTER_CONFIG_PATH of the servers
    data_path: str                       # JUPYTER_PATH (JupyterLab's extensions, kernels)
    exchange: str
    python_env: dict = field(default_factory=dict)   # what `python` needs (LD_LIBRARY_PATH)
    instructor: str = "instructor"
    students: list[str] = field(default_factory=lambda: ["student1", "student2", "student3"])
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    api_token: str = field(default_factory=lambda: secrets.token_hex(32))
    port: int = 8000
    hub_port: int = field(default_factory=free_port)
    proxy_api_port: int = field(default_factory=free_port)
    proxy: str = str(PROXY)
    ngshare: dict = field(default_factory=dict)     # the ngshare service, if the exchange is ngshare
    instructor_server: dict = field(default_factory=dict)   # a ServerEnv, for the instructor
    instructor_folder: str = ""          # what only the instructor's server may read
    student_commit: str = ""             # the course commit whose student distribution students run
    repository: str = str(REPO)
    repository_mode_before: int | None = None   # its mode, if the hub had to make it private

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _refuse_closed_state(state: Path, check: Path) -> None:
    closed = closed_folder(check)
    if closed is not None:
        raise HubError(
            f"the hub's state folder {state} is inside {closed} (mode {stat.S_IMODE(closed.stat().st_mode):04o}), "
            "which other users may not enter: the students' servers could not reach the exchange "
            "there. Give the hub a state folder everyone may enter, e.g. "
            "`sudo make hub HUB_ARGS=\"--state /srv/rnnlab-hub\"`.")


def make_private(repo: Path = REPO) -> int | None:
    """Close the repository to other users (chmod 0700 on its root) unless a folder on the way
    to it is closed already (a `mktemp -d` clone, root's home); returns its mode before, or None
    if nothing was changed. Its source/, gradebook, reports and .git are the instructor's."""
    if closed_folder(repo) is not None:
        return None
    before = stat.S_IMODE(repo.stat().st_mode)
    repo.chmod(0o700)
    return before


def prepare_state(state: Path, ngshare: bool = False, shared: Path | None = None, **kwargs) -> Settings:
    """The hub's folder: settings, nbgrader's system config, an exchange every user can use (a
    shared folder, nbgrader's own, or with `ngshare` the ngshare service run by the hub), and
    the servers' environments (server_environments; `shared`: a folder for the views that
    several hubs share, as RNNLAB_HUB_SHARED names). Then the repository is made private
    (make_private)."""
    if not Path(kwargs.get("proxy", PROXY)).exists():
        raise HubError(f"JupyterHub's proxy is not installed ({PROXY}): run `make hub-deps` "
                       "(npm install of configurable-http-proxy)")
    _refuse_closed_state(state, state.parent)     # before anything is made
    state_inside = Path(os.path.realpath(state)).is_relative_to(os.path.realpath(REPO))
    if state_inside:
        raise HubError(f"the hub's state folder {state} is inside the course's repository {REPO}, which the "
                       "hub keeps private (the students' servers could not reach the exchange there). Give it "
                       "a state folder outside, e.g. `sudo make hub HUB_ARGS=\"--state /srv/rnnlab-hub\"`.")
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)
    _refuse_closed_state(state, state)            # (folders made above it under a strict umask)
    exchange = state / "exchange"
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o777)             # as nbgrader's docs say: every user may create in it
    config = state / "etc-jupyter"
    config.mkdir(exist_ok=True)
    config.chmod(0o755)
    instructor_folder = state / "instructor"
    instructor_folder.mkdir(mode=0o700, exist_ok=True)
    instructor_folder.chmod(0o700)            # root's until the hub opens it to the instructor
    (instructor_folder / "etc-jupyter").mkdir(mode=0o755, exist_ok=True)
    if ngshare:
        kwargs["ngshare"] = ngshare_service(state, kwargs.get("instructor", "instructor"))
        url = f"http://127.0.0.1:{kwargs.get('port', 8000)}/services/ngshare"
        (config / "nbgrader_config.py").write_text(nbgrader_ngshare_config(url))
        (instructor_folder / "etc-jupyter" / "nbgrader_config.py").unlink(missing_ok=True)
    else:
        (config / "nbgrader_config.py").write_text(nbgrader_system_config(exchange))
        (instructor_folder / "etc-jupyter" / "nbgrader_config.py").write_text(nbgrader_instructor_config())
    (config / "jupyter_server_config.py").write_text(
        "c = get_config()\n"
        "# a terminal keeps the server's PATH (the course's commands first); a login shell would\n"
        "# reset it from /etc/profile\n"
        "c.ServerApp.terminado_settings = {'shell_command': ['/bin/bash']}\n")
    if shared is None and os.environ.get(SHARED_VIEW_ENV):
        shared = Path(os.environ[SHARED_VIEW_ENV])
    students, instructor, commit = server_environments(state, config, instructor_folder, shared)
    settings = Settings(state=str(state), python=students.python, python_env=students.env,
                        config_path=students.config_path, data_path=students.data_path,
                        exchange=str(exchange), instructor_server=asdict(instructor),
                        instructor_folder=str(instructor_folder), student_commit=commit, **kwargs)
    settings.repository_mode_before = make_private(Path(settings.repository))
    path = state / "settings.json"
    path.touch(mode=0o600)
    path.write_text(json.dumps(asdict(settings), indent=1))
    return settings


def nbgrader_system_config(exchange: Path) -> str:
    """nbgrader's config for every server on the hub (students and the instructor)."""
    from .z2jh import course_id
    return (
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {course_id()!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n")


def nbgrader_instructor_config() -> str:
    """nbgrader's config for the instructor's server only: the course's collector lives in the
    instructor's package (instructor), which the students' servers do not have."""
    return (
        "c = get_config()\n"
        "# collect refuses submissions whose folder is not owned by the student it names\n"
        "c.ExchangeFactory.collect = 'instructor.deploying.exchange.OwnerCheckedCollect'\n")


def ngshare_service(state: Path, admin: str, python: Path = NGSHARE_PYTHON) -> dict:
    """What deploy/jupyterhub_config.py needs to run ngshare as a hub service: its Python, a
    port, and a folder for its database and files that only root (the hub, the service) may open."""
    if not python.exists():
        raise HubError(f"ngshare is not installed ({python}): run `make ngshare-deps`")
    folder = state / "ngshare"
    folder.mkdir(exist_ok=True)
    folder.chmod(0o700)
    return {"python": str(python), "port": free_port(), "folder": str(folder), "admin": admin}


def nbgrader_ngshare_config(url: str) -> str:
    """nbgrader's config for every server when the exchange is the ngshare service at `url`."""
    from .z2jh import course_id
    return (
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {course_id()!r}\n"
        "# the exchange is the ngshare service: it knows each user by their hub token, not by\n"
        "# the owner of a file (on Kubernetes every server runs as the same uid)\n"
        "from ngshare_exchange import configureExchange\n"
        f"configureExchange(c, {url!r})\n")


# -- users ---------------------------------------------------------------------------------------
def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def create_user(name: str, comment: str = "rnn-deep-dive hub") -> Path:
    """A local user with a private home (0700), as a hub's users should have."""
    if os.geteuid() != 0:
        raise HubError("creating users needs root")
    if not user_exists(name):
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--comment", comment, name],
                       check=True, capture_output=True)
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)
    return home


def remove_user(name: str) -> None:
    """Stop every process still running as `name`, then delete the user and their home."""
    if not user_exists(name):
        return
    uid = pwd.getpwnam(name).pw_uid
    import psutil
    for proc in psutil.process_iter(["uids"]):
        if proc.info["uids"] and proc.info["uids"].real == uid:
            try:
                proc.kill()
            except psutil.Error:
                pass
    subprocess.run(["userdel", "--remove", "--force", name], capture_output=True)


def give(path: Path, user: str) -> None:
    """Hand a file or a tree to `user`."""
    pw = pwd.getpwnam(user)
    for p in [path, *(path.rglob("*") if path.is_dir() else [])]:
        os.chown(p, pw.pw_uid, pw.pw_gid, follow_symlinks=False)


def chosen_assignments(spec: str) -> list[str]:
    """`--assignments`: 'all', or names separated by commas ('ps03,ps04'), as full names."""
    if spec.strip() == "all":
        return assignments()
    names = [n.strip() for n in spec.split(",") if n.strip()]
    if not names:
        raise HubError("--assignments: name at least one problem set (ps03,ps04) or say all")
    chosen = []
    for name in names:
        try:
            chosen.append(resolve(name))
        except SystemExit as err:
            raise HubError(f"--assignments: {err}") from None
    return chosen


def setup_instructor(user: str, assignments: list[str]) -> Path:
    """The instructor's course folder in their home: nbgrader_config.py, source/ and release/ of
    `assignments`, and their own Jupyter config pointing nbgrader at it."""
    home = Path(pwd.getpwnam(user).pw_dir)
    course = home / COURSE_DIR
    course.mkdir(exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    for name in assignments:
        name = resolve(name)
        for part in ("source", "release"):
            dest = course / part / name
            if not dest.exists():
                shutil.copytree(REPO / part / name, dest)
    jupyter = home / ".jupyter"
    jupyter.mkdir(exist_ok=True)
    (jupyter / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "# the formgrader and nbgrader's commands use the course folder, wherever they start\n"
        f"load_subconfig('nbgrader_config.py', path={str(course)!r})\n")
    give(course, user)
    give(jupyter, user)
    return course


# -- the hub ---------------------------------------------------------------------------------------
def hub_env(settings_file: Path) -> dict:
    """The hub's environment (it runs with the course environment's own Python, as root)."""
    env = dict(os.environ, RNNLAB_HUB_SETTINGS=str(settings_file), OMP_NUM_THREADS="1")
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    return env


def start(settings: Settings, log) -> subprocess.Popen:
    """JupyterHub in the background (its own process group); returns once its API answers."""
    import urllib.request
    state = Path(settings.state)
    proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)], cwd=state,
                            env=hub_env(state / "settings.json"), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{settings.url}/hub/api/", timeout=2)
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                raise HubError("JupyterHub did not start; see its log")
            time.sleep(0.5)


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM to the hub (it stops the servers it spawned and its proxy), then SIGKILL."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m instructor.deploying.hub", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--state", default=DEFAULT_STATE)
    parser.add_argument("--prefix", default="", metavar="PREFIX",
                        help="put PREFIX before the users' names (PREFIXinstructor, PREFIXstudent1, ...)")
    parser.add_argument("--assignments", default="ps03", metavar="LIST",
                        help="problem sets copied into the instructor's course folder: ps03,ps04 or all "
                             "(default ps03; run again with more to add them, nothing copied is replaced)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("make hub runs JupyterHub as root (it starts each user's server as that user, and "
              "creates the local users): run it with sudo on a machine you may add users to.",
              file=sys.stderr)
        return 2
    try:
        chosen = chosen_assignments(args.assignments)      # before anything is made
        if args.prefix and not re.fullmatch(r"[a-z_][a-z0-9_-]{0,20}", args.prefix):
            raise HubError(f"--prefix {args.prefix!r}: a user name's start is lower-case letters, "
                           "digits, '_' and '-' (at most 21), not starting with a digit or '-'")
        settings = prepare_state(Path(args.state), port=args.port, instructor=f"{args.prefix}instructor",
                                 students=[f"{args.prefix}student{i}" for i in (1, 2, 3)])
        for user in [settings.instructor, *settings.students]:
            create_user(user)
        course = setup_instructor(settings.instructor, chosen)
    except HubError as err:
        print(err, file=sys.stderr)
        return 2
    if settings.repository_mode_before is not None:
        print(f"made the course's repository {settings.repository} private (chmod 700; it was "
              f"{settings.repository_mode_before:04o}): its source/, gradebook and reports are yours alone")
    print(f"students' servers run the student distribution of commit {settings.student_commit[:12]} "
          f"(installed in {Path(settings.python).parent.parent}; uncommitted changes are not in it)")
    print(f"JupyterHub on {settings.url} (loopback only). Log in as {settings.instructor} (course "
          f"folder {course}) or {', '.join(settings.students)}, password {settings.password}\n"
          f"exchange: {settings.exchange}; remove the users afterwards with userdel --remove NAME",
          flush=True)                # (exec below drops what Python has not written yet: a pipe, a log)
    state = Path(settings.state)
    os.execve(sys.executable, [sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)],
              hub_env(state / "settings.json"))


if __name__ == "__main__":
    sys.exit(main())
