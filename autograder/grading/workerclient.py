"""The grading run's side of its worker processes (grading.worker): `Worker`, and `first_error`."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import secrets
import signal
import subprocess
import sys
import threading
from pathlib import Path

from ..course.folder import venv_env

# what starts each reply line on a worker's reply pipe (autograder.grading.worker writes them)
PREFIX = "RNNLAB-RESULT "


class Worker:
    """One grading.worker process, spoken to over two pipes that only it holds, one request at a
    time: a reply must carry its request's fresh id; anything else is rejected into the log."""

    def __init__(self, course: Path, log_path: Path):
        self.log_file = open(log_path, "a")
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "autograder.grading.worker", str(course), str(req_r), str(rep_w)],
                cwd=course,
                env=venv_env(),
                stdin=subprocess.DEVNULL,
                stdout=self.log_file,
                stderr=self.log_file,
                pass_fds=(req_r, rep_w),
                start_new_session=True,
            )
        finally:
            os.close(req_r)
            os.close(rep_w)
        self.requests = os.fdopen(req_w, "w", encoding="utf-8")
        self.reply_pipe = os.fdopen(rep_r, "r", encoding="utf-8", errors="replace")
        self.replies: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.pending: str | None = None
        threading.Thread(target=self._read, daemon=True).start()

    def _reject(self, line: str, why: str) -> None:
        with self.lock:
            if not self.log_file.closed:
                self.log_file.write(f"[pipeline] rejected a line on the reply channel ({why}): {line[:200]!r}\n")
                self.log_file.flush()

    def _read(self) -> None:
        with self.reply_pipe:  # closed here, at the end the worker makes
            for line in self.reply_pipe:
                if not line.startswith(PREFIX):
                    self._reject(line, "no reply prefix")
                    continue
                try:
                    reply = json.loads(line[len(PREFIX) :])
                except ValueError:
                    self._reject(line, "not JSON")
                    continue
                if not isinstance(reply, dict) or reply.get("id") is None or reply.get("id") != self.pending:
                    self._reject(line, f"answers no pending request (waiting for {self.pending})")
                    continue
                self.pending = None
                self.replies.put(reply)
        self.replies.put(None)  # the worker ended

    def alive(self) -> bool:
        return self.proc.poll() is None

    def request(self, task: dict, timeout: float) -> dict | None:
        """The worker's reply, or None if it ran out of time or died (then it is stopped)."""
        task = dict(task, id=f"{task.get('student') or task.get('op')}:{secrets.token_hex(8)}")
        self.pending = task["id"]
        try:
            self.requests.write(json.dumps(task) + "\n")
            self.requests.flush()
        except OSError:
            reply = None  # the worker is gone
        else:
            try:
                reply = self.replies.get(timeout=timeout)
            except queue.Empty:
                reply = None
        if reply is None:
            self.stop()  # the kernel and its sandbox die with it
        return reply

    def generate(self, assignment: str, release_dir: Path | None = None) -> None:
        """nbgrader generate_assignment, into the course's release/ or into `release_dir`."""
        config = {"CourseDirectory": {"release_directory": str(release_dir)}} if release_dir else {}
        reply = self.request({"op": "generate", "assignment": assignment, "config": config}, timeout=300)
        generated = (reply or {}).get("generate", {})
        if not generated.get("success"):
            raise RuntimeError(
                f"nbgrader generate_assignment {assignment} failed:\n"
                + generated.get("log", "")
                + generated.get("error", "no reply from the worker")
            )

    def stop(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        with contextlib.suppress(OSError):
            self.requests.close()
        with self.lock:
            if not self.log_file.closed:
                self.log_file.close()


EXCEPTION = re.compile(r"^\s*[\w.]+(?:Error|Exception|Interrupt|Exit)\b.*:")  # a traceback's last line


def first_error(log: str) -> str:
    """The first error nbgrader logged (at most 300 characters), else the exception that ended the
    first traceback it logged, else the log's end."""
    generic = ("There was an error processing", "Please see the", "Traceback")
    lines = log.splitlines()
    errors = [
        line.split("ERROR]", 1)[1].strip() for line in lines if "ERROR]" in line and not any(g in line for g in generic)
    ]
    if errors:
        return errors[0][:300]
    for k, line in enumerate(lines):
        if "ERROR]" in line and "Traceback" in line:
            block = []
            for rest in lines[k + 1 :]:
                if rest.startswith("["):  # the next record of the log
                    break
                block.append(rest)
            raised = [n for n, b in enumerate(block) if EXCEPTION.match(b)]
            if raised:
                said = [b.strip() for b in block[raised[-1] : raised[-1] + 2] if b.strip()]
                return " ".join(said)[:300]
    return log.strip()[-300:][:300]
