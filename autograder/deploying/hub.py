"""A JupyterHub for a class on one machine (`make hub`; tests/autograder/deploying/test_hub.py starts the same one).

    python -m autograder.deploying.hub [--port 8000] [--state /srv/rnnlab-hub] [--prefix PREFIX]

As root it creates the local users it needs (an instructor and three students, unless they
exist), gives the instructor a course folder with ps03 in their home, and runs JupyterHub with
deploy/jupyterhub_config.py in the foreground: proxy, hub and servers on 127.0.0.1 only. The
course's repository is made private (`make_private`); the servers run environments made outside
it, in the state folder (autograder.deploying.serverenv; what each holds: docs/hub.md).
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
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..course.folder import REPO, assignments, resolve
from .serverenv import HubError, closed_folder, server_environments

PROXY = REPO / "deploy" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
NGSHARE_PYTHON = REPO / ".hub" / "ngshare-venv" / "bin" / "python"  # `make ngshare-deps` (SQLAlchemy 1.4)
HUB_CONFIG = REPO / "deploy" / "jupyterhub_config.py"
COURSE_DIR = "rnn-deep-dive"  # the instructor's course folder, in their home
DEFAULT_STATE = "/srv/rnnlab-hub"
# a folder every user may enter, for the environments several hubs may share (tests/conftest.py
# makes one per test session); without it each hub keeps them in its state folder
SHARED_VIEW_ENV = "RNNLAB_HUB_SHARED"


_GIVEN: set[int] = set()  # the ports free_port gave out in this process


def _system_range() -> tuple[int, int]:
    """The ports the system gives sockets bound to port 0 and outgoing connections."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
        return low, high
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def port_is_free(port: int) -> bool:
    """Nothing listens on 127.0.0.1:`port` (or on every address) and no connection holds it."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_port() -> int:
    """A free port for the hub, its proxy's API, ngshare or a test's hub, never the same twice in
    one process, chosen at random outside the system's own range (ip_local_port_range), from
    which the kernels and servers beside a hub take theirs (if something takes it anyway before
    the hub binds it, `start` tries again with new ports)."""
    low, high = _system_range()
    if low - 10000 >= 2000:
        span = range(10000, low)
    elif 65535 - high >= 2000:
        span = range(high + 1, 65536)
    else:  # the system's range is nearly every port
        span = range(1024, 65536)
    pick = secrets.SystemRandom()
    for _ in range(200):
        port = pick.choice(span)
        if port not in _GIVEN and port_is_free(port):
            _GIVEN.add(port)
            return port
    raise HubError(f"no free port found in {span.start}-{span.stop - 1} after 200 tries")


@dataclass
class Settings:
    """What deploy/jupyterhub_config.py reads (as JSON, from RNNLAB_HUB_SETTINGS). `python`,
    `python_env`, `config_path` and `data_path` start the students' servers, `instructor_server`
    (a ServerEnv) the instructor's."""

    state: str
    python: str
    config_path: str  # JUPYTER_CONFIG_PATH of the servers
    data_path: str  # JUPYTER_PATH (JupyterLab's extensions, kernels)
    exchange: str
    python_env: dict = field(default_factory=dict)  # what `python` needs (LD_LIBRARY_PATH)
    instructor: str = "instructor"
    students: list[str] = field(default_factory=lambda: ["student1", "student2", "student3"])
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    api_token: str = field(default_factory=lambda: secrets.token_hex(32))
    port: int = 8000  # prepare_state(port=0): one chosen (free_port), and
    port_chosen: bool = False  # then chosen again if it is taken when the hub starts
    hub_port: int = field(default_factory=free_port)
    proxy_api_port: int = field(default_factory=free_port)
    proxy: str = str(PROXY)
    ngshare: dict = field(default_factory=dict)  # the ngshare service, if the exchange is ngshare
    instructor_server: dict = field(default_factory=dict)  # a ServerEnv, for the instructor
    instructor_folder: str = ""  # what only the instructor's server may read
    student_commit: str = ""  # the course commit whose student distribution students run
    repository: str = str(REPO)
    repository_mode_before: int | None = None  # its mode, if the hub had to make it private

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
            '`sudo make hub HUB_ARGS="--state /srv/rnnlab-hub"`.'
        )


