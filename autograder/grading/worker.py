"""A long-lived grading worker: imports nbgrader once, then grades one student per request.

    python -m autograder.grading.worker COURSE REQUEST_FD REPLY_FD

Requests and replies (grading.workerclient) are JSON lines on two private pipes, never the standard
streams, which the student's kernel would inherit; each reply carries its request's id. The run
kills the worker's process group (the kernel and its sandbox with it) past a submission's time
limit, and the worker ends itself when its parent dies (a Dask worker killed mid-task).
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
    """SQLite gradebooks that do not wait for the disk after each commit (for the tests, which set
    RNNLAB_GRADEBOOK_NO_FSYNC=1; real classes keep SQLite's default); returns the listener."""
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

    # nbgrader_config.py refuses autograde anywhere else (grading.nbgrader_guard)
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
    die_with_parent()
    serve(Path(sys.argv[1]).resolve(), *private_channel(int(sys.argv[2]), int(sys.argv[3])))
