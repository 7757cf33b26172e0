"""Lecture kernels forked from a warm process, for the runs that start many: the website's build
(every lecture), the tests' notebook runs (strict nbval, the untrained claims) and the tests'
JupyterLab (autograder/course/labkernels.py).

A lecture's kernel spends about 2.4 s of CPU importing torch, torch._dynamo, NumPy, IPython and
ipykernel before its cells do any work; `make test` starts about seventy of them. Here a process
that runs them (a pytest worker, the website's build) starts one warm process per environment
(autograder/course/kernelwarm.py), which imports all that once and forks each kernel from there.
jupyter_client still starts a process per kernel, a small launcher (autograder/course/kernelstub.py)
that stands for the forked kernel: signals, exit code, and its death (the kernel dies with it).

Nothing else changes: a forked kernel has the working folder, the environment, the streams
(buffered as a fresh process's, PYTHONUNBUFFERED read), the umask, limits, priority and CPUs, and
the sys.argv a fresh one would have (not sys.orig_argv nor /proc/self/cmdline, which show the warm
process's `python -c`), leads its own process group (jupyter_client's interrupts and kills reach the
processes it starts), draws its own random numbers (Python's, NumPy's, torch's, multiprocessing's
key), and what the warm-up computed from its folder is recomputed; tests/test_kernels.py compares
it with a fresh kernel. What shows that it was forked: torch, torch._dynamo, NumPy and IPython's
modules are imported even in a kernel that never uses them (with the variable torch._dynamo
sets); warnings printed while those modules were imported went to the warm process's log; Python's
hash seed is the warm process's; the kernel's parent is the warm process, and the process
jupyter_client holds is its launcher. Strict nbval,
in `make test`, compares every lecture's outputs with the committed ones, which
`make execute-notebooks` writes with fresh kernels. Whenever a kernel cannot be forked (another
interpreter or kernel, another environment, limits or umask changed since, a warm process gone or
refusing), its launcher starts it the classic way. Lecture notebooks only: a forked kernel is a
copy of the instructor's process, not a sandbox.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from rnnlab.kernels import AsyncIpcKernelManager, IpcKernelManager

from .lifeline import end_by_lifeline

HERE = Path(__file__).parent
# read once: a run whose files change under it keeps starting what it started with
WARM = (HERE / "kernelwarm.py").read_text()
STUB = (HERE / "kernelstub.py").read_text()
LAUNCHER = ["-m", "ipykernel_launcher"]
# The only variables (by prefix) in which a kernel's environment may differ from its warm process's:
# what pytest and jupyter_client set for each test and kernel (ipykernel's import reads JPY_PARENT_PID,
# which the warm process reads again in each kernel), and the course's own, read by rnnlab, which the
# warm process does not import (every test has its own RNNLAB_REVIEW_FILE; the claims run RNNLAB_UNTRAINED).
PER_KERNEL = ("PYTEST_CURRENT_TEST", "JPY_", "RNNLAB_")
OFF = "RNNLAB_KERNEL_FORK"  # 0: every kernel starts the classic way (to compare, or to rule this out)


def _comparable(env: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in env.items() if not k.startswith(PER_KERNEL)))


def inherited() -> dict:
    """What a kernel inherits from this process beside its folder, environment and streams (its
    launcher has this process's; the warm process has what this process had when it started it)."""
    import resource

    umask = os.umask(0o22)
    os.umask(umask)
    return {
        "umask": umask,
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "cpus": sorted(os.sched_getaffinity(0)),
        "limits": {
            name: resource.getrlimit(getattr(resource, name))
            for name in sorted(dir(resource))
            if name.startswith("RLIMIT_")
        },
    }


class WarmKernels:
    """One warm process, for kernels started with `env`; it ends when this process does."""

    def __init__(self, env: dict):
        self.inherited = inherited()
        # short: a Unix socket's path must fit in 107 bytes (a long $TMPDIR would not)
        self.folder = tempfile.mkdtemp(prefix="rnnlab-fork-", dir="/tmp" if os.path.isdir("/tmp") else None)
        self.socket_path = os.path.join(self.folder, "s")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(self.socket_path)
        listener.listen(16)
        lifeline, self.lifeline = os.pipe()
        config = {
            "listen_fd": listener.fileno(),
            "lifeline_fd": lifeline,
            "per_kernel": PER_KERNEL,
            "folder": self.folder,
        }
        with open(os.path.join(self.folder, "log"), "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", WARM, json.dumps(config)],
                env=env,
                cwd="/",
                pass_fds=[listener.fileno(), lifeline],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        listener.close()
        os.close(lifeline)
        self.said = False

    def ended(self) -> bool:
        """Whether the warm process has ended (said once, on standard error, with its log)."""
        if self.proc.poll() is None:
            return False
        if not self.said:
            self.said = True
            try:
                log = Path(self.folder, "log").read_text(errors="replace")[-2000:]
            except OSError as err:
                log = str(err)
            print(
                f"autograder.course.kernelfork: the warm process ended (exit code {self.proc.returncode}); "
                f"kernels start the classic way. Its log:\n{log}",
                file=sys.stderr,
            )
        return True

    def stop(self) -> None:
        if self.lifeline is not None:
            end_by_lifeline(self.proc, self.lifeline)
            self.lifeline = None
        shutil.rmtree(self.folder, ignore_errors=True)


_warm: dict[tuple, WarmKernels | None] = {}
_lock = threading.Lock()


def warm_kernels(env: dict) -> WarmKernels | None:
    """This process's warm process for kernels started with `env`, started at the first ask; None
    once it has ended (it is not started again: one that fails at its start would cost each kernel
    its imports twice)."""
    key = _comparable(env)
    with _lock:
        if key not in _warm:
            if not _warm:
                atexit.register(stop_all)
            _warm[key] = None  # if it cannot start, it is not tried again
            _warm[key] = WarmKernels(dict(env))
        warm = _warm[key]
    return None if warm is None or warm.ended() else warm


def stop_all() -> None:
    with _lock:
        for warm in _warm.values():
            if warm is not None:
                warm.stop()
        _warm.clear()


def forked_command(kernel_cmd: list[str], env: dict | None) -> list[str]:
    """The launcher's command line for `kernel_cmd`, or `kernel_cmd` itself if it is not this
    interpreter's ipykernel (another kernel, another Python)."""
    if os.name != "posix" or kernel_cmd[:3] != [sys.executable, *LAUNCHER] or os.environ.get(OFF) == "0":
        return kernel_cmd
    try:
        warm = warm_kernels(os.environ if env is None else env)
    except Exception as err:  # no warm process (a socket, a process it could not make)
        print(
            f"autograder.course.kernelfork: no warm process ({err!r}); the kernel starts the classic way",
            file=sys.stderr,
        )
        return kernel_cmd
    if warm is None or warm.inherited != inherited():  # limits, priority, CPUs or umask changed since
        return kernel_cmd
    return [sys.executable, "-I", "-S", "-c", STUB, warm.socket_path, *kernel_cmd]


class Forked:
    """Mixin for a jupyter_client kernel manager: its kernels forked from a warm process."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        await super()._async_launch_kernel(forked_command(kernel_cmd, kw.get("env")), **kw)


class ForkedKernelManager(Forked, IpcKernelManager):
    """rnnlab.kernels.IpcKernelManager (nbval's), its kernels forked."""


class AsyncForkedKernelManager(Forked, AsyncIpcKernelManager):
    """rnnlab.kernels.AsyncIpcKernelManager (nbclient's), its kernels forked."""


def notebook_client(nb, **options):
    """rnnlab.kernels.notebook_client, its kernels forked."""
    from nbclient import NotebookClient

    return NotebookClient(nb, kernel_manager_class=AsyncForkedKernelManager, **options)
