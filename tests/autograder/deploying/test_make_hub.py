"""`make hub`, as an instructor uses it (docs/hub.md, "Try it on one machine").

The test runs the make target itself (`make hub HUB_ARGS=...`: its own port and state folder,
and a random prefix on the user names, so that it touches neither a real `instructor` nor the
whole-term test's users in tests/autograder/deploying/test_hub.py), then, as a person at the keyboard would:

- reads the password `make hub` prints, opens the login page on 127.0.0.1, fails to log in
  with a wrong password and logs in as the instructor with the printed one;
- reaches the instructor's own server (started by the login, running as the instructor) and
  finds the course folder with ps03 in it (source/ and release/) through that server;
- presses Ctrl-C (SIGINT to the foreground process group: make and the hub);
- checks that make ends, that nothing is left running (no process of the users, none holding
  the hub's ports, none started with this hub's settings), and that the users are handled as
  docs/hub.md says: made if missing, kept if they existed (with their files), left in place
  after the hub stops (the instructor removes them), homes private.

The users are removed at the end, also when a step fails. Without root the test is skipped
(never under CI=true), like tests/autograder/deploying/test_hub.py.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograder.course.folder import REPO
from autograder.deploying import hub as H
from hub_support import _need

pytestmark = pytest.mark.hub
ASSIGNMENT = "ps03_lstm_gates"
ARTIFACTS = REPO / "test-artifacts" / "hub"
MARKER = "kept-by-make-hub.txt"


def _wait(what: str, until, proc: subprocess.Popen, log: Path, timeout: float):
    """Poll `until()` until it returns something true; fail if `proc` ends or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            got = until()
        except OSError:
            got = None
        if got:
            return got
        if proc.poll() is not None:
            pytest.fail(f"make hub ended (exit {proc.returncode}) before {what}:\n{log.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout} s:\n{log.read_text()[-4000:]}")
        time.sleep(0.5)


def _left_running(uids: set[int], ports: set[int], settings_file: str, kill: bool = False) -> list[str]:
    """Every process of these users, holding one of these ports, or started with this settings
    file (the hub and its proxy, which runs in a session of its own); with `kill`, killed."""
    import psutil

    left = []
    for proc in psutil.process_iter(["pid", "uids", "cmdline"]):
        try:
            why = []
            if proc.info["uids"] and proc.info["uids"].real in uids:
                why.append("runs as a hub user")
            if proc.environ().get("RNNLAB_HUB_SETTINGS") == settings_file:
                why.append("has this hub's settings")
            if any(
                c.laddr and c.laddr.port in ports and c.status == psutil.CONN_LISTEN
                for c in proc.net_connections("inet")
            ):
                why.append("listens on a hub port")
        except psutil.Error:
            continue
        if why:
            left.append(f"{proc.info['pid']} {' '.join(proc.info['cmdline'] or [])[:200]}: {', '.join(why)}")
            if kill:
                try:
                    proc.kill()
                except psutil.Error:
                    pass
    return left


