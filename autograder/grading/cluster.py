"""Grade a class on a Dask cluster: one task per student, each the class run's own path.

    python -m autograder grade ps03 SUBMISSIONS --cluster tcp://scheduler:8786

The instructor's process runs CLASS_STEPS as on one machine, but `grade_students` calls
`grade_on_cluster`, which sends each student as one task (`grade_task`, on a worker: the same
STUDENT_STEPS). Every worker is checked and starts its grading worker as the run begins (`connect`,
`get_ready`). A finished student is recorded as it comes back (`done_folder`), so a rerun after
the scheduler is lost (`ClusterLost`) grades only the others. docs/grading.md ("A large class")
says what the workers need and how each fault ends.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import secrets
import shutil
import socket
import threading
import zlib
from pathlib import Path

import nbformat

from ..gradebook.rows import Result
from . import sandbox
from .context import Context, NotGradeable, Options, SandboxUnavailable, grader_error
from .workerclient import Worker


class ClusterLost(NotGradeable):
    """The scheduler could not be reached, or went away during the run."""


# -- on the worker --------------------------------------------------------------------------
_LOCK = threading.RLock()  # one student at a time per worker process (re-entered by _start)
_STATE: dict = {}  # the run this process grades: work folder, Context, Worker, slot


def _slot(name) -> int:
    """A worker's sandbox slot (uid_base + slot): its name when that is a small number (a
    LocalCluster's, or `dask worker --name 3`), else a number drawn from its name."""
    return name if isinstance(name, int) and 0 <= name < 1000 else zlib.crc32(str(name).encode()) % 1000


def _start(course: str, work: str, slot: int) -> None:
    """This process's grading worker for the run in `work`, started."""
    with _LOCK:
        if _STATE.get("work") != work:
            finish(_STATE.get("work"))
            log = Path(work) / f"worker-{socket.gethostname()}-{os.getpid()}.log"
            _STATE.update(work=work, ctx=None, slot=slot, worker=Worker(Path(course), log))


def get_ready(course: str, sandboxed: bool, work: str, dask_worker=None) -> str | None:
    """Run on every worker as the run begins: why it cannot grade the course, or None; then its
    grading worker starts in a thread while the instructor's process prepares the run."""
    why = worker_problem(course, sandboxed)
    if why is None:
        threading.Thread(
            target=_start, args=(course, work, _slot(dask_worker.name)), daemon=True, name="grading-start"
        ).start()
    return why


def _attach(spec: dict) -> tuple[Context, Worker, int]:
    """The worker side of the run `spec` describes, made once per worker process: the same
    options, the run's folder (written by the instructor's process), a grading worker."""
    from distributed import get_worker

    if _STATE.get("work") != spec["work"]:  # not started by get_ready (a worker that joined late)
        _start(spec["course"], spec["work"], _slot(get_worker().name))
    if _STATE.get("ctx") is None:
        options = Options(**{**spec["options"], "cluster": None})
        ctx = Context(spec["assignment"], Path(spec["course"]), Path(spec["submissions"]), options, lambda *a: None)
        ctx.work, ctx.cell_timeout = Path(spec["work"]), spec["cell_timeout"]
        try:
            ctx.sandbox = sandbox.for_run(options.sandboxed, ctx.work, options.uid_base)
            why = ctx.sandbox.problem()
            if why:
                raise SandboxUnavailable(why)
            ctx.sandbox.prepare()
            release = ctx.work / "release" / ctx.assignment / f"{ctx.assignment}.ipynb"
            ctx.release_nb = nbformat.read(release, 4)
        except BaseException:
            finish(spec["work"])
            raise
        _STATE["ctx"] = ctx
    ctx = _STATE["ctx"]
    if not _STATE["worker"].alive():  # stopped after a timeout
        _STATE["worker"] = Worker(ctx.course, ctx.work / f"worker-{socket.gethostname()}-{os.getpid()}.log")
    return ctx, _STATE["worker"], _STATE["slot"]


