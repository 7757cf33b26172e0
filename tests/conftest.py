"""Shared test helpers: grade a batch of fixture submissions once per session."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# pytest-xdist workers grade at the same time: each needs its own sandbox uids, since the
# sandbox's process limit counts every process of a uid (set before the instructor package reads it)
if os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    os.environ["RNNLAB_SANDBOX_UID_BASE"] = str(
        int(os.environ.get("RNNLAB_SANDBOX_UID_BASE", "60001")) + 1000 * int(os.environ["PYTEST_XDIST_WORKER"][2:])
    )

# the tests' gradebooks are thrown away: SQLite need not wait for the disk after each commit
os.environ.setdefault("RNNLAB_GRADEBOOK_NO_FSYNC", "1")

from autograder.authoring import fixtures as F  # noqa: E402
from autograder.course.folder import REPO  # noqa: E402
from student_repo import STUDENT_REPO, head
from support import (
    _RUNTIME_DIRS,
    JOBS,
    Batch,
    _need_browser,
    auto_test_ids,
    file_hashes,
    launch_chromium,
    notebooks,
    start_jupyter,
    stop_server,
)

if TYPE_CHECKING:
    pass


@pytest.fixture(autouse=True, scope="session")
def the_course_gradebook_is_left_alone():
    """No test may create or change the repository's own gradebook.db (a throwaway course of its
    own is F.make_course's): a test that wrote a problem set's rows there was found once."""
    path = REPO / "gradebook.db"

    def state():
        return path.stat().st_mtime_ns if path.exists() else None

    before = state()
    yield
    assert state() == before, f"a test of this session created or changed {path}"


@pytest.fixture(autouse=True, scope="session")
def gradebooks_stamped_in_process():
    """A gradebook that a test makes in its own process is stamped with nbgrader's newest schema
    version read by alembic's API, not by the `alembic heads` process nbgrader starts for each new
    one (3 s of CPU). test_grading_units checks the two give the same version. Grading workers,
    other processes, make their course's gradebook themselves (fixtures.make_course copies one)."""
    import nbgrader.api

    from autograder.term.move import alembic_head

    patch = pytest.MonkeyPatch()
    patch.setattr(nbgrader.api, "get_alembic_version", alembic_head)
    yield
    patch.undo()


@pytest.fixture(scope="session")
def grade_batch(tmp_path_factory):
    """grade_batch(assignment, fixtures, label, shared=False, **options) -> Batch, graded once per
    label. With `shared`, once for the whole session: the first pytest worker to ask grades it
    while the others wait, then they read its results (the batch's `run` is theirs only)."""
    cache: dict = {}

    def grade(assignment: str, fixtures: list, label: str, shared: bool = False, **options) -> Batch:
        key = (assignment, label)
        if key in cache:
            return cache[key]
        if not shared or not os.environ.get("PYTEST_XDIST_WORKER"):
            cache[key] = graded_now(assignment, fixtures, label, options)
            return cache[key]
        from filelock import FileLock

        record = tmp_path_factory.getbasetemp().parent / f"shared-{label}-{assignment}.pickle"
        with FileLock(f"{record}.lock"):
            if record.exists():
                cache[key] = Batch(**pickle.loads(record.read_bytes()))
            else:
                cache[key] = graded_now(assignment, fixtures, label, options)
                record.write_bytes(pickle.dumps({**vars(cache[key]), "run": None}))
        return cache[key]

    def graded_now(assignment: str, fixtures: list, label: str, options: dict) -> Batch:
        from autograder.grading.run import Options, grade_class  # here: nbgrader's import is for grading runs

        base = tmp_path_factory.mktemp(f"{label}-{assignment}")
        course = F.make_course(base / "course", [assignment])
        release, source = notebooks(assignment)
        submissions = F.write_batch(base / "submissions", assignment, fixtures, release, source)
        submitted = file_hashes(submissions)
        opts = Options(**{"jobs": JOBS, "cell_timeout": 30, "submission_timeout": 300, **options})
        start = time.monotonic()
        run = grade_class(assignment, submissions, course=course, options=opts, log=lambda *a: None)
        results = run.rows
        seconds = time.monotonic() - start
        batch = Batch(course, submissions, run, results, auto_test_ids(source), submitted, assignment, seconds)
        # the grades of every fixture stay readable after the run (CI logs, closing notes)
        keep = REPO / "test-artifacts" / "grading"
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(course / "reports" / assignment / "grades.csv", keep / f"{assignment}-{label}.csv")
        with open(keep / "batches.log", "a") as log:
            print(
                f"{assignment} {label}: {len(results)} submissions in {seconds:.1f} s "
                f"(worker {os.environ.get('PYTEST_XDIST_WORKER', '-')}, sandbox uids from {opts.uid_base})",
                file=log,
            )
        return batch

    return grade


