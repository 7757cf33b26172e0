"""A JupyterHub for a class on one machine (`make hub`; tests/test_hub.py starts the same one).

    python -m autograder.hub [--port 8000] [--state .hub/state] [--prefix PREFIX]

As root it creates the local users it needs (an instructor and three students, unless they
exist), gives the instructor a course folder with ps03 in their home, and runs JupyterHub with
deploy/jupyterhub_config.py in the foreground: proxy, hub and servers on 127.0.0.1 only.

The single-user servers must run the course's Python packages as each user. A virtual
environment made from a Python that lives in a private folder (pyenv under /root, for one)
cannot be run by anyone else: then `shared_python` copies that Python's runtime (the same
build: not the system's Python, whose older patch release breaks some packages) once into
.hub/, makes a small environment from it that loads the course environment's packages
(site.addsitedir), and gives it the course environment's commands (nbgrader, alembic, ...).
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


class HubError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def usable_by_all(path: Path) -> bool:
    """Whether any user may run (or read) `path`: it and every folder above it allow others in."""
    path = Path(os.path.realpath(path))
    for p in [path, *path.parents]:
        mode = p.stat().st_mode
        if not mode & stat.S_IXOTH:
            return False
        if p == path and not p.is_dir() and not mode & stat.S_IROTH:
            return False
    return True


def course_site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def _runtime_copy(dest: Path) -> Path:
    """A copy of this Python's own runtime (interpreter, shared library, standard library without
    its tests and site-packages) in a folder every user can read; returns its interpreter."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    python = dest / "bin" / version
    if python.exists():
        return python
    base = Path(sys.base_prefix)
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "bin").mkdir(parents=True)
    shutil.copy2(os.path.realpath(sys.executable), partial / "bin" / version)
    (partial / "lib").mkdir()
    for lib in (base / "lib").glob("libpython*.so*"):
        shutil.copy2(lib, partial / "lib" / lib.name, follow_symlinks=False)
    shutil.copytree(base / "lib" / version, partial / "lib" / version, symlinks=True,
                    ignore=shutil.ignore_patterns("test", "site-packages", "__pycache__", "idlelib", "tkinter"))
    (partial / "lib" / version / "site-packages").mkdir()
    for p in [partial, *partial.rglob("*")]:
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | stat.S_IROTH | stat.S_IRGRP
                    | (stat.S_IXOTH | stat.S_IXGRP if p.is_dir() or p.stat().st_mode & stat.S_IXUSR else 0))
    partial.rename(dest)
    return python


def shared_python(state: Path, cache: Path = REPO / ".hub") -> tuple[Path, dict]:
    """A Python every user can run that imports the course environment's packages, and the
    environment variables it needs (LD_LIBRARY_PATH when its runtime had to be copied)."""
    own = Path(sys.prefix) / "bin" / "python"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if usable_by_all(own) and usable_by_all(Path(sys.base_prefix) / "lib" / version / "os.py"):
        return own, {}
    site = course_site_packages()
    if not usable_by_all(site):
        raise HubError(f"{site} (the course environment's packages) is not readable by other users: "
                       "make the virtual environment in a folder everyone may enter")
    # the interpreter lives where other users may not go (pyenv under /root, say): the servers
    # run the same build, copied once where they can; the packages stay where they are
    cache.mkdir(parents=True, exist_ok=True)
    cache.chmod(0o755)
    runtime = _runtime_copy(cache / f"python-{sys.version.split()[0]}")
    env_vars = {"LD_LIBRARY_PATH": str(runtime.parent.parent / "lib")}
    env = state / "python"
    python = env / "bin" / "python"
    if not python.exists():
        subprocess.run([str(runtime), "-m", "venv", "--without-pip", str(env)], check=True,
                       env=dict(os.environ, **env_vars))
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True, env=dict(os.environ, **env_vars)).stdout.strip()
    (Path(purelib) / "rnnlab-course-env.pth").write_text(f"import site; site.addsitedir({str(site)!r})\n")
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
    return python, env_vars


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


def prepare_state(state: Path, ngshare: bool = False, **kwargs) -> Settings:
    """The hub's folder: settings, nbgrader's system config and an exchange every user can use:
    a shared folder (nbgrader's own), or with `ngshare` the ngshare service run by the hub."""
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)
    if not Path(kwargs.get("proxy", PROXY)).exists():
        raise HubError(f"JupyterHub's proxy is not installed ({PROXY}): run `make hub-deps` "
                       "(npm install of configurable-http-proxy)")
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
    python, python_env = shared_python(state)
    settings = Settings(state=str(state), python=str(python), python_env=python_env,
                        config_path=os.pathsep.join([str(config), f"{sys.prefix}/etc/jupyter"]),
                        data_path=f"{sys.prefix}/share/jupyter", exchange=str(exchange), **kwargs)
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