def grade_task(spec: dict, student: str, notebook: str, row: dict, earlier: dict, grade_student) -> dict:
    """One student's grading on a Dask worker (`grade_student`: grading.run's): its row, as a dict,
    also written into the run's folder, so that a task run again after its worker died returns it
    without grading the student twice."""
    finished = Path(spec["work"]) / "finished" / f"{student}.json"
    if finished.exists():
        return json.loads(finished.read_text())
    with _LOCK:
        ctx, worker, slot = _attach(spec)
        attempts = ctx.work / "attempts"
        attempts.mkdir(exist_ok=True)
        with open(attempts / f"{student}.log", "a") as log:
            log.write(f"{socket.gethostname()} {os.getpid()}\n")
        ctx.rows[student], ctx.found[student], ctx.earlier[student] = Result(**row), (Path(notebook), None, {}), earlier
        try:
            graded = dataclasses.asdict(grade_student(ctx, student, slot, worker))
            _write_json(finished, graded)
            return graded
        finally:
            for table in (ctx.rows, ctx.found, ctx.earlier):
                table.pop(student, None)


def worker_problem(course: str, sandboxed: bool) -> str | None:
    """Why this worker cannot grade the course, or None: checked on every worker before a run."""
    if not (Path(course) / "nbgrader_config.py").is_file():
        return (
            f"it does not see the course folder {course} (the workers need it at the same path, on a shared filesystem)"
        )
    return sandbox.check() if sandboxed else None


def finish(work: str | None) -> None:
    """Stop this process's grading worker of the run in `work` (the run is over)."""
    if work is not None and _STATE.get("work") == work:
        if _STATE.get("worker") is not None:
            _STATE["worker"].stop()
        _STATE.clear()


# -- in the instructor's process ------------------------------------------------------------
def finish_on_cluster(ctx: Context) -> None:
    """The run is over: every worker stops its grading worker, and the client closes."""
    if ctx.client.status == "running":
        ctx.client.run(finish, str(ctx.work))
        ctx.client.close(timeout=10)


def done_folder(ctx: Context) -> Path:
    return ctx.course / "grading-runs" / f"{ctx.assignment}-cluster-done"


def _fingerprint(ctx: Context, notebook: Path) -> str:
    """What a finished student's record is valid for: this submission, this source notebook."""
    digest = hashlib.sha256(Path(notebook).read_bytes())
    digest.update((ctx.course / "source" / ctx.assignment / f"{ctx.assignment}.ipynb").read_bytes())
    return digest.hexdigest()


