"""Grading on a Dask cluster when things go wrong: a worker killed mid-task, a submission whose
task ends every worker it runs on, the scheduler going away (autograder.cluster)."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from distributed.diagnostics.plugin import WorkerPlugin

from autograder import fixtures as F
from autograder.cluster import done_folder
from autograder.pipeline import Options, Run
from conftest import _free_port
from cluster_support import A, OPTIONS, course_on, grade, local_cluster, postgres, submissions_in, unexpected  # noqa: F401

pytestmark = pytest.mark.grading
MUTANTS = F.fixtures_for(A, "mutants")


@pytest.fixture(scope="module")
def cluster():
    """Two workers; a task may be on one worker that dies and is given to another, not on two."""
    with local_cluster(**{"distributed.scheduler.allowed-failures": 1}) as two:
        yield two


def command(process: psutil.Process) -> str:
    """A process's command line, or "" for one that has ended meanwhile (a zombie among them)."""
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def test_a_worker_killed_mid_task_has_its_student_graded_again_once(postgres, cluster, tmp_path):
    fixtures = [F.SOLUTION, F.BLANK, MUTANTS[0]]
    course, klass = course_on(postgres, tmp_path / "killed", fixtures)
    run = Run(A, klass, course=course, options=Options(**OPTIONS, cluster=cluster.scheduler_address,
                                                       keep_workdir=True), log=lambda *a: None)
    results: list = []
    runner = threading.Thread(target=lambda: results.extend(run.run()))
    runner.start()
    with cluster.get_client() as client:
        workers = list(client.run(os.getpid).values())
    victim, children, deadline = None, [], time.monotonic() + 120
    while victim is None and time.monotonic() < deadline:       # a worker whose kernel runs
        for pid in workers:
            children = psutil.Process(pid).children(recursive=True)
            if any("ipykernel" in command(p) for p in children):
                victim = pid
                os.kill(victim, signal.SIGKILL)
                break
        time.sleep(0.05)
    # its grading worker and kernel end with it, not when they are done with the student (a
    # zombie has ended: this machine's init does not reap orphans at once)
    assert children and not [p for p in psutil.wait_procs(children, timeout=1.5)[1] if _running(p)]
    runner.join(300)
    by_student = {r.student: r for r in results}
    assert len(by_student) == 3 and not any(r.grader_error for r in results)
    assert not unexpected(course, by_student, fixtures)
    tries = {p.stem: p.read_text().split() for p in (run.work / "attempts").iterdir()}
    again = [s for s, lines in tries.items() if len(lines) == 4]          # host and pid per attempt
    assert len(again) == 1 and int(tries[again[0]][1]) == victim, tries
    assert sum(len(lines) for lines in tries.values()) == 2 * 4, tries
    assert set(submissions_in(course).values()) == {1}
    shutil.rmtree(run.work)


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
        from autograder.pipeline import Run as WorkerRun
        grade_alone, student = WorkerRun.grade_alone, self.student

        def crash(run, name, *args):
            if name == student:
                os._exit(3)
            return grade_alone(run, name, *args)
        WorkerRun.grade_alone = crash


def test_a_submission_that_crashes_its_worker_fails_alone(postgres, cluster, tmp_path):
    crasher = F.Fixture("crasher", {"full": True})
    course, klass = course_on(postgres, tmp_path / "crash", [F.SOLUTION, crasher])
    with cluster.get_client() as client:
        client.register_plugin(CrashOn("crasher"))
    results = grade(course, klass, cluster=cluster.scheduler_address)
    assert not unexpected(course, results, [F.SOLUTION]) and not results["solution"].flags
    crashed = results["crasher"]
    assert crashed.status == "failed" and crashed.grader_error and crashed.score == 0
    assert "ended every Dask worker that ran it" in crashed.reason
    assert set(submissions_in(course)) == {"solution"}


def _start(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", *args], stdout=subprocess.DEVNULL, stderr=open(log, "w"),
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def test_the_scheduler_going_away_stops_the_run_and_a_rerun_finishes_the_rest(postgres, tmp_path):
    fixtures = [F.SOLUTION, F.BLANK] + MUTANTS[:2]
    course, klass = course_on(postgres, tmp_path / "lost", fixtures)

    def cluster(port: int) -> list[subprocess.Popen]:
        """A scheduler on `port` and, once it listens there, one worker; [] if the port was taken
        meanwhile (a worker must not join another test's scheduler there)."""
        log = tmp_path / "scheduler.log"
        scheduler = _start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
                            "--dashboard-address", ":0"], log)
        deadline = time.monotonic() + 60
        while not re.search(rf"Scheduler at:\s+tcp://127\.0\.0\.1:{port}\b", log.read_text()):
            if scheduler.poll() is not None or time.monotonic() > deadline:
                _stop(scheduler)
                return []
            time.sleep(0.1)
        return [scheduler, _start(["distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1",
                                   "--name", "0"], tmp_path / "worker.log")]

    started = []
    while not started:                      # a port found free may be taken before the scheduler binds it
        port = _free_port()
        started = cluster(port)
    scheduler, worker = started
    address = f"tcp://127.0.0.1:{port}"
    command = [sys.executable, "-m", "autograder", "grade", A, str(klass), "--course", str(course),
               "--cluster", address, "--cell-timeout", "30"]
    grading = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = done_folder(Run(A, klass, course=course))
    deadline = time.monotonic() + 120
    while len(list(done.glob("*.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    _stop(scheduler)
    out = grading.communicate(timeout=120)[0]
    _stop(worker)                                           # the whole cluster went away
    assert grading.returncode == 2, out
    kept = sorted(p.stem for p in done.glob("*.json"))
    last_line = out.strip().splitlines()[-1]
    assert re.fullmatch(rf"the Dask scheduler at {address} went away: {len(kept)} of 4 submission\(s\) are graded "
                        rf"and kept; run the same command again to grade the other {4 - len(kept)}", last_line), out
    graded_at = {s: (course / "autograded" / s / A / f"{A}.ipynb").stat().st_mtime_ns for s in kept}

    processes = cluster(port)
    assert processes, "the scheduler could not listen again at its address"
    try:
        rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    finally:
        for proc in processes:
            _stop(proc)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"{len(kept)} submission(s) kept from the interrupted run; {4 - len(kept)} to grade" in rerun.stdout
    for student, mtime in graded_at.items():        # not graded again
        assert (course / "autograded" / student / A / f"{A}.ipynb").stat().st_mtime_ns == mtime
    rows = (course / "reports" / A / "grades.csv").read_text()
    for fx in fixtures:
        assert F.student_id(fx) in rows
    assert not done.exists()
    assert set(submissions_in(course).values()) == {1} and len(submissions_in(course)) == 4