@pytest.fixture(scope="session")
def hub_env_view():
    """One folder for what every hub the session starts may share (autograder.deploying.hub,
    RNNLAB_HUB_SHARED): the view of the course environment's third-party packages (about 50 000
    links, seconds to make and as many to remove), the students' environment built from the
    student distribution of HEAD, a copy of the Python runtime; removed at the end. The
    repository's mode is put back too (the hub makes it private)."""
    from autograder.deploying import hub as H

    folder = Path(tempfile.mkdtemp(prefix="rnnlab-hub-shared-", dir="/tmp"))
    folder.chmod(0o755)
    os.environ[H.SHARED_VIEW_ENV] = str(folder)
    mode = REPO.stat().st_mode & 0o7777
    try:
        yield folder
    finally:
        os.environ.pop(H.SHARED_VIEW_ENV, None)
        shutil.rmtree(folder, ignore_errors=True)
        REPO.chmod(mode)


def pytest_configure(config):
    # a grading run's controller (not an xdist worker, nor the unit or browser run that follows
    # in make test) starts a fresh log of the batches graded
    marks = config.option.markexpr or ""
    if not hasattr(config, "workerinput") and "grading" in marks and "not grading" not in marks:
        (REPO / "test-artifacts" / "grading" / "batches.log").unlink(missing_ok=True)
    # a browser run starts fresh records of the widgets' layout and latency
    if not hasattr(config, "workerinput") and "browser" in marks and "not browser" not in marks:
        for name in ("widget-layout.json", "browser-latency.json"):
            (REPO / "test-artifacts" / name).unlink(missing_ok=True)


def pytest_unconfigure(config):
    for folder in _RUNTIME_DIRS:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, driven by Playwright, with no network of its own: one for every
    browser test of the session; each test opens its own page."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory, chromium):
    """One JupyterLab server and one Chromium for every browser test of the session:
    (url, token, root, browser); each test opens its own page."""
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    # the students' settings, as `make lab` gives them (no news or update pop-ups over outputs, a
    # changed notebook saved every ten seconds), written as this server's user settings
    overrides = json.loads(
        (
            Path(__file__).resolve().parent.parent
            / "jupyter"
            / "student"
            / "labconfig"
            / "default_setting_overrides.json"
        ).read_text()
    )
    for plugin, values in overrides.items():
        package, name = plugin.split(":")
        folder = root / "settings" / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
    env = dict(
        os.environ,
        OMP_NUM_THREADS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        RNNLAB_REVIEW_FILE=str(root / ".rnnlab-review.json"),
    )
    server, url, token = start_jupyter(
        [
            "lab",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.workspaces_dir={root / 'workspaces'}",
            f"--LabApp.user_settings_dir={root / 'settings'}",
            "--LabApp.expose_app_in_browser=True",
            f"--NotebookNotary.db_file={root / 'nbsignatures.db'}",  # trust is the test's, not this user's
        ],
        root / "lab.log",
        env,
        seconds=90,
    )
    yield url, token, root, chromium
    stop_server(server)


@pytest.fixture(autouse=True)
def _private_review_file(tmp_path, monkeypatch):
    """Quiz and flashcard widgets remember answers in a file (rnnlab.review); in tests, never the
    course folder's own."""
    monkeypatch.setenv("RNNLAB_REVIEW_FILE", str(tmp_path / ".rnnlab-review.json"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The students' repository, built from HEAD with `make student-dist`, and the run's output."""
    dest = tmp_path_factory.mktemp("dist") / "students"
    proc = subprocess.run(
        ["make", "-s", "student-dist", f"DEST={dest}", f"STUDENT_REPO={STUDENT_REPO}", "ALLOW_DIRTY=1"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"the course at commit {head(REPO)[:12]} (HEAD)" in proc.stdout, proc.stdout
    return dest, proc
