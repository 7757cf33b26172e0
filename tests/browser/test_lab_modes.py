"""make lab gives students nbgrader's assignment tools without the instructor's; make
lab-instructor gives everything. Checked on a real JupyterLab server for each."""

import contextlib
import os
import shlex
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import stop_server

REPO = Path(__file__).resolve().parent.parent
INSTRUCTOR_ONLY = [
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
]
# a student's own JupyterLab has no exchange: the assignment list would say "Error fetching courses!"
EXCHANGE_ONLY = ["@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu"]


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


@pytest.fixture(scope="module", params=["lab", "lab-instructor"])
def server(request, tmp_path_factory):
    env_extra, args = lab_command(request.param)
    with running_lab(env_extra, args, tmp_path_factory.mktemp(request.param)) as (base, page):
        yield request.param, base, page


def test_students_lack_the_instructor_tools_and_instructors_have_them(server):
    target, base, page = server
    formgrader = status(f"{base}/formgrader?token=t")
    assignments = status(f"{base}/assignments?token=t")
    if target == "lab":
        assert formgrader == 404 and assignments == 404
        for plugin in INSTRUCTOR_ONLY + EXCHANGE_ONLY:
            assert f'"{plugin}"' in disabled_extensions(page)
    else:
        assert formgrader in (200, 302) and assignments not in (0, 404)
        assert '"disabledExtensions": []' in page
    # Validate stays for everyone: its button and the version check it asks first
    assert "@jupyter/nbgrader:validate-assignment" not in disabled_extensions(page)
    assert status(f"{base}/nbgrader_version?version=0&token=t") == 200


@pytest.mark.parametrize("target", ["lab", "lab-instructor"])
def test_lab_trusts_the_course_notebooks_before_it_starts(target, tmp_path):
    """JupyterLab draws saved widgets only in trusted notebooks: without this step a fresh clone
    shows every widget as VBox(children=...) text until it is run."""
    import nbformat
    from nbformat.sign import NotebookNotary

    lines = (
        subprocess.run(["make", "-n", "-s", target], cwd=REPO, capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()
    )
    trust = [line for line in lines[:-1] if "rnnlab.tools trust" in line]
    assert trust, f"make {target} starts JupyterLab without trusting the lectures"
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path))  # a private notary, not this user's
    lectures = sorted((REPO / "notebooks").glob("*.ipynb"))
    notary = NotebookNotary(data_dir=str(tmp_path))
    assert not any(notary.check_signature(nbformat.read(p, 4)) for p in lectures)
    subprocess.run(trust[0], shell=True, cwd=REPO, env=env, check=True, capture_output=True)
    notary = NotebookNotary(data_dir=str(tmp_path))
    assert all(notary.check_signature(nbformat.read(p, 4)) for p in lectures)
