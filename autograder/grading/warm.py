"""Grading kernels forked from a warm process, one per grading slot (autograder.grading.warm_process).

A fresh grading kernel spends about 1.8 s of CPU importing torch, NumPy, IPython and ipykernel
before it runs a cell: most of a submission's cost. A slot's warm process imports them once, in
the same sandbox a kernel gets, and forks each of the slot's kernels from there; a kernel still
serves one student only, and what it leaves behind is removed before the next one
(warm_process's docstring lists how).

The host's side is here: `WarmProcess` starts a slot's warm process (the pipeline does, when a
batch has more submissions than slots), and `forked` is the kernel launcher's way to it
(autograder.grading.launcher): it asks the warm process for a child, moves the child into
the kernel's control group, hands it the kernel's connection, files and re-check descriptors,
and then waits for it as jupyter_client waits for the launcher. Whenever the warm process cannot
serve (not started, gone, refused), `forked` returns None before any of the student's code has
run, and the launcher starts the kernel the classic way. The pipeline starts warm processes only
when grading as root: the slot's runtime folder is root's, each kernel's its own in it, and the
warm process's uid is not the grader's.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

from ..course.lifeline import end_by_lifeline
from . import sandbox as sb

SOURCE = Path(__file__).with_name("warm_process.py")
MAX_FILES = 32  # files beside the notebook in its folder (nbgrader's records: 1 or 2)
FILE_LIMIT = 1024**2  # bytes of each, at most (larger: the classic start, which binds them)
PR_SET_PDEATHSIG = 1
# seconds a launcher waits for the warm process to fork its kernel: it first removes what the
# slot's last kernel left, which that kernel can make slow (millions of hard links); past this,
# the kernel starts the classic way, well inside nbclient's 60 s for a kernel's start
START_WAIT = 15
WAIT_ENV = "RNNLAB_WARM_START_WAIT"  # another number of seconds (the tests' shorter wait)
# A file beside the socket, made by the first launcher that waited in vain: the slot's later
# kernels start the classic way at once. Without it, a hostile kernel that left millions of
# folders made each of the next students wait START_WAIT first (19-22 s each, a blind attack).
GAVE_UP = ".gave-up"


def gave_up(policy: sb.Policy) -> bool:
    """Whether a kernel of this slot waited in vain for the warm process."""
    return bool(policy.warm_socket) and os.path.exists(policy.warm_socket + GAVE_UP)


class WarmProcess:
    """One slot's warm process, in the sandbox `policy` describes, listening on a socket in a
    private folder of the grader's (the sandbox sees neither)."""

    def __init__(self, policy: sb.Policy, work_root: Path, log_path: Path, imports: list | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix="rnnlab-warm-"))
        self.socket_path = str(self.folder / "s")
        self.work_root = str(work_root)
        self.runtime, self.uid = policy.runtime_dir, policy.uid
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(self.socket_path)
        listener.listen(4)
        # the grader's end of a pipe: when it closes (this process stops or dies), the warm process
        # ends, and its namespace with it (bwrap's --die-with-parent does not reach a pid 1 whose
        # uid setpriv changed: a change of credentials clears the parent-death signal)
        lifeline, self.lifeline = os.pipe()
        config = {
            "listen_fd": listener.fileno(),
            "lifeline_fd": lifeline,
            "work_root": self.work_root,
            "kernel_start": sb.KERNEL_START,
            "imports": imports or [],
        }
        cmd = sb.wrap(
            [sys.executable, "-c", SOURCE.read_text(), json.dumps(config)],
            cwd=self.work_root,
            binds_rw=[(policy.runtime_dir, policy.runtime_dir)],
            policy=policy,
            sized_tmpfs=[(self.work_root, policy.work_size)],
            as_pid_1=True,
        )
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen(
                cmd, pass_fds=[listener.fileno(), lifeline], stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        listener.close()
        os.close(lifeline)  # the warm process holds it: once it is gone, connecting fails

    def pid(self) -> int | None:
        """The warm process's pid (bwrap's child), once it runs."""
        try:
            return int(Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.lifeline is not None:
            end_by_lifeline(self.proc, self.lifeline)
            self.lifeline = None
        for path in (self.socket_path, self.socket_path + GAVE_UP):
            try:
                os.unlink(path)
            except OSError:
                pass
        try:
            self.folder.rmdir()
        except OSError:
            pass


def notebook_imports(nb) -> list[list]:
    """What the code cells of `nb` (the problem set's source notebook: its setup, solutions and
    hidden tests) import anywhere, for the warm process to import once, before any fork: ps08's
    hidden tests import scikit-learn, about 0.9 s of CPU in each kernel and again in its re-check.
    Each entry is [module, submodules]: `import a.b` is ["a.b", []]; `from a import b, c` is
    ["a", [...]] with those of b and c that are modules on disk (`from sklearn import metrics`),
    which the warm process imports as the statement does, only where `a` has no such name (a
    function of `a` stays one). Names that are not modules (the hidden tests' helpers) are left
    out: the warm process's command line and memory are readable by the kernels. A cell that is
    not Python once IPython's syntax is read is skipped."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    found: dict[str, list[str]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(TransformerManager().transform_cell(cell.source))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.setdefault(alias.name, [])
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = found.setdefault(node.module, [])
                names += [a.name for a in node.names if a.name not in names and is_submodule(node.module, a.name)]
    return [[module, names] for module, names in found.items()]


def is_submodule(package: str, name: str) -> bool:
    """Whether `package`.`name` is a module on disk (a folder, a .py file or an extension), found
    without importing anything."""
    import importlib.machinery
    import importlib.util

    try:
        spec = importlib.util.find_spec(package.split(".")[0])
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    folders = [Path(p) for p in spec.submodule_search_locations]
    for part in package.split(".")[1:] + [name]:
        below = [f / part for f in folders]
        if part == name and any(
            f.with_suffix(ext).is_file() for f in below for ext in importlib.machinery.all_suffixes()
        ):
            return True
        folders = [f for f in below if f.is_dir()]
    return bool(folders)


def files_beside(cwd: str) -> list[str] | None:
    """The names of the regular files the kernel's folder holds beside the notebook (the classic
    start shows them read-only), or None if the folder holds what only the classic start shows
    (a folder, many or large files)."""
    names = []
    for item in sorted(Path(cwd).iterdir()):
        if item.suffix == ".ipynb" or item.name.startswith(".ipynb_checkpoints") or item.is_symlink():
            continue
        if not item.is_file() or item.stat().st_size > FILE_LIMIT:
            return None
        names.append(item.name)
    return names if len(names) <= MAX_FILES else None


def forked(policy: sb.Policy, connection_file: str, kernel_args: list[str], group, record) -> int | None:
    """Run the kernel as a child of the slot's warm process; its exit code once it ends, or None
    if the warm process could not start it (nothing of the student's has run then).
    `record(how)` writes the kernel's limits with the way it started, once it is in its group."""
    cwd = os.getcwd()
    if not (policy.warm_socket and policy.warm_root and cwd.startswith(policy.warm_root.rstrip("/") + "/")):
        return None
    names = files_beside(cwd)
    if names is None or gave_up(policy):
        return None
    connection = Path(connection_file)
    private = Path(policy.runtime_dir) / (connection.stem + "-sandbox.json")
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    conn.settimeout(float(os.environ.get(WAIT_ENV, START_WAIT)))  # busy or stuck: the classic start
    try:
        conn.connect(policy.warm_socket)
        conn.send(b"{}")  # a kernel, please
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        msg, ancdata, _, _ = conn.recvmsg(16, socket.CMSG_SPACE(struct.calcsize("3i")))
    except OSError as err:
        conn.close()
        if isinstance(err, TimeoutError):
            Path(policy.warm_socket + GAVE_UP).touch()  # the grader's folder: no kernel sees it
        return None
    pid = next(
        (
            struct.unpack("3i", data)[0]
            for level, kind, data in ancdata
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS
        ),
        None,
    )
    if msg != b"pid" or not pid:
        conn.close()  # the warm process refused (it says why in its log) or is gone
        return None
    # a child is waiting for its request: from here on, this is the kernel
    conn.settimeout(None)
    if group:
        group.enter(pid)
    record(
        "forked from the grading slot's warm process (a fork, not a fresh start: torch and IPython already imported)"
    )
    try:
        recheck = list(sb.open_recheck(policy) or ())
        fds = recheck + [os.open(os.path.join(cwd, n), os.O_RDONLY | os.O_NOFOLLOW) for n in names]
        request = {
            "cwd": cwd,
            "files": names,
            "file_limit": FILE_LIMIT,
            "recheck_fds": len(recheck),
            "connection_file": str(private),
            "connection": connection.read_text(),
            "env": {sb.RECHECK_ENV: f"{sb.RECHECK_OUT},{sb.RECHECK_IN}"} if recheck else {},
            "argv": ["-f", str(private), *sb.KERNEL_OPTIONS, *kernel_args],
        }
        conn.sendmsg(
            [json.dumps(request).encode()],
            [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack(f"{len(fds)}i", *fds))] if fds else [],
        )
        for fd in fds:
            os.close(fd)
        said = conn.recv(64)
    except OSError:
        said = b""
    conn.close()
    if not said.startswith(b"exit "):
        return 1
    code = int(said[5:])
    return code if code >= 0 else 128 - code  # killed by a signal: as a shell (and bwrap) says it


def die_with_parent() -> None:
    """This launcher ends when the grading worker that started it does (the warm process then
    kills its kernel): what bwrap's --die-with-parent gives the classic start."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