def make_private(repo: Path = REPO) -> int | None:
    """chmod 0700 the repository unless a folder on the way to it is closed already (a `mktemp -d`
    clone, root's home); returns its mode before, or None if nothing was changed."""
    if closed_folder(repo) is not None:
        return None
    before = stat.S_IMODE(repo.stat().st_mode)
    repo.chmod(0o700)
    return before


def prepare_state(state: Path, ngshare: bool = False, shared: Path | None = None, **kwargs) -> Settings:
    """The hub's folder: settings, nbgrader's system config, an exchange every user can use (a
    shared folder, or with `ngshare` the ngshare service run by the hub), and the servers'
    environments (server_environments; `shared`: as RNNLAB_HUB_SHARED). Then the repository is
    made private (make_private)."""
    if not Path(kwargs.get("proxy", PROXY)).exists():
        raise HubError(
            f"JupyterHub's proxy is not installed ({PROXY}): run `make hub-deps` "
            "(npm install of configurable-http-proxy)"
        )
    _refuse_closed_state(state, state.parent)  # before anything is made
    if Path(os.path.realpath(state)).is_relative_to(os.path.realpath(REPO)):
        raise HubError(
            f"the hub's state folder {state} is inside the course's repository {REPO}, which the "
            "hub keeps private (the students' servers could not reach the exchange there). Give it "
            'a state folder outside, e.g. `sudo make hub HUB_ARGS="--state /srv/rnnlab-hub"`.'
        )
    _folder(state, 0o755)
    _refuse_closed_state(state, state)  # (folders made above it under a strict umask)
    exchange = _folder(state / "exchange", 0o777)  # as nbgrader's docs say: every user may create in it
    config = _folder(state / "etc-jupyter", 0o755)
    instructor_folder = _folder(state / "instructor", 0o700)  # root's until the hub opens it to the instructor
    instructor_config = _folder(instructor_folder / "etc-jupyter", 0o755) / "nbgrader_config.py"
    if kwargs.get("port") == 0:
        kwargs.update(port=free_port(), port_chosen=True)
    if ngshare:
        kwargs["ngshare"] = ngshare_service(state, kwargs.get("instructor", "instructor"))
        _write_ngshare_config(config, kwargs.get("port", 8000))
        instructor_config.unlink(missing_ok=True)
    else:
        (config / "nbgrader_config.py").write_text(nbgrader_system_config(exchange))
        instructor_config.write_text(nbgrader_instructor_config())
    (config / "jupyter_server_config.py").write_text(
        "c = get_config()\n"
        "# a terminal keeps the server's PATH (the course's commands first); a login shell would\n"
        "# reset it from /etc/profile\n"
        "c.ServerApp.terminado_settings = {'shell_command': ['/bin/bash']}\n"
    )
    if shared is None and os.environ.get(SHARED_VIEW_ENV):
        shared = Path(os.environ[SHARED_VIEW_ENV])
    students, instructor, commit = server_environments(state, config, instructor_folder, shared)
    settings = Settings(
        state=str(state),
        python=students.python,
        python_env=students.env,
        config_path=students.config_path,
        data_path=students.data_path,
        exchange=str(exchange),
        instructor_server=asdict(instructor),
        instructor_folder=str(instructor_folder),
        student_commit=commit,
        **kwargs,
    )
    settings.repository_mode_before = make_private(Path(settings.repository))
    _save(settings)
    return settings


def _folder(path: Path, mode: int) -> Path:
    path.mkdir(mode=mode, parents=True, exist_ok=True)
    path.chmod(mode)  # (whatever the umask)
    return path


def _save(settings: Settings) -> None:
    path = Path(settings.state) / "settings.json"
    path.touch(mode=0o600)
    path.write_text(json.dumps(asdict(settings), indent=1))


def _write_ngshare_config(config: Path, port: int) -> None:
    (config / "nbgrader_config.py").write_text(nbgrader_ngshare_config(f"http://127.0.0.1:{port}/services/ngshare"))


def _course_config() -> str:
    from .z2jh import course_id

    return f"c = get_config()\nc.CourseDirectory.course_id = {course_id()!r}\n"


def nbgrader_system_config(exchange: Path) -> str:
    """nbgrader's config for every server on the hub (students and the instructor)."""
    return f"{_course_config()}c.Exchange.root = {str(exchange)!r}\n"


