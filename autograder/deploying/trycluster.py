"""Cluster grading tried on one machine (`make try-cluster [WORKERS=2]`, `python -m autograder try-cluster`).

`run` starts a throwaway PostgreSQL gradebook (pgserver) holding a checked copy of the course's
gradebook.db (autograder.term.move), and a Dask scheduler with one-thread workers started as
docs/grading.md tells an instructor to start them on a cluster; it prints the lines to type in
another terminal and stops everything at Ctrl-C or SIGTERM (docs/grading.md, "Trying it on one
machine"). gradebook.db is only read; grades given meanwhile go with the throwaway gradebook.
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
    # a session of its own (Ctrl-C reaches this process alone), and SIGTERM when this process dies
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
    scheduler = ["distributed.cli.dask_scheduler", "--port", "0", "--scheduler-file", str(address_file)]
    processes = [_start([*scheduler, "--host", "127.0.0.1", "--no-dashboard"], folder / "scheduler.log", env)]
    try:
        deadline = time.monotonic() + START_SECONDS
        while not address_file.is_file():
            if processes[0].poll() is not None or time.monotonic() > deadline:
                raise TryFailed(f"the Dask scheduler did not start; its log: {folder / 'scheduler.log'}")
            time.sleep(0.1)
        time.sleep(0.1)  # the file is written in one go, but not atomically
        address = json.loads(address_file.read_text())["address"]
        worker = ["distributed.cli.dask_worker", address, "--nworkers", str(workers), "--nthreads", "1"]
        worker += ["--name", "worker", "--local-directory", str(folder / "workers")]
        processes.append(_start([*worker, "--host", "127.0.0.1", "--no-dashboard"], folder / "workers.log", env))
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
