"""What starts a grading kernel inside its sandbox (the launcher runs it): a keyring of its own, the
re-check process forked off before any student code, then ipykernel with an unbounded IOPub queue."""

from __future__ import annotations

import os

from .bwrap import Policy

# Run first in the sandboxed kernel process, before ipykernel and any student code: a session
# keyring of its own (the one inherited from the grader is shared by every kernel it starts, and
# any process may add keys to a keyring it possesses), and the sandbox uid's user keyrings
# emptied (they outlive processes: a key a kernel of this uid left there would reach the next).
# SysV and POSIX IPC and abstract sockets are private already (IPC and network namespaces).
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
    # the uid's persistent keyring (KEYCTL_GET_PERSISTENT, linked into the new session keyring):
    # it outlives processes, and grading runs, as the user keyrings do
    _ring = _libc.syscall(_call, 22, -1, -3)
    if _ring > 0:
        _libc.syscall(_call, 7, _ring)
    del _libc, _ring
del _call
# the re-check process (autograder.grading.recheck.runner_source): forked off here, before ipykernel
# and so before any student code; it shares the imports below and nothing the kernel does later
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
    # when the group's memory runs out, the kernel and whatever it starts are killed before the
    # re-check process (raising one's own score needs no privilege; children inherit it)
    _f = None
    try:
        with open("/proc/self/oom_score_adj", "w") as _f:
            _f.write("1000")
    except OSError:
        pass
    # the graded notebook's last cell (autograder.grading.recheck.kernel_checks_source) lets it start,
    # once the kernel has run everything, and waits for it
    os.environ["RNNLAB_RECHECK_PID"], os.environ["RNNLAB_RECHECK_GO"] = str(_pid), str(_go_write)
    del _out, _in, _pid, _go_read, _go_write, _fd, _f
del _fds, ctypes, os
# ipykernel's IOPub socket drops whatever passes its send high-water mark (ZeroMQ's default, 1000
# messages, which neither ipykernel nor jupyter_client changes) while the grader reads more slowly
# than the student's code displays: over a Unix socket, a loaded grader lost half of 4,500 outputs
# and could lose the closing idle message too, after which nbclient waited without end or failed
# the notebook (nbgrader puts a lost error back from the execute reply; a lost idle it cannot).
# Unbounded here, the backlog waits in the kernel's memory, under its group's limit, and reaches
# the grader whole (tests/test_grading_units.py's flood probe).
import zmq
from ipykernel.kernelapp import IPKernelApp


class GradingKernelApp(IPKernelApp):
    def init_iopub(self, context):
        context.setsockopt(zmq.SNDHWM, 0)     # the default of the sockets made from here on
        super().init_iopub(context)


GradingKernelApp.launch_instance()
"""
# ipykernel forwards what reaches descriptors 1 and 2 (C code, child processes, os.write) from
# a thread of its own, which can deliver it after the cell that wrote it has ended: it then
# lands in the next cell's output, and nbgrader gives a test cell with any stderr output 0
# points (a submission whose answer cell wrote to descriptor 2 lost a visible test it passed).
# In the grading kernel those descriptors lead to /dev/null and are not forwarded; Python's own
# sys.stdout and sys.stderr still reach the cell that wrote to them.
# IPython's history database is off: no SQLite file in the sandbox's home and no thread saving to it
# (a kernel's start costs 0.07 s of CPU less); In, Out, _ and `%history -n` of this session still
# answer from memory (what reads earlier sessions, `%history -g`, finds nothing: there are none).
KERNEL_OPTIONS = ["--IPKernelApp.capture_fd_output=False", "--HistoryManager.enabled=False"]
RECHECK_WAIT = 60  # seconds the graded notebook's last cells wait, in all, for the re-check process

RECHECK_OUT, RECHECK_IN = 3, 4  # descriptors the kernel process starts with


RECHECK_ENV = "RNNLAB_RECHECK_FDS"


def open_recheck(policy: Policy) -> tuple[int, int] | None:
    """The re-check's FIFO, opened for writing (the grading worker is reading: recheck.InjectChecks
    made both files), and its input, or None when the set has no re-check; neither path is visible
    in the sandbox."""
    if not (policy.recheck_fifo and os.path.exists(policy.recheck_fifo)):
        return None
    out = os.open(policy.recheck_fifo, os.O_WRONLY | os.O_NONBLOCK)  # the grader is reading
    os.set_blocking(out, True)
    return out, os.open(policy.recheck_input, os.O_RDONLY)


def recheck_descriptors(policy: Policy) -> dict:
    """Open the re-check's FIFO and its input as descriptors 3 and 4, which the kernel
    inherits. The environment variable that tells the kernel, or {} when there is no re-check."""
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