@pytest.fixture(scope="module")
def made_hub(hub_env_view):
    import requests

    _need(os.geteuid() == 0, "make hub creates local users, which needs root")
    _need(H.PROXY.exists(), f"JupyterHub's proxy is not installed ({H.PROXY}); run make hub-deps")
    _need(shutil.which("make") is not None, "make is not installed")
    prefix = f"rm{secrets.token_hex(2)}-"
    instructor = f"{prefix}instructor"
    students = [f"{prefix}student{i}" for i in (1, 2, 3)]
    users = [instructor, *students]
    assert not any(H.user_exists(u) for u in users), f"users {prefix}* exist already"
    state = Path(tempfile.mkdtemp(prefix="rnnlab-make-hub-", dir="/tmp"))
    port = H.free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "make-hub.log"
    url = f"http://127.0.0.1:{port}"
    record: dict = {"users": users, "seconds": {}}
    t0 = time.monotonic()
    proc = None
    try:
        # one user exists already, with a file of theirs: make hub must keep both
        home = H.create_user(students[2], comment="rnnlab make hub test")
        (home / MARKER).write_text("mine\n")
        record["existed before"] = {"uid": pwd.getpwnam(students[2]).pw_uid}
        with open(log_path, "w") as log:
            # the make target itself; its virtual environment is the one running this test; the
            # environment of a terminal (Python buffers what it prints to a file or a pipe)
            env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
            proc = subprocess.Popen(
                [
                    "make",
                    "--no-print-directory",
                    "-o",
                    ".venv/.installed",
                    f"PY={sys.executable}",
                    "hub",
                    f"HUB_ARGS=--port {port} --state {state} --prefix {prefix}",
                ],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        login_page = _wait(
            "login page", lambda: (r := requests.get(f"{url}/hub/login", timeout=5)).ok and r, proc, log_path, 120
        )
        # what `make hub` printed for the instructor before the hub started (not the hub's own
        # log, which says "password" too)
        printed = re.search(
            rf"^JupyterHub on {re.escape(url)} .*\bLog in as {instructor}\b.*, password (\S+)$",
            log_path.read_text(),
            re.MULTILINE,
        )
        assert printed, f"make hub printed no password for {instructor}:\n{log_path.read_text()[:3000]}"
        password = printed.group(1)
        record["printed"] = printed.group(0)
        record["login page"] = "Sign in" in login_page.text and 'name="password"' in login_page.text
        record["seconds"]["hub answers"] = round(time.monotonic() - t0, 1)

        def login(user: str, pw: str) -> requests.Session:
            web = requests.Session()
            web.get(f"{url}/hub/login", timeout=30)
            r = web.post(
                f"{url}/hub/login",
                timeout=60,
                allow_redirects=False,
                data={"username": user, "password": pw, "_xsrf": web.cookies.get("_xsrf", "")},
            )
            web.last_status = r.status_code
            return web

        record["wrong password refused"] = login(instructor, password + "x").last_status == 403
        web = login(instructor, password)
        record["printed password logs in"] = web.last_status == 302
        assert web.last_status == 302, f"the printed password {password!r} does not log {instructor} in"
        # the login starts the instructor's server (JupyterHub's spawn page); once it runs, the
        # browser lands on JupyterLab, and JupyterLab's requests carry its XSRF cookie
        server = f"{url}/user/{instructor}"
        web.get(f"{url}/hub/spawn", timeout=60)

        def jupyterlab():
            page = web.get(f"{server}/lab", timeout=60)
            return page.ok and page.url.startswith(f"{server}/lab") and "jupyter-config-data" in page.text

        _wait("instructor's JupyterLab", jupyterlab, proc, log_path, 180)
        web.headers["X-XSRFToken"] = web.cookies.get("_xsrf", path=f"/user/{instructor}/")
        listing = f"{server}/api/contents/rnn-deep-dive"
        course = web.get(listing, timeout=30, params={"content": 1})
        assert course.ok, f"no course folder in the instructor's home: {course.status_code} {course.text[:300]}"
        course = course.json()
        record["seconds"]["instructor's server answers"] = round(time.monotonic() - t0, 1)
        record["course folder"] = sorted(c["name"] for c in course["content"])
        record["ps03 files"] = {
            part: sorted(
                c["name"]
                for c in web.get(f"{listing}/{part}/{ASSIGNMENT}", timeout=30, params={"content": 1}).json()["content"]
            )
            for part in ("source", "release")
        }
        import psutil

        uid = pwd.getpwnam(instructor).pw_uid
        record["instructor's server runs as the instructor"] = any(
            p.info["uids"].real == uid and "jupyterhub.singleuser" in " ".join(p.info["cmdline"] or [])
            for p in psutil.process_iter(["uids", "cmdline"])
            if p.info["uids"]
        )

        settings_file = str(state / "settings.json")
        settings = json.loads(Path(settings_file).read_text())
        ports = {settings["port"], settings["hub_port"], settings["proxy_api_port"]}
        uids = {pwd.getpwnam(u).pw_uid for u in users}
        record["running before Ctrl-C"] = len(_left_running(uids, ports, settings_file))

        # Ctrl-C in the terminal: SIGINT to make and the hub (the foreground process group)
        stopped = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
            record["make ended after Ctrl-C"] = True
        except subprocess.TimeoutExpired:
            record["make ended after Ctrl-C"] = False
        record["seconds"]["stop"] = round(time.monotonic() - stopped, 1)
        time.sleep(1)  # what the hub stopped has gone, not what it forgot
        record["left running"] = _left_running(uids, ports, settings_file)
        record["users after stop"] = {u: H.user_exists(u) for u in users}
        record["homes"] = {
            u: stat.S_IMODE(Path(pwd.getpwnam(u).pw_dir).stat().st_mode) for u in users if H.user_exists(u)
        }
        record["kept the existing user"] = (
            pwd.getpwnam(students[2]).pw_uid == record["existed before"]["uid"]
            and (home / MARKER).read_text() == "mine\n"
        )
        record["course owned by the instructor"] = all(
            p.stat().st_uid == uid
            for p in [
                Path(pwd.getpwnam(instructor).pw_dir) / "rnn-deep-dive",
                *(Path(pwd.getpwnam(instructor).pw_dir) / "rnn-deep-dive").rglob("*"),
            ]
        )
        record["seconds"]["whole test"] = round(time.monotonic() - t0, 1)
        yield record
    finally:
        if proc is not None and proc.poll() is None:  # a step failed: stop the hub as Ctrl-C would
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if (state / "settings.json").exists():  # and whatever it could not stop
            settings = json.loads((state / "settings.json").read_text())
            _left_running(
                {pwd.getpwnam(u).pw_uid for u in users if H.user_exists(u)},
                {settings["port"], settings["hub_port"], settings["proxy_api_port"]},
                str(state / "settings.json"),
                kill=True,
            )
        for user in users:
            H.remove_user(user)
        shutil.rmtree(state, ignore_errors=True)
        (ARTIFACTS / "make-hub.json").write_text(json.dumps(record, indent=1, default=str))


def test_make_hub_prints_a_password_that_logs_the_instructor_in(made_hub):
    assert made_hub["login page"], made_hub
    assert made_hub["wrong password refused"], made_hub
    assert made_hub["printed password logs in"], made_hub
    assert "127.0.0.1" in made_hub["printed"], made_hub["printed"]


def test_the_instructor_reaches_their_server_with_the_course_ps03(made_hub):
    assert {"nbgrader_config.py", "source", "release"} <= set(made_hub["course folder"]), made_hub
    for part in ("source", "release"):
        assert f"{ASSIGNMENT}.ipynb" in made_hub["ps03 files"][part], made_hub["ps03 files"]
    assert made_hub["instructor's server runs as the instructor"]
    assert made_hub["course owned by the instructor"]


def test_ctrl_c_stops_everything_and_leaves_the_users_as_documented(made_hub):
    assert made_hub["running before Ctrl-C"] >= 3, made_hub  # make's hub, its proxy, a server
    assert made_hub["make ended after Ctrl-C"], made_hub
    assert made_hub["left running"] == [], made_hub["left running"]
    # docs/hub.md: the users are made if missing, kept if they exist, and stay until userdel
    assert all(made_hub["users after stop"].values()), made_hub["users after stop"]
    assert made_hub["kept the existing user"]
    assert set(made_hub["homes"].values()) == {0o700}, made_hub["homes"]
