"""What test modules of several folders share: graded batches, the tests' Jupyter servers."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

from autograder.authoring import fixtures as F
from autograder.course.folder import REPO

if TYPE_CHECKING:
    from autograder.grading.run import Context


IN_CI = os.environ.get("CI", "").lower() == "true"


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


# `make test-grading` runs two pytest-xdist workers, each grading one batch at a time with one
# kernel: two kernels on two cores, and one batch's setup overlaps the other's grading
JOBS = 1 if os.environ.get("PYTEST_XDIST_WORKER") else 2


@dataclass
class Batch:
    course: Path
    submissions: Path
    run: Context | None  # None for a batch another pytest worker graded (grade_batch's `shared`)
    results: dict
    tests: list[str]
    submitted: dict  # path -> sha256 of every file of the submissions, before grading
    assignment: str = ""
    seconds: float = 0.0

    def submitted_now(self) -> dict:
        return file_hashes(self.submissions)

    def result(self, fx):
        return self.results[F.student_id(fx)]

    def outputs(self, fx) -> str:
        return F.graded_outputs(self.course, F.student_id(fx), self.assignment)


def file_hashes(folder: Path) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def notebooks(assignment: str):
    release = nbformat.read(REPO / "release" / assignment / f"{assignment}.ipynb", 4)
    source = nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", 4)
    return release, source


def auto_test_ids(source) -> list[str]:
    return [
        c.metadata["nbgrader"]["grade_id"]
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")
    ]


def auto_points(source) -> float:
    """The automatic points of a problem set: what its solution scores before hand grading."""
    return sum(
        float(c.metadata["nbgrader"]["points"])
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("grade")
        and c.cell_type == "code"
        and not c.metadata["nbgrader"].get("solution")
    )


# The class of about 40 ps03 submissions that test_grading.py checks answer by answer and
# test_cluster.py grades again on a Dask cluster: the solution, the untouched release,
# every wrong, alternative and copied answer of ps03 (two of independent exercises sharing a
# submission, as every other set's: fixtures.bundles), and the attacks of
# autograder/authoring/grader_attacks/ that end fast (the slow ones are in test_attacks.py's batch).
# Its answers were one per submission until they were 47: the class would have been 64.
PS03 = "ps03_lstm_gates"


FAST_ATTACKS = (
    "always_equal",
    "change_points",
    "delete_tests",
    "edit_tests",
    "hijack_traceback",
    "patch_helpers",
    "retype_tests",
    "schema_version",
    "encoded_exfiltration",
    "hostile_html",
    "os_exit",
    "malformed_json",
    "write_gradebook",
    "read_source",
    "missing_notebook",
)


PS03_ANSWERS = (
    F.fixtures_for(PS03, "mutants")
    + F.fixtures_for(PS03, "alternatives")
    + [fx for fx in F.fixtures_for(PS03, "copies") if not fx.library]  # lecture copies (guard 1 is graded apart)
    + F.fixtures_for(PS03, "attacks")
)


PS03_BUNDLES = F.bundles(PS03_ANSWERS, nbformat.read(REPO / "source" / PS03 / f"{PS03}.ipynb", 4), prefix="ps03-bundle")


_PACKED = {m.name for b in PS03_BUNDLES for m in b.members}


PS03_CLASS = (
    [F.SOLUTION, F.BLANK]
    + [b.fixture for b in PS03_BUNDLES]
    + [fx for fx in PS03_ANSWERS if fx.name not in _PACKED]
    + [fx for fx in F.attacks() if fx.name in FAST_ATTACKS]
)


def staged(assignment: str, submissions: Path, course: Path, release_nb, **options) -> tuple[Context, list[str]]:
    """A run's context taken up to staging, with no grading worker: its folder, every submission
    found (staging.find_submissions) and each found one staged (staging.stage, through
    grade_student, which turns a fault into that student's grader error); and the students staged."""
    from autograder.grading import staging
    from autograder.grading.run import Options, context, grade_student

    ctx = context(
        assignment, submissions, course=course, options=Options(**{"jobs": 1, **options}), log=lambda *a: None
    )
    ctx.work = ctx.course / "grading-runs" / "test"
    ctx.work.mkdir(parents=True, exist_ok=True)
    ctx.release_nb = release_nb
    staging.find_submissions(ctx)
    for student in sorted(ctx.found):
        if ctx.rows[student].status == "graded":
            grade_student(ctx, student, 0, None, steps=[staging.stage])
    return ctx, sorted(s for s in ctx.found if ctx.rows[s].status == "graded")


def ps03_class(grade_batch) -> Batch:
    """PS03_CLASS graded on one machine, once for the session: test_grading.py's batch of ps03 and
    the reference that test_cluster.py compares the cluster with. Two kernels, since a
    pytest worker that waits for it leaves its core to it."""
    return grade_batch(PS03, PS03_CLASS, "class", shared=True, jobs=2, keep_workdir=True)


def cache_of_its_own(folder: Path, stores=("realcode",)) -> Path:
    """An XDG cache folder for a test, with the user's entries of rnnlab's `stores` linked in (or
    copied across file systems): what the test cuts or counts never pushes the user's entries out
    (each store keeps its newest few), and nothing the user has already cut is cut again."""
    from rnnlab.realcode import cache_dir

    for store in stores:
        (folder / "rnnlab" / store).mkdir(parents=True, exist_ok=True)
        for entry in cache_dir(store).glob("*.txt"):
            try:
                try:
                    os.link(entry, folder / "rnnlab" / store / entry.name)
                except OSError:  # another file system: a copy
                    shutil.copy(entry, folder / "rnnlab" / store / entry.name)
            except FileNotFoundError:  # gone meanwhile (each store keeps its newest few)
                pass
    return folder


# ---------------------------------------------------------------- browser tests
def _need_browser():
    problems = []
    if not os.path.exists(CHROMIUM):
        problems.append("Debian's chromium is not installed (make test installs it as root)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the playwright package is missing")
    if problems:
        if IN_CI:
            pytest.fail("browser test cannot run in CI: " + "; ".join(problems))
        pytest.skip("; ".join(problems))


def processes_of(uids: set[int], settle: float = 10.0) -> list[str]:
    """The processes (uid, pid, command) that still run as any of `uids` after up to `settle`
    seconds. A sandbox's processes end when its pid namespace does, but not at the instant its
    bwrap returns: the kernel kills the namespace's processes after bwrap's own init has reported
    the exit status, and under load `ps` still lists some for a moment."""
    wanted, deadline = {str(u) for u in uids}, time.monotonic() + settle
    while True:
        ps = subprocess.run(["ps", "-eo", "uid=,pid=,args="], capture_output=True, text=True).stdout
        left = [line.strip() for line in ps.splitlines() if line.split() and line.split()[0] in wanted]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def _free_port() -> int:
    """A free port outside the range the system hands to kernels and clients (the hub's
    free_port says why)."""
    from autograder.deploying.hub import free_port

    return free_port()


_RUNTIME_DIRS: list[str] = []


def start_jupyter(args: list[str], log_path: Path, env: dict, seconds: float, cwd: Path | None = None):
    """A Jupyter server (`jupyter lab ...` or `jupyter server ...`) on a free port of 127.0.0.1 with
    a token of its own: (server, url, token). A port found free may be taken before the server binds
    it (by a kernel, or the other test worker's server): Jupyter would then serve on the next port
    while the tests talked to whatever holds this one, so the server may not move
    (port_retries=0), a server with another token does not count as ours, and a server that could
    not bind is started again on another port.

    Its kernels talk over Unix sockets, not TCP: jupyter_client picks a kernel's five ports free and
    releases them before the kernel binds them, and in a fresh clone's make test the other worker's
    kernel took one (this kernel died on "Address already in use" and the server read another
    kernel's messages). The sockets lie in the server's runtime folder, a short private one under
    /tmp, since a socket's path must fit in 107 bytes (`server.runtime_dir`; removed at the end)."""
    token = f"rnnlab-test-{os.urandom(8).hex()}"
    runtime = tempfile.mkdtemp(prefix="rnnlab-rt-", dir="/tmp")
    _RUNTIME_DIRS.append(runtime)
    env = dict(env, JUPYTER_RUNTIME_DIR=runtime)
    for _ in range(5):
        port = _free_port()
        cmd = [
            sys.executable,
            "-m",
            "jupyter",
            *args,
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.token={token}",
            "--KernelManager.transport=ipc",
        ]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        with open(log_path, "w") as log:
            server = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        if wait_until_serving(url, token, server, seconds):
            server.runtime_dir = Path(runtime)
            return server, url, token
        gave_up = server.poll() is None  # running, but not answering here in time
        server.kill()
        server.wait()
        if gave_up or "already in use" not in log_path.read_text():
            break
    pytest.fail(f"Jupyter did not start ({' '.join(args[:1])}):\n" + log_path.read_text()[-2000:])


def stop_server(proc: subprocess.Popen, seconds: float = 30) -> None:
    """End a server the tests started: SIGTERM, then SIGKILL if it has not ended after `seconds`. A
    Jupyter server shuts its kernels and extensions down first, which took over 20 s on a loaded CI
    machine (and failed a test that was about something else); a slow stop is not the test's
    subject, so it never raises. The tests stop their Jupyter servers here (test_browser_helpers
    refuses a bare terminate() in a test; the hub's test stops it with Ctrl-C, its own subject)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until_serving(url: str, token: str, server: subprocess.Popen, seconds: float) -> bool:
    """True once the Jupyter server at `url` answers; False if it ended or took too long."""
    deadline = time.time() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            return True
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                return False
            time.sleep(0.3)


def launch_chromium(playwright):
    """Debian's Chromium, headless, with no network of its own, from a Playwright instance."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