def _recorded(ctx: Context, student: str) -> Result | None:
    """The row of an earlier, interrupted run for this very submission, if there is one."""
    try:
        record = json.loads((done_folder(ctx) / f"{student}.json").read_text())
        if record["fingerprint"] == _fingerprint(ctx, ctx.found[student][0]):
            return Result(**record["result"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _record(ctx: Context, student: str) -> None:
    record = {"fingerprint": _fingerprint(ctx, ctx.found[student][0]), "result": dataclasses.asdict(ctx.rows[student])}
    _write_json(done_folder(ctx) / f"{student}.json", record)


def _write_json(path: Path, data) -> None:
    """`data` into `path` at once: a reader sees the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".new").write_text(json.dumps(data))
    os.replace(path.with_suffix(".new"), path)


def forget(ctx: Context) -> None:
    """The run has written its reports: the next run grades everyone again."""
    shutil.rmtree(done_folder(ctx), ignore_errors=True)


def connect(ctx: Context):
    """The client of the run's cluster, every worker checked and starting its grading worker
    (`get_ready`); called as the run is prepared, once its folder exists."""
    from distributed import Client

    address = ctx.options.cluster
    # the client's reconnection attempts log a traceback each; ClusterLost says it in a sentence
    logging.getLogger("distributed.client").setLevel(logging.CRITICAL)
    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError) as err:
        raise ClusterLost(
            f"cannot reach the Dask scheduler at {address} ({err}); start it, or grade without CLUSTER"
        ) from None
    problems = {
        w: why for w, why in client.run(get_ready, str(ctx.course), ctx.options.sandboxed, str(ctx.work)).items() if why
    }
    if problems:
        client.run(finish, str(ctx.work))
        client.close()
        where = "; ".join(f"{w}: {why}" for w, why in sorted(problems.items()))
        raise SandboxUnavailable(
            f"{len(problems)} Dask worker(s) cannot grade here ({where}). Nothing was graded: "
            "fix them or stop them (docs/grading.md), then run again"
        )
    return client


def submit_queued(client, function, calls: dict[str, tuple]) -> dict:
    """{future: name} of `function(*args)` for each name's args, as tasks the scheduler queues and
    gives to a worker only when a thread is free (worker-saturation 1.0): a worker that dies held
    only the student it was grading, so a crashing submission's `allowed-failures` count against no
    one else. The scheduler queues only a group of one key prefix marked as data producers."""
    from dask._task_spec import Task

    token = secrets.token_hex(4)
    keys = {name: f"grade-{token}-{name}" for name in calls}  # the prefix names the group: "grade"
    graph = {keys[name]: Task(keys[name], function, *args, _data_producer=True) for name, args in calls.items()}
    futures = client.get(graph, list(graph), sync=False)
    return dict(zip(futures, calls))


def grade_on_cluster(ctx: Context, students: list[str], grade_student) -> None:
    """Grade `students` on the cluster at ctx.options.cluster, one task each (`grade_student` on a
    worker); every row that comes back (or is kept from an interrupted run) replaces the student's row."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    kept = {student: row for student in students if (row := _recorded(ctx, student)) is not None}
    ctx.rows.update(kept)
    done, todo = set(kept), [student for student in students if student not in kept]
    if done:
        ctx.log(f"  {len(done)} submission(s) kept from the interrupted run; {len(todo)} to grade")
    address, client = ctx.options.cluster, ctx.client
    spec = {
        "assignment": ctx.assignment,
        "course": str(ctx.course),
        "submissions": str(ctx.submissions),
        "work": str(ctx.work),
        "cell_timeout": ctx.cell_timeout,
        "options": dataclasses.asdict(ctx.options),
    }
    calls = {
        s: (spec, s, str(ctx.found[s][0]), dataclasses.asdict(ctx.rows[s]), ctx.earlier.get(s, {}), grade_student)
        for s in todo
    }
    try:
        futures = submit_queued(client, grade_task, calls)
        for future in as_completed(futures):
            # released once read: a worker that died would have every row the client still wants
            # graded again elsewhere, rewriting notebooks, grades and feedback behind the run's back
            student = futures.pop(future)
            if future.status == "cancelled" or client.status != "running":
                raise _lost(address, len(done), len(students))
            try:
                ctx.rows[student] = Result(**future.result())
            except KilledWorker as err:
                why = RuntimeError(f"its task ended every Dask worker that ran it ({err})")
                grader_error(ctx.rows[student], "grading on the cluster", why)
            except Exception as err:
                if client.status != "running":
                    raise _lost(address, len(done), len(students)) from None
                grader_error(ctx.rows[student], "grading on the cluster", err)
            future.release()
            _record(ctx, student)
            done.add(student)
            ctx.log(f"  {student}: {ctx.rows[student].status} in {ctx.rows[student].seconds} s")
    except OSError:
        raise _lost(address, len(done), len(students)) from None


def _lost(address: str, done: int, total: int) -> ClusterLost:
    return ClusterLost(
        f"the Dask scheduler at {address} went away: {done} of {total} submission(s) are "
        f"graded and kept; run the same command again to grade the other {total - done}"
    )
