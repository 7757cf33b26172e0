"""A long-lived grading worker: imports nbgrader once, then grades one student per request.

Importing nbgrader takes about 3 s here; a process per student paid that twice (autograde,
then feedback). The pipeline keeps one worker per parallel slot and talks to it over two
private pipes, one JSON object per line:

    request:  {"id": ..., "assignment": ..., "student": ..., "env": {...}, "config": {...}}
    reply:    RNNLAB-RESULT {"id": ..., "autograde": {...nbgrader's result...}, "feedback": {...}}
    request:  {"id": ..., "op": "generate", "assignment": ..., "config": {...}}
    reply:    RNNLAB-RESULT {"id": ..., "generate": {...nbgrader's result...}}

The pipes are not the worker's standard streams: a kernel started by a process inherits its
file descriptors 0 to 2 (rebinding sys.stdout changes nothing there), so a student's code
could otherwise read the next request or write a forged reply. The worker receives the pipes'
descriptor numbers on its command line, marks them not inheritable, and points its own
descriptors 0 to 2 at /dev/null and its log. Each reply carries the id of the request it
answers; the pipeline rejects and logs anything else.

The worker is trusted code (the student's kernel is the sandboxed part). When a submission
runs past its wall-clock limit, the pipeline kills the worker's process group, which takes the
kernel and its sandbox with it, and starts a fresh worker for the next student. When the
process that started it dies (a Dask worker killed mid-task, autograder.grading.cluster), the worker
ends itself within a fifth of a second: the student's task is graded again elsewhere, and
nothing of the first attempt may go on writing the gradebook.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from ..course.folder import course_config
from .workerclient import PREFIX


def private_channel(request_fd: int, reply_fd: int):
    """(requests, replies) as files on the two pipe descriptors, which no child inherits; the
    standard descriptors 0 and 1 then lead nowhere (the log keeps descriptor 2)."""
    for fd in (request_fd, reply_fd):
        os.set_inheritable(fd, False)
    requests = os.fdopen(request_fd, "r", encoding="utf-8")
    replies = os.fdopen(reply_fd, "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(2, 1)  # stray prints of libraries go to the log
    os.close(null)
    sys.stdout = sys.stderr
    return requests, replies


def die_with_parent() -> None:
    """End this worker (its process group: the kernel's sandbox follows with --die-with-parent)
    as soon as its parent process is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        # the group is this worker's own when the pipeline started it (a new session)
        os.killpg(os.getpgrp(), signal.SIGKILL) if os.getpgrp() == os.getpid() else os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True).start()


NO_FSYNC_ENV = "RNNLAB_GRADEBOOK_NO_FSYNC"


def gradebook_commits_without_fsync():
    """SQLite gradebooks that do not wait for the disk after each commit; returns the listener.

    nbgrader commits about 45 times per student, and SQLite waits for the disk each time (10 to
    20 ms here). The course's tests set RNNLAB_GRADEBOOK_NO_FSYNC=1: their gradebooks are thrown
    away, and a power cut is no concern of theirs. Graders of real classes keep SQLite's default."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def no_fsync(connection, record):
        if isinstance(connection, sqlite3.Connection):
            connection.execute("PRAGMA synchronous = OFF")

    event.listen(Engine, "connect", no_fsync)
    return no_fsync


def serve(course: Path, requests, replies) -> None:
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    from .nbgrader_guard import grant

    # the course's nbgrader_config.py refuses autograde anywhere else (autograder.grading.nbgrader_guard)
    grant("the pipeline's grading worker")
    if os.environ.get(NO_FSYNC_ENV) == "1":
        gradebook_commits_without_fsync()
    os.chdir(course)
    base = course_config(course)
    for line in requests:
        task = json.loads(line)
        os.environ.update(task.get("env", {}))
        config = Config(base)
        config.merge(Config(task.get("config", {})))
        api = NbGraderAPI(config=config)
        reply: dict = {"id": task.get("id")}
        if task.get("op") == "generate":
            reply["generate"] = api.generate_assignment(task["assignment"], force=True, create=True)
        else:
            reply["autograde"] = api.autograde(task["assignment"], task["student"], force=True, create=True)
            if reply["autograde"].get("success"):
                reply["feedback"] = api.generate_feedback(task["assignment"], task["student"], force=True)
        replies.write(PREFIX + json.dumps(reply, default=str) + "\n")
        replies.flush()


if __name__ == "__main__":
    # python -m autograder.grading.worker COURSE REQUEST_FD REPLY_FD
    die_with_parent()
    serve(Path(sys.argv[1]).resolve(), *private_channel(int(sys.argv[2]), int(sys.argv[3])))
