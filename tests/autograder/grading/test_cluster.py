"""Grading on a Dask cluster (autograder.grading.cluster) with a PostgreSQL gradebook, and when things
go wrong there.

A LocalCluster of two worker processes over TCP grades a class of about 40 (right, wrong, blank,
broken and hostile submissions) into a PostgreSQL gradebook on a throwaway server, while two
faults strike it: a worker is killed while its student's kernel runs, and one more submission
ends every worker it runs on. The same class graded on this machine, as without CLUSTER
(support.ps03_class), must give the same grades, feedback
and flags: the killed worker's student is graded again elsewhere, once, and the crashing
submission fails alone. The shared gradebook must hold each student once. The scheduler going
away is tested on a cluster of its own, started from the command line.

One module, one PostgreSQL server, one class run for the faults: `make test-grading` pays for
a cluster's start and a class's set-up once (issue 34 allows the cluster tests 120 s).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from distributed.diagnostics.plugin import WorkerPlugin

from autograder.authoring import fixtures as F
from autograder.course.folder import REPO
from autograder.grading.cluster import done_folder, submit_queued
from autograder.grading.run import NotGradeable, Options, context, grade_class
from cluster_support import OPTIONS, A, course_on, grade, local_cluster, submissions_in, unexpected
from support import FAST_ATTACKS, PS03_CLASS, _free_port, ps03_class

pytestmark = pytest.mark.grading
MUTANTS = F.fixtures_for(A, "mutants")
CLASS = PS03_CLASS
CRASHER = F.Fixture("crasher", {"full": True})
COMPARED = (
    "status",
    "score",
    "max_score",
    "reason",
    "failed_tests",
    "timeouts",
    "needs_manual",
    "diagnoses",
    "late_seconds",
    "grader_error",
)


def feedback(course: Path, student: str) -> str | None:
    html = course / "feedback" / student / A / f"{A}.html"
    return re.sub(re.escape(str(course)), "COURSE", html.read_text()) if html.exists() else None


def command(process: psutil.Process) -> str:
    """A process's command line, or "" for one that has ended meanwhile (a zombie among them)."""
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def _running(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class CrashOn(WorkerPlugin):
    """Makes every worker, restarted ones too, die when given the student `student` (as a
    submission would that crashed whatever grades it)."""

    def __init__(self, student: str):
        self.student = student

    def setup(self, worker):
        from autograder.grading import run

        grade_student, student = run.grade_student, self.student

        def crash(ctx, name, *args, **kwargs):
            if name == student:
                os._exit(3)
            return grade_student(ctx, name, *args, **kwargs)

        run.grade_student = crash  # what each task's reference to it finds on this worker


@dataclass
class Graded:
    local_course: Path
    local: dict  # student -> Result, on this machine
    course: Path
    graded: dict  # student -> Result, on the cluster (the crasher too)
    attempts: dict  # student -> [host, pid, host, pid, ...]: one pair per task started
    victim: int | None  # the Dask worker's pid that was killed
    orphans: list  # its grading worker and kernel, if still running 1.5 s after


def kill_a_worker_whose_kernel_runs(workers: list[int]) -> tuple[int | None, list]:
    """Kill (SIGKILL) the first Dask worker seen with a student's kernel among its descendants:
    (its pid, those of its descendants still running 1.5 s later) (a zombie has ended: this
    machine's init does not reap orphans at once)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for pid in workers:
            try:
                children = psutil.Process(pid).children(recursive=True)
            except psutil.NoSuchProcess:  # ended meanwhile (by the crasher)
                continue
            if any("ipykernel" in command(p) for p in children):
                os.kill(pid, signal.SIGKILL)
                return pid, [p for p in psutil.wait_procs(children, timeout=1.5)[1] if _running(p)]
        time.sleep(0.05)
    return None, []


@pytest.fixture(scope="module")
def cluster():
    """Two workers; a task on a worker that dies is given to another, not to a third."""
    with local_cluster(**{"distributed.scheduler.allowed-failures": 1}) as two:
        yield two


@pytest.fixture(scope="module")
def both(postgres, cluster, grade_batch, tmp_path_factory):  # noqa: F811
    """The class and the crasher graded on the cluster, one worker killed mid-task; and the class
    on this machine (SQLite, two workers) as test_grading.py grades it: one grading serves both
    (support.ps03_class). The cluster goes first: if the other pytest worker is grading the
    class meanwhile, it is done by then."""
    course, klass = course_on(postgres, tmp_path_factory.mktemp("cluster") / "cluster", CLASS + [CRASHER])
    with cluster.get_client() as client:
        client.register_plugin(CrashOn(CRASHER.name))
        workers = list(client.run(os.getpid).values())
    options = Options(**OPTIONS, cluster=cluster.scheduler_address, keep_workdir=True)
    runs: list = []
    start = time.monotonic()
    runner = threading.Thread(target=lambda: runs.append(grade_class(A, klass, course, options, lambda *a: None)))
    runner.start()
    victim, orphans = kill_a_worker_whose_kernel_runs(workers)
    runner.join(600)
    seconds = time.monotonic() - start
    run = runs[0]
    results = list(run.rows.values())
    attempts = {p.stem: p.read_text().split() for p in (run.work / "attempts").iterdir()}
    shutil.rmtree(run.work)
    local = ps03_class(grade_batch)
    keep = REPO / "test-artifacts" / "grading"
    keep.mkdir(parents=True, exist_ok=True)
    with open(keep / "batches.log", "a") as log:
        print(
            f"{A} cluster: {len(results)} submissions in {seconds:.1f} s on 2 Dask workers (one killed, "
            f"one crasher), {local.seconds:.1f} s on this machine with 2 workers",
            file=log,
        )
    return Graded(local.course, local.results, course, {r.student: r for r in results}, attempts, victim, orphans)


def test_the_class_is_the_intended_mix():
    assert 35 <= len(CLASS) <= 45 and len(MUTANTS) >= 15
    assert {fx.name for fx in CLASS} >= set(FAST_ATTACKS)
    assert CRASHER.name not in {fx.name for fx in CLASS}


def _nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_a_class_smaller_than_the_cluster_is_queued_too(cluster):
    """The scheduler queues only tasks of a group much larger than the cluster (above 2 per
    thread) unless they are marked: 3 tasks on 2 one-thread workers, each worker is given one."""
    with cluster.get_client() as client:
        futures = submit_queued(client, _nap, {name: (1.0,) for name in "abc"})
        time.sleep(0.5)
        queued, held = client.run_on_scheduler(
            lambda dask_scheduler: (
                len(dask_scheduler.queued),
                sorted(len(w.processing) for w in dask_scheduler.workers.values()),
            )
        )
        assert [f.result() for f in futures] == [1.0] * 3 and sorted(futures.values()) == list("abc")
    assert (queued, held) == (1, [1, 1])


def test_cluster_grades_as_one_machine_does(both):
    graded = {s: r for s, r in both.graded.items() if s != CRASHER.name}
    assert set(graded) == set(both.local) and len(graded) == len(CLASS)
    for student, mine in both.local.items():
        theirs = graded[student]
        for name in COMPARED:
            assert getattr(theirs, name) == getattr(mine, name), f"{student}: {name}"
        assert sorted(theirs.flags) == sorted(mine.flags), student
        assert theirs.name == mine.name and theirs.limits.keys() == mine.limits.keys(), student
        assert feedback(both.course, student) == feedback(both.local_course, student), f"{student}: feedback"
    statuses = {r.status for r in graded.values()}
    assert statuses == {"graded", "rejected", "failed", "missing"}
    assert graded["blank"].score == 0 < graded["solution"].score and not graded["solution"].failed_tests
    assert sum(bool(r.flags) for r in graded.values()) >= 8  # the attacks are caught as before


def test_every_fixture_ends_as_it_expects(both):
    assert not unexpected(both.course, both.graded, CLASS)


def test_the_shared_gradebook_holds_each_student_once(both):
    assert "postgresql" in (both.course / "nbgrader_config.py").read_text()
    assert not (both.course / "gradebook.db").exists()
    counts = submissions_in(both.course)
    assert counts.keys() == submissions_in(both.local_course).keys()
    assert set(counts.values()) == {1} and len(counts) >= 35


def test_a_worker_killed_mid_task_has_its_student_graded_again_once(both):
    assert both.victim is not None, "no worker was seen running a kernel"
    # its grading worker and kernel end with it, not when they are done with the student
    assert not both.orphans, both.orphans
    tried = {s: tries for s, tries in both.attempts.items() if s != CRASHER.name}
    again = [s for s, tries in tried.items() if len(tries) == 4]
    assert len(again) == 1 and int(tried[again[0]][1]) == both.victim, both.attempts
    assert sum(len(tries) for tries in tried.values()) == 2 * (len(tried) + 1) and len(tried) >= 35, both.attempts
    assert not both.graded[again[0]].grader_error  # and graded as on one machine (above)


def test_a_submission_that_crashes_its_worker_fails_alone(both):
    crashed = both.graded[CRASHER.name]
    assert crashed.status == "failed" and crashed.grader_error and crashed.score == 0
    assert "ended every Dask worker that ran it" in crashed.reason
    assert len(both.attempts[CRASHER.name]) == 2 * 2  # two workers, as allowed
    assert CRASHER.name not in submissions_in(both.course)
    assert not [s for s, r in both.graded.items() if r.grader_error and s != CRASHER.name]


def test_sqlite_gradebook_is_refused_on_a_cluster(tmp_path):
    """Refused before anything is graded, with the documented advice: the URL in the environment,
    never in nbgrader_config.py, and a term's gradebook.db moved first (make gradebook-move)."""
    from nbgrader.api import Gradebook

    course, klass = F.course_with_class(tmp_path, A, [F.SOLUTION])
    with pytest.raises(NotGradeable) as refused:
        grade(course, klass, cluster="tcp://127.0.0.1:9")
    empty = str(refused.value)
    assert "RNNLAB_GRADEBOOK_URL" in empty and "never in nbgrader_config.py" in empty
    assert "an empty database is enough" in empty and "gradebook-move" not in empty
    assert not (course / "autograded").exists()

    Gradebook(f"sqlite:///{course / 'gradebook.db'}").close()  # a term graded on one machine so far
    with pytest.raises(NotGradeable) as refused:
        grade(course, klass, cluster="tcp://127.0.0.1:9")
    held = str(refused.value)
    assert "RNNLAB_GRADEBOOK_URL" in held and "never in nbgrader_config.py" in held
    assert "make gradebook-move (it reads that variable)" in held and "grade without CLUSTER" in held
    assert not (course / "autograded").exists()


def _start(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", *args], stdout=subprocess.DEVNULL, stderr=open(log, "w"), start_new_session=True
    )


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def test_the_scheduler_going_away_stops_the_run_and_a_rerun_finishes_the_rest(postgres, tmp_path):  # noqa: F811
    fixtures = [F.SOLUTION, F.BLANK, MUTANTS[0]]  # one graded before the scheduler goes
    n = len(fixtures)
    course, klass = course_on(postgres, tmp_path / "lost", fixtures)

    def start_cluster(port: int) -> list[subprocess.Popen]:
        """A scheduler on `port` and, once it listens there, one worker; [] if the port was taken
        meanwhile (a worker must not join another test's scheduler there)."""
        log = tmp_path / "scheduler.log"
        scheduler = _start(
            ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"],
            log,
        )
        deadline = time.monotonic() + 60
        while not re.search(rf"Scheduler at:\s+tcp://127\.0\.0\.1:{port}\b", log.read_text()):
            if scheduler.poll() is not None or time.monotonic() > deadline:
                _stop(scheduler)
                return []
            time.sleep(0.1)
        return [
            scheduler,
            _start(
                ["distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1", "--name", "0"],
                tmp_path / "worker.log",
            ),
        ]

    started = []
    while not started:  # a port found free may be taken before the scheduler binds it
        port = _free_port()
        started = start_cluster(port)
    scheduler, worker = started
    address = f"tcp://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        A,
        str(klass),
        "--course",
        str(course),
        "--cluster",
        address,
        "--cell-timeout",
        "30",
    ]
    grading = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = done_folder(context(A, klass, course=course))
    deadline = time.monotonic() + 120
    while not list(done.glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    _stop(scheduler)
    out = grading.communicate(timeout=120)[0]
    _stop(worker)  # the whole cluster went away
    assert grading.returncode == 2, out
    kept = sorted(p.stem for p in done.glob("*.json"))
    assert 0 < len(kept) < n, kept  # the rerun has work left, and skips some
    last_line = out.strip().splitlines()[-1]
    assert re.fullmatch(
        rf"the Dask scheduler at {address} went away: {len(kept)} of {n} submission\(s\) are graded "
        rf"and kept; run the same command again to grade the other {n - len(kept)}",
        last_line,
    ), out
    graded_at = {s: (course / "autograded" / s / A / f"{A}.ipynb").stat().st_mtime_ns for s in kept}

    processes = start_cluster(port)
    assert processes, "the scheduler could not listen again at its address"
    try:
        rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    finally:
        for proc in processes:
            _stop(proc)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"{len(kept)} submission(s) kept from the interrupted run; {n - len(kept)} to grade" in rerun.stdout
    for student, mtime in graded_at.items():  # not graded again
        assert (course / "autograded" / student / A / f"{A}.ipynb").stat().st_mtime_ns == mtime
    rows = (course / "reports" / A / "grades.csv").read_text(encoding="utf-8-sig")
    for fx in fixtures:
        assert F.student_id(fx) in rows
    assert not done.exists()
    assert set(submissions_in(course).values()) == {1} and len(submissions_in(course)) == n
