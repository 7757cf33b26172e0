"""JupyterLab started as a student's or an instructor's, and what it serves."""

import contextlib
import os
import shlex
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from support import stop_server

REPO = Path(__file__).resolve().parent.parent


INSTRUCTOR_ONLY = [
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
]


def lab_command(target: str, repo: Path = REPO, make_args: tuple = ()) -> tuple[dict, list[str]]:
    """The environment and arguments `make <target>` would start JupyterLab with."""
    line = (
        subprocess.run(["make", "-n", "-s", *make_args, target], cwd=repo, capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    words = shlex.split(line)
    env = dict(w.split("=", 1) for w in words if "=" in w and not w.startswith("-") and words.index(w) == 0)
    return env, [w for w in words if w not in {f"{k}={v}" for k, v in env.items()}]


def status(url: str) -> int:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        return urllib.request.build_opener(NoRedirect).open(url, timeout=10).status
    except urllib.error.HTTPError as err:
        return err.code
    except (urllib.error.URLError, OSError):
        return 0  # not listening yet


@contextlib.contextmanager
def running_lab(env_extra: dict, args: list, tmp: Path, env: dict | None = None):
    """JupyterLab started as `make lab` would, on a free port with token t: (base URL, /lab page)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**(env or os.environ), **env_extra}
    args = [REPO / ".venv" / "bin" / "jupyter" if str(a).endswith("bin/jupyter") else a for a in args]
    proc = subprocess.Popen(
        [str(a) for a in args]
        + [
            f"--port={port}",
            "--no-browser",
            "--IdentityProvider.token=t",
            "--allow-root",
            f"--LabApp.workspaces_dir={tmp}",
            f"--LabApp.user_settings_dir={tmp}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if status(f"{base}/api/status?token=t") == 200:
                break
            time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start")
        page = urllib.request.urlopen(f"{base}/lab?token=t", timeout=30).read().decode()
        yield base, page
    finally:
        stop_server(proc)


def disabled_extensions(page: str) -> str:
    return page.split('"disabledExtensions"')[1].split("]")[0]