def nbgrader_instructor_config() -> str:
    """nbgrader's config for the instructor's server only: the course's collector is in the
    instructor's package, which the students' servers do not have."""
    return (
        "c = get_config()\n"
        "# collect refuses submissions whose folder is not owned by the student it names\n"
        "c.ExchangeFactory.collect = 'autograder.deploying.exchange.OwnerCheckedCollect'\n"
    )


def ngshare_service(state: Path, admin: str, python: Path = NGSHARE_PYTHON) -> dict:
    """ngshare as a hub service (for deploy/jupyterhub_config.py): its Python, a port, and a
    folder for its database and files that only root may open."""
    if not python.exists():
        raise HubError(f"ngshare is not installed ({python}): run `make ngshare-deps`")
    folder = state / "ngshare"
    folder.mkdir(exist_ok=True)
    folder.chmod(0o700)
    return {"python": str(python), "port": free_port(), "folder": str(folder), "admin": admin}


def nbgrader_ngshare_config(url: str) -> str:
    """nbgrader's config for every server when the exchange is the ngshare service at `url`."""
    return (
        f"{_course_config()}"
        "# the exchange is the ngshare service: it knows each user by their hub token, not by\n"
        "# the owner of a file (on Kubernetes every server runs as the same uid)\n"
        "from ngshare_exchange import configureExchange\n"
        f"configureExchange(c, {url!r})\n"
    )


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
        subprocess.run(
            ["useradd", "--create-home", "--shell", "/bin/bash", "--comment", comment, name],
            check=True,
            capture_output=True,
        )
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)
    return home


def remove_user(name: str) -> None:
    """Stop every process still running as `name`, then delete the user and their home."""
    if not user_exists(name):
        return
    uid = pwd.getpwnam(name).pw_uid
    _kill_where(lambda info: info["uids"] and info["uids"].real == uid)
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
    try:
        return [resolve(name) for name in names]
    except SystemExit as err:
        raise HubError(f"--assignments: {err}") from None


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
        f"load_subconfig('nbgrader_config.py', path={str(course)!r})\n"
    )
    give(course, user)
    give(jupyter, user)
    return course


HUB = [sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)]  # as root, with the course environment's Python


def hub_env(settings: Settings) -> dict:
    env = dict(os.environ, RNNLAB_HUB_SETTINGS=str(Path(settings.state) / "settings.json"), OMP_NUM_THREADS="1")
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    return env


# what JupyterHub (tornado), its proxy (node) and ngshare log when a port they bind is taken
PORT_TAKEN = ("Address already in use", "EADDRINUSE")


def start(settings: Settings, log, attempts: int = 3) -> subprocess.Popen:
    """JupyterHub in the background (its own process group), once its API answers; `log`: a file
    opened for writing. If a port it needs was taken since free_port chose it, what started is
    stopped and it starts again with new ports, up to `attempts` times."""
    taken = ""
    for attempt in range(attempts):
        if attempt:
            _choose_ports_again(settings)
        proc, taken = _start_once(settings, log)
        if proc is not None:
            return proc
        if not taken:
            raise HubError("JupyterHub did not start; see its log")
    raise HubError(
        f"JupyterHub did not start: a port it needs was in use at each of {attempts} "
        f"tries, with new ports each time (the last: {taken}); see its log"
    )


def _choose_ports_again(settings: Settings) -> None:
    settings.hub_port, settings.proxy_api_port = free_port(), free_port()
    if settings.ngshare:
        settings.ngshare["port"] = free_port()
    if settings.port_chosen:
        settings.port = free_port()
        if settings.ngshare:
            _write_ngshare_config(Path(settings.state) / "etc-jupyter", settings.port)
    _save(settings)


