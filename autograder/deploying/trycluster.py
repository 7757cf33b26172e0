"""Cluster grading tried on one machine, started by one command (docs/grading.md, "Trying it on
one machine"):

    make try-cluster [WORKERS=2]
    python -m autograder try-cluster [--workers 2]          # the same

It starts what a cluster run needs, on this machine: a throwaway PostgreSQL gradebook (pgserver),
into which the course's gradebook.db is copied and checked (autograder.term.move) when the course
has one, and a Dask scheduler with workers of one thread each, started as docs/grading.md tells an
instructor to start them on a cluster (the `dask` command line, the scheduler handing out one task
per thread, no profiler, the gradebook's URL in the workers' environment). It prints the two lines
to type in another terminal, the gradebook's URL and the scheduler's address, and keeps running
until Ctrl-C (or SIGTERM), then stops the workers, the scheduler and the server and removes their
folders. The scheduler and workers run in sessions of their own, so the Ctrl-C reaches this
process alone and they are stopped in order; they also end if this process is killed outright
(its folders in /tmp then stay).

Grades given meanwhile live in the throwaway gradebook and go with it; gradebook.db is only read.
A grading run also writes the course folder (autograded/, feedback/, reports/): rehearse on a
demo class (make demo-class), a course folder of its own, or grade again on one machine after.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ..course.folder import venv_env
from ..term.move import MoveError, move
from .pgserver import temporary_gradebook

START_SECONDS = 120  # for the scheduler and every worker to be up


class TryFailed(RuntimeError):
    """The trial cluster could not start: one sentence says why; nothing is left running."""


def _start(args: list[str], log: Path, env: dict) -> subprocess.Popen:
    # a session of its own (Ctrl-C at the terminal reaches only this process), and SIGTERM when
    # this process dies, whatever kills it
    return subprocess.Popen(
        ["setpriv", "--pdeathsig", "SIGTERM", sys.executable, "-m", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "w"),
        env=env,
        start_new_session=True,
    )


def _stop(processes: list[subprocess.Popen]) -> None:
    """Each in turn: SIGTERM (dask's command line closes its workers, then itself), SIGKILL to its
    session after 20 s."""
    for proc in processes:
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def start_dask(folder: Path, workers: int, gradebook: str) -> tuple[str, list[subprocess.Popen]]:
    """A scheduler and `workers` one-thread workers on 127.0.0.1, their logs in `folder`: (the
    scheduler's address, [scheduler, workers])."""
    env = venv_env(
        {
            "RNNLAB_GRADEBOOK_URL": gradebook,
            "OMP_NUM_THREADS": "1",
            "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0",
            "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
        }
    )
    address_file = folder / "scheduler.json"
    processes = [
        _start(
            [
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(address_file),
            ],
            folder / "scheduler.log",
            env,
        )
    ]
    try:
        deadline = time.monotonic() + START_SECONDS
        while not address_file.is_file():
            if processes[0].poll() is not None or time.monotonic() > deadline:
                raise TryFailed(f"the Dask scheduler did not start; its log: {folder / 'scheduler.log'}")
            time.sleep(0.1)
        time.sleep(0.1)  # the file is written in one go, but not atomically
        address = json.loads(address_file.read_text())["address"]
        processes.append(
            _start(
                [
                    "distributed.cli.dask_worker",
                    address,
                    "--nworkers",
                    str(workers),
                    "--nthreads",
                    "1",
                    "--name",
                    "worker",
                    "--host",
                    "127.0.0.1",
                    "--no-dashboard",
                    "--local-directory",
                    str(folder / "workers"),
                ],
                folder / "workers.log",
                env,
            )
        )
        _wait_for_workers(address, workers, deadline, processes, folder)
    except BaseException:
        _stop(processes[::-1])
        raise
    return address, processes


def _wait_for_workers(address: str, workers: int, deadline: float, processes, folder: Path) -> None:
    from distributed import Client

    with Client(address, timeout=30) as client:
        while len(client.scheduler_info(n_workers=-1)["workers"]) < workers:
            if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
                raise TryFailed(f"the Dask workers did not start; their log: {folder / 'workers.log'}")
            time.sleep(0.2)


def _say(*text) -> None:
    print(*text, flush=True)  # at once, also into a pipe: someone is waiting for the lines


def run(course: Path, workers: int, log=_say) -> int:
    """Start everything, print the lines to use it, wait for Ctrl-C or SIGTERM, clean up. (A Ctrl-C
    while it starts is Python's KeyboardInterrupt, and what was started stops on the way out.)"""
    course = Path(course).resolve()
    folder = Path(tempfile.mkdtemp(prefix="rnnlab-cluster-"))
    try:
        with temporary_gradebook() as url:
            if (course / "gradebook.db").is_file():
                try:
                    moved = move(course, url)
                except MoveError as err:
                    log(f"try-cluster: {err}")
                    return 2
                if moved.check.differences:
                    log(
                        "try-cluster: the copy of gradebook.db differs from it:\n  "
                        + "\n  ".join(moved.check.differences)
                    )
                    return 1
                rows = sum(t.rows for t in moved.check.tables.values())
                held = (
                    f"{course / 'gradebook.db'} copied there and checked ({rows} rows in "
                    f"{len(moved.check.tables)} tables; gradebook.db itself is only read)"
                )
            else:
                held = "empty (the course has no gradebook.db); the first run fills it"
            try:
                address, processes = start_dask(folder, workers, url)
            except TryFailed as err:
                log(f"try-cluster: {err}")
                return 2
            try:
                stop = _stop_on_signals()
                log(
                    f"Cluster grading on this machine, until Ctrl-C here:\n"
                    f"  a throwaway PostgreSQL gradebook: {held}\n"
                    f"  a Dask scheduler and {workers} worker(s) of one thread each (logs: {folder})\n"
                    "In another terminal, in the course folder (a class to try: make demo-class ASSIGNMENT=ps03):\n"
                    f"  export RNNLAB_GRADEBOOK_URL='{url}'\n"
                    f"  make autograde ASSIGNMENT=ps03 SUBMISSIONS=demo-class CLUSTER={address}\n"
                    "Ctrl-C here stops them all; the gradebook and every grade given in it go with them."
                )
                while not stop.wait(0.5):
                    ended = [p for p in processes if p.poll() is not None]
                    if ended:
                        log(
                            f"try-cluster: the Dask {'scheduler' if processes[0] in ended else 'workers'} ended; "
                            f"stopping (logs: {folder})"
                        )
                        folder = None  # kept, to read
                        return 1
            finally:
                _stop(processes[::-1])
        log(
            "stopped: the Dask workers and scheduler, and the PostgreSQL server with its gradebook"
            + ("; gradebook.db is as it was" if (course / "gradebook.db").is_file() else "")
        )
        return 0
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    return stop
