"""What starts a grading kernel inside its sandbox (the launcher runs it): a keyring of its own, the
re-check process forked off before any student code, then ipykernel with an unbounded IOPub queue."""

from __future__ import annotations

import os

from .bwrap import Policy

# Run first in the kernel process: a session keyring of its own and the uid's user keyrings emptied
# (docs/grading.md, "Threat model"), the re-check process forked off, then ipykernel.
KERNEL_START = """
import ctypes, os, sys
if sys.path and sys.path[0] == "":     # as ipykernel_launcher: no module of the working folder's (IPython
    del sys.path[0]                    # puts it back for the notebook's code)
_call = {"x86_64": 250, "aarch64": 219, "ppc64le": 280, "s390x": 280, "riscv64": 219}.get(os.uname().machine)
if _call:
    _libc = ctypes.CDLL(None, use_errno=True)
    _libc.syscall(_call, 1, None)          # KEYCTL_JOIN_SESSION_KEYRING: a new, anonymous one
    for _ring in (-4, -5):                 # KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING
        _libc.syscall(_call, 5, _ring, 0x3f3f0000)   # KEYCTL_SETPERM: back to its owner's rights, if
        _libc.syscall(_call, 7, _ring)     # a kernel took them away; KEYCTL_CLEAR
    # the uid's persistent keyring (KEYCTL_GET_PERSISTENT), which outlives grading runs
    _ring = _libc.syscall(_call, 22, -1, -3)
    if _ring > 0:
        _libc.syscall(_call, 7, _ring)
    del _libc, _ring
del _call
# the re-check process (recheck.runner_source), before any student code; it shares only these imports
_fds = os.environ.pop("RNNLAB_RECHECK_FDS", "")
if _fds:
    _out, _in = (int(_fd) for _fd in _fds.split(","))
    import numpy, torch, rnnlab.checks, IPython.core.interactiveshell
    _go_read, _go_write = os.pipe()       # the kernel's last cell closes it: the re-check may start
    _pid = os.fork()
    if _pid == 0:
        try:
            import json
            os.close(_go_write)
            with os.fdopen(_in, "rb") as _f:  # read here only: the kernel never holds the cases
                _task = json.loads(_f.read())
            _scope = {"__name__": "__rnnlab_recheck__"}
            # popped: its text holds the calls' inputs, which only the program's audit hook may keep
            exec(compile(_task.pop("runner"), "<rnnlab-recheck>", "exec"), _scope)
            _scope["_rnnlab_child"](_out, _go_read, _task["cells"], _task["cell_timeout"])
        finally:
            os._exit(0)
    for _fd in (_out, _in, _go_read):
        os.close(_fd)
    # when the group's memory runs out, the kernel and its children are killed before the re-check
    _f = None
    try:
        with open("/proc/self/oom_score_adj", "w") as _f:
            _f.write("1000")
    except OSError:
        pass
    # the graded notebook's wait cells let it start and wait for it (recheck.kernel.wait_cell)
    os.environ["RNNLAB_RECHECK_PID"], os.environ["RNNLAB_RECHECK_GO"] = str(_pid), str(_go_write)
    del _out, _in, _pid, _go_read, _go_write, _fd, _f
del _fds, ctypes, os
# IOPub unbounded: past ZeroMQ's default high-water mark (1000 messages) a slow grader lost outputs and
# the closing idle message; the backlog waits in the kernel's memory, under its group's limit
import zmq
from ipykernel.kernelapp import IPKernelApp


class GradingKernelApp(IPKernelApp):
    def init_iopub(self, context):
        context.setsockopt(zmq.SNDHWM, 0)     # the default of the sockets made from here on
        super().init_iopub(context)


GradingKernelApp.launch_instance()
"""
# Descriptors 1 and 2 are not forwarded (ipykernel's late delivery put a cell's stderr in the next
# cell, a test nbgrader then scored 0); sys.stdout and sys.stderr still are. No history database.
KERNEL_OPTIONS = ["--IPKernelApp.capture_fd_output=False", "--HistoryManager.enabled=False"]
RECHECK_WAIT = 60  # seconds the graded notebook's last cells wait, in all, for the re-check process

RECHECK_OUT, RECHECK_IN = 3, 4  # descriptors the kernel process starts with


RECHECK_ENV = "RNNLAB_RECHECK_FDS"


def open_recheck(policy: Policy) -> tuple[int, int] | None:
    """The re-check's FIFO opened for writing and its input opened for reading (recheck.InjectChecks
    made both; neither is visible in the sandbox), or None when the set has no re-check."""
    if not (policy.recheck_fifo and os.path.exists(policy.recheck_fifo)):
        return None
    out = os.open(policy.recheck_fifo, os.O_WRONLY | os.O_NONBLOCK)  # the grader is reading
    os.set_blocking(out, True)
    return out, os.open(policy.recheck_input, os.O_RDONLY)


def recheck_descriptors(policy: Policy) -> dict:
    """The re-check's FIFO and input as descriptors 3 and 4, which the kernel inherits, and the
    environment variable that names them ({} when there is no re-check)."""
    opened = open_recheck(policy)
    if opened is None:
        return {}
    # move them above 3 and 4 first: either may have been given one of those numbers
    import fcntl

    moved = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in opened]
    for fd in opened:
        os.close(fd)
    for fd, target in zip(moved, (RECHECK_OUT, RECHECK_IN)):
        os.dup2(fd, target)  # dup2's copy is inheritable
        os.close(fd)
    return {RECHECK_ENV: f"{RECHECK_OUT},{RECHECK_IN}"}
