"""A long-lived grading worker: imports nbgrader once, then grades one student per request.

Importing nbgrader takes about 3 s here; a process per student paid that twice (autograde,
then feedback). The pipeline keeps one worker per parallel slot and talks to it over
stdin/stdout, one JSON object per line:

    request:  {"assignment": ..., "student": ..., "env": {...}, "config": {...}}
    reply:    RNNLAB-RESULT {"autograde": {...nbgrader's result...}, "feedback": {...}}
    request:  {"op": "generate", "assignment": ..., "config": {...}}
    reply:    RNNLAB-RESULT {"generate": {...nbgrader's result...}}

The worker is trusted code (the student's kernel is the sandboxed part). When a submission
runs past its wall-clock limit, the pipeline kills the worker's process group, which takes the
kernel and its sandbox with it, and starts a fresh worker for the next student.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

PREFIX = "RNNLAB-RESULT "


def course_config(course: Path):
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def serve(course: Path) -> None:
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    os.chdir(course)
    base = course_config(course)
    out = sys.stdout
    sys.stdout = sys.stderr                    # nothing but replies on the reply channel
    for line in sys.stdin:
        task = json.loads(line)
        os.environ.update(task.get("env", {}))
        config = Config(base)
        config.merge(Config(task.get("config", {})))
        api = NbGraderAPI(config=config)
        if task.get("op") == "generate":
            reply = {"generate": api.generate_assignment(task["assignment"], force=True, create=True)}
            out.write(PREFIX + json.dumps(reply, default=str) + "\n")
            out.flush()
            continue
        reply = {"autograde": api.autograde(task["assignment"], task["student"], force=True, create=True)}
        if reply["autograde"].get("success") and task.get("feedback", True):
            reply["feedback"] = api.generate_feedback(task["assignment"], task["student"], force=True)
        out.write(PREFIX + json.dumps(reply, default=str) + "\n")
        out.flush()


if __name__ == "__main__":
    serve(Path(sys.argv[1]).resolve())
