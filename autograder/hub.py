"""A JupyterHub for a class on one machine (`make hub`; tests/test_hub.py starts the same one).

    python -m autograder.hub [--port 8000] [--state .hub/state] [--prefix PREFIX]

As root it creates the local users it needs (an instructor and three students, unless they
exist), gives the instructor a course folder with ps03 in their home, and runs JupyterHub with
deploy/jupyterhub_config.py in the foreground: proxy, hub and servers on 127.0.0.1 only.

The single-user servers must run the course's Python packages as each user. A virtual
environment made from a Python that lives in a private folder (pyenv under /root, for one)
cannot be run by anyone else: then `shared_python` links or copies that Python's runtime (the
same build: not the system's Python, whose older patch release breaks some packages) once into
.hub/, makes a small environment from it that loads the course environment's packages
(site.addsitedir), and gives it the course environment's commands (nbgrader, alembic, ...).
A clone in a private folder (`mktemp -d`, root's home) hides the environment itself and the
course's packages: then the servers load a view of them made in the hub's state folder
(`environment_view`: hard links, or copies), which holds the packages and not the repository.
The state folder must be one every user may enter (the exchange is in it); `make hub` from such
a clone says so and asks for `--state`.
"""
from __future__ import annotations

import argparse
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
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .course import REPO, resolve

PROXY = REPO / "deploy" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
# ngshare, an exchange that knows each user by their hub token (`make ngshare-deps`: its own
# environment, deploy/ngshare/requirements.txt, since ngshare 0.6.0 needs SQLAlchemy 1.4)
NGSHARE_PYTHON = REPO / ".hub" / "ngshare-venv" / "bin" / "python"
HUB_CONFIG = REPO / "deploy" / "jupyterhub_config.py"
COURSE_DIR = "rnn-deep-dive"          # the instructor's course folder, in their home
# a folder for the view of the course environment (environment_view) that several hubs share:
# the hub tests make one per session (tests/conftest.py); without it each hub makes its own in
# its state folder, anew at each start
SHARED_VIEW_ENV = "RNNLAB_HUB_ENV_VIEW"


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
    """The folders of the course's own packages (rnnlab, autograder: the `include` of pyproject.toml's
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


def environment_view(dest: Path, site: Path | None = None, packages: list[Path] | None = None,
                     prefix: Path | None = None) -> Path:
    """A prefix every user may read, for when the course environment lies in a folder others
    cannot enter (a clone in `mktemp -d` or in root's home): the environment's packages
    (lib/pythonX.Y/site-packages, without the editable install's hooks, which point into the
    repository), the course's own packages beside them (a view of rnnlab/ and autograder/, the
    folders that editable install imports; nothing else of the repository, so not source/), and
    its Jupyter config and data (etc/jupyter, share/jupyter). Made anew each time (readable_view:
    hard links, or copies); returns `dest`."""
    site = site or course_site_packages()
    packages = course_packages() if packages is None else packages
    prefix = prefix or Path(sys.prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    view_site = partial / "lib" / version / "site-packages"
    view_site.parent.mkdir(parents=True)
    for p in (partial, partial / "lib", view_site.parent):
        p.chmod(0o755)
    linking = [True]
    readable_view(site, view_site, skip=lambda rel: rel.startswith("__editable__"), linking=linking)
    for package in packages:
        if not Path(os.path.realpath(package)).is_relative_to(os.path.realpath(site)):
            readable_view(package, view_site / package.name, linking=linking)
    for part in ("etc", "share"):
        if (prefix / part / "jupyter").is_dir():
            (partial / part).mkdir(mode=0o755)
            (partial / part).chmod(0o755)
            readable_view(prefix / part / "jupyter", partial / part / "jupyter", linking=linking)
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


@dataclass
class SharedPython:
    """A Python every user can run that imports the course environment's packages."""
    python: Path
    env: dict                  # what it needs (LD_LIBRARY_PATH when its runtime had to be copied)
    prefix: Path               # where its Jupyter config and data are (etc/jupyter, share/jupyter)


def shared_python(state: Path, cache: Path = REPO / ".hub") -> SharedPython:
    """The course environment's Python if every user may run it and read its packages; else one
    made in `state` (environment_view, _runtime_copy) that they can."""
    own = Path(sys.prefix) / "bin" / "python"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = course_site_packages()
    # the interpreter (usable_by_all follows the environment's link to it) and its standard library
    runs = usable_by_all(own) and usable_by_all(Path(sys.base_prefix) / "lib" / version / "os.py")
    # the environment's own folders and the course's packages (the editable install's targets)
    reads = all(usable_by_all(p) for p in [own.parent, site, *course_packages()])
    if runs and reads:
        return SharedPython(own, {}, Path(sys.prefix))
    if reads:
        prefix, packages = Path(sys.prefix), site
    else:
        # a clone in a private folder: the servers get a view of the environment in the hub's
        # state folder (removed with it), with the course's packages but not the repository
        shared_view = os.environ.get(SHARED_VIEW_ENV)
        if shared_view and Path(shared_view, "lib").is_dir():
            prefix = Path(shared_view)          # made by an earlier hub of the same test session
        else:
            prefix = environment_view(Path(shared_view) if shared_view else state / "course-env")
        packages = prefix / "lib" / version / "site-packages"
    if runs:
        runtime, env_vars = Path(os.path.realpath(own)), {}
    else:
        # the interpreter lives where other users may not go (pyenv under /root, say): the
        # servers run the same build, copied once where they can (into the state folder if the
        # repository's .hub/ is private too)
        cache.mkdir(parents=True, exist_ok=True)
        cache.chmod(0o755)
        if not usable_by_all(cache):
            cache = state
        runtime = _runtime_copy(cache / f"python-{sys.version.split()[0]}")
        env_vars = {"LD_LIBRARY_PATH": str(runtime.parent.parent / "lib")}
    env = state / "python"
    python = env / "bin" / "python"
    if not python.exists():
        subprocess.run([str(runtime), "-m", "venv", "--without-pip", str(env)], check=True,
                       env=dict(os.environ, **env_vars))
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True, env=dict(os.environ, **env_vars)).stdout.strip()
    (Path(purelib) / "rnnlab-course-env.pth").write_text(f"import site; site.addsitedir({str(packages)!r})\n")
    # the course environment's commands (nbgrader, alembic, jupyter...), started by this Python
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
    return SharedPython(python, env_vars, prefix)