def _start_once(settings: Settings, log) -> tuple[subprocess.Popen | None, str]:
    """(the hub's process, "") once its API answers, else (None, the log's line that says a port
    was taken, or "") after stopping everything it started."""
    log.flush()
    log_path, offset = Path(log.name), log.tell()
    proc = subprocess.Popen(
        HUB, cwd=settings.state, env=hub_env(settings), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while not _answers_as_hub(settings.url):
        with open(log_path, errors="replace") as f:
            f.seek(offset)
            taken = next((line.strip() for line in f if any(t in line for t in PORT_TAKEN)), "")
        if taken or proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            _stop_left_behind(settings)
            return None, taken
        time.sleep(0.5)
    return proc, ""


def _answers_as_hub(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/hub/api/", timeout=2) as r:
            return "version" in json.loads(r.read())
    except (OSError, ValueError):
        return False


def _stop_left_behind(settings: Settings) -> None:
    """Stop what a hub that failed to start leaves running: its proxy and ngshare (found by their
    command lines)."""
    marks = [f"--api-port {settings.proxy_api_port} "]
    if settings.ngshare:
        marks.append(f"{settings.ngshare['folder']}/")
    _kill_where(lambda info: any(mark in " ".join(info["cmdline"] or []) + " " for mark in marks))


def _kill_where(test) -> None:
    """Kill every process for which `test(its uids and command line)` holds."""
    import psutil

    for proc in psutil.process_iter(["uids", "cmdline"]):
        if test(proc.info):
            with contextlib.suppress(psutil.Error):
                proc.kill()


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
    parser = argparse.ArgumentParser(prog="python -m autograder.deploying.hub", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--state", default=DEFAULT_STATE)
    parser.add_argument(
        "--prefix",
        default="",
        metavar="PREFIX",
        help="put PREFIX before the users' names (PREFIXinstructor, PREFIXstudent1, ...)",
    )
    parser.add_argument(
        "--assignments",
        default="ps03",
        metavar="LIST",
        help="problem sets copied into the instructor's course folder: ps03,ps04 or all "
        "(default ps03; run again with more to add them, nothing copied is replaced)",
    )
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print(
            "make hub runs JupyterHub as root (it starts each user's server as that user, and "
            "creates the local users): run it with sudo on a machine you may add users to.",
            file=sys.stderr,
        )
        return 2
    try:
        chosen = chosen_assignments(args.assignments)  # before anything is made
        if not port_is_free(args.port):
            raise HubError(
                f"port {args.port} on 127.0.0.1 is in use (another hub, a Jupyter server?): "
                "stop what uses it, or give the hub another, e.g. "
                '`sudo make hub HUB_ARGS="--port 8001"`'
            )
        if args.prefix and not re.fullmatch(r"[a-z_][a-z0-9_-]{0,20}", args.prefix):
            raise HubError(
                f"--prefix {args.prefix!r}: a user name's start is lower-case letters, "
                "digits, '_' and '-' (at most 21), not starting with a digit or '-'"
            )
        settings = prepare_state(
            Path(args.state),
            port=args.port,
            instructor=f"{args.prefix}instructor",
            students=[f"{args.prefix}student{i}" for i in (1, 2, 3)],
        )
        for user in [settings.instructor, *settings.students]:
            create_user(user)
        course = setup_instructor(settings.instructor, chosen)
        # JupyterHub binds its ports after the exec below; one may have been taken while the
        # users and the course folder were made (make hub has no second attempt, as start has)
        if not port_is_free(settings.port):
            raise HubError(
                f"port {settings.port} on 127.0.0.1 was taken while the hub was prepared: "
                "run make hub again, or with another --port"
            )
        if not (port_is_free(settings.hub_port) and port_is_free(settings.proxy_api_port)):
            _choose_ports_again(settings)
    except HubError as err:
        print(err, file=sys.stderr)
        return 2
    if settings.repository_mode_before is not None:
        print(
            f"made the course's repository {settings.repository} private (chmod 700; it was "
            f"{settings.repository_mode_before:04o}): its source/, gradebook and reports are yours alone"
        )
    print(
        f"students' servers run the student distribution of commit {settings.student_commit[:12]} "
        f"(installed in {Path(settings.python).parent.parent}; uncommitted changes are not in it)"
    )
    print(
        f"JupyterHub on {settings.url} (loopback only). Log in as {settings.instructor} (course "
        f"folder {course}) or {', '.join(settings.students)}, password {settings.password}\n"
        f"exchange: {settings.exchange}; remove the users afterwards with userdel --remove NAME",
        flush=True,
    )  # (exec below drops what Python has not written yet: a pipe, a log)
    os.execve(sys.executable, HUB, hub_env(settings))


if __name__ == "__main__":
    sys.exit(main())