@dataclass
class Settings:
    """What deploy/jupyterhub_config.py reads (as JSON, from RNNLAB_HUB_SETTINGS)."""
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
            "`sudo make hub HUB_ARGS=\"--state /srv/rnnlab-hub\"` (the course environment is then "
            "linked or copied into it for the servers), or clone the course where everyone may enter.")


def prepare_state(state: Path, ngshare: bool = False, **kwargs) -> Settings:
    """The hub's folder: settings, nbgrader's system config and an exchange every user can use:
    a shared folder (nbgrader's own), or with `ngshare` the ngshare service run by the hub."""
    if not Path(kwargs.get("proxy", PROXY)).exists():
        raise HubError(f"JupyterHub's proxy is not installed ({PROXY}): run `make hub-deps` "
                       "(npm install of configurable-http-proxy)")
    _refuse_closed_state(state, state.parent)     # before anything is made
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)
    _refuse_closed_state(state, state)            # (folders made above it under a strict umask)
    exchange = state / "exchange"
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o777)             # as nbgrader's docs say: every user may create in it
    config = state / "etc-jupyter"
    config.mkdir(exist_ok=True)
    config.chmod(0o755)
    if ngshare:
        kwargs["ngshare"] = ngshare_service(state, kwargs.get("instructor", "instructor"))
        url = f"http://127.0.0.1:{kwargs.get('port', 8000)}/services/ngshare"
        (config / "nbgrader_config.py").write_text(nbgrader_ngshare_config(url))
    else:
        (config / "nbgrader_config.py").write_text(nbgrader_system_config(exchange))
    (config / "jupyter_server_config.py").write_text(
        "c = get_config()\n"
        "# a terminal keeps the server's PATH (the course's commands first); a login shell would\n"
        "# reset it from /etc/profile\n"
        "c.ServerApp.terminado_settings = {'shell_command': ['/bin/bash']}\n")
    # the course environment's own Jupyter config and data (nbgrader's extensions are enabled
    # there), which a Python of another prefix would not find by itself
    shared = shared_python(state)
    settings = Settings(state=str(state), python=str(shared.python), python_env=shared.env,
                        config_path=os.pathsep.join([str(config), f"{shared.prefix}/etc/jupyter"]),
                        data_path=f"{shared.prefix}/share/jupyter", exchange=str(exchange), **kwargs)
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
        f"c.Exchange.root = {str(exchange)!r}\n"
        "# collect refuses submissions whose folder is not owned by the student it names\n"
        "c.ExchangeFactory.collect = 'autograder.exchange.OwnerCheckedCollect'\n")


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
    parser = argparse.ArgumentParser(prog="python -m autograder.hub", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--state", default=str(REPO / ".hub" / "state"))
    parser.add_argument("--prefix", default="", metavar="PREFIX",
                        help="put PREFIX before the users' names (PREFIXinstructor, PREFIXstudent1, ...)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("make hub runs JupyterHub as root (it starts each user's server as that user, and "
              "creates the local users): run it with sudo on a machine you may add users to.",
              file=sys.stderr)
        return 2
    try:
        if args.prefix and not re.fullmatch(r"[a-z_][a-z0-9_-]{0,20}", args.prefix):
            raise HubError(f"--prefix {args.prefix!r}: a user name's start is lower-case letters, "
                           "digits, '_' and '-' (at most 21), not starting with a digit or '-'")
        settings = prepare_state(Path(args.state), port=args.port, instructor=f"{args.prefix}instructor",
                                 students=[f"{args.prefix}student{i}" for i in (1, 2, 3)])
        for user in [settings.instructor, *settings.students]:
            create_user(user)
        course = setup_instructor(settings.instructor, ["ps03"])
    except HubError as err:
        print(err, file=sys.stderr)
        return 2
    print(f"JupyterHub on {settings.url} (loopback only). Log in as {settings.instructor} (course "
          f"folder {course}) or {', '.join(settings.students)}, password {settings.password}\n"
          f"exchange: {settings.exchange}; remove the users afterwards with userdel --remove NAME",
          flush=True)                # (exec below drops what Python has not written yet: a pipe, a log)
    state = Path(settings.state)
    os.execve(sys.executable, [sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)],
              hub_env(state / "settings.json"))


if __name__ == "__main__":
    sys.exit(main())
