"""Run a grading kernel in a sandbox made of existing tools: bubblewrap, setpriv and prlimit.

nbgrader starts kernels through jupyter_client. The pipeline points it at a kernelspec whose
command is the launcher (`python -m autograder.grading.launcher CONNECTION_FILE [kernel args]`),
which forks the kernel from its grading slot's warm process when it can (autograder.grading.warm)
and otherwise starts it the classic way, described here. The launcher runs with the grader's
rights, prepares a private copy of the kernel's working folder, and then replaces itself (exec)
with

    setpriv (an unprivileged uid, no capabilities)
      prlimit (address space, processes, CPU seconds, file size, open files)
        bwrap (new user, pid, network, ipc, uts and cgroup namespaces; only the Python runtime,
               the virtual environment and the course package visible, read-only; a private
               /tmp; the working folder a size-capped tmpfs; empty environment)
          python -m ipykernel_launcher -f CONNECTION_FILE ...

What the kernel cannot do: reach any network (its namespace has no interfaces but loopback;
the kernel talks to nbgrader over Unix sockets in a runtime folder bound in); read source/,
the gradebook, other submissions or anything not bound in; write outside its working folder and
/tmp (both size-capped tmpfs, never the host's disk); use more memory or processes in all than
its control group allows (autograder.grading.limits, when the machine offers cgroups); fork more
than `nproc` processes; use more than `memory` bytes of address space or `cpu` CPU seconds; outlive
the grader (bwrap --die-with-parent, and a pid namespace whose init
takes every process with it). The kernel's environment is cleared, so NBGRADER_EXECUTION and
the instructor's variables are not visible.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..course.folder import REPO

POLICY_ENV = "RNNLAB_SANDBOX_POLICY"
KERNEL_NAME = "rnnlab-sandbox"


@dataclass
class Policy:
    runtime_dir: str  # connection files and kernel sockets (bound read-write)
    scratch_root: str = ""  # unused since the working folder is a tmpfs (kept for old policy files)
    uid: int = 60001  # used when the grader runs as root
    # bytes of address space per process: under the whole kernel's 3 GB, with room for the
    # re-check process (forked at the start, idle while the notebook runs, about 300 MB) and the
    # group's page cache, so that one process that allocates without end meets a MemoryError, not
    # the group's limit. At 2.5 GB a kernel that filled its address space brought the group to
    # 3046 MB, 26 MB short, and a change that freed two thread stacks in the kernel (16 MB of
    # address space) let one more 256 MB block in: the group's limit killed the re-check process
    memory: int = 2 * 1024**3
    nproc: int = 96  # processes and threads of the sandbox uid
    cpu: int = 600  # CPU seconds per process
    fsize: int = 64 * 1024**2  # largest file it may write
    nofile: int = 256  # open files
    tmp_size: int = 256 * 1024**2  # size of its private /tmp
    work_size: int = 256 * 1024**2  # size of its working folder (a tmpfs, not the host disk)
    shm_size: int = 64 * 1024**2  # size of /dev/shm
    kernel_memory: int = 3 * 1024**3  # bytes of memory for the whole kernel (a cgroup), if offered
    limits_file: str | None = None  # the launcher records the limits in force here
    recheck_fifo: str | None = None  # the re-check process writes its results into this FIFO
    recheck_input: str | None = None  # its program and the student's answer cells (JSON)
    sandboxed: bool = True  # False: the same kernel start, without the sandbox
    mpl_cache: str | None = None  # a prebuilt matplotlib font cache to copy in
    read_only: list[str] = field(default_factory=list)  # extra folders to show, read-only
    warm_socket: str | None = None  # the grading slot's warm process (autograder.grading.warm)
    warm_root: str | None = None  # the folder whose tmpfs its kernels' working folders are in

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, path: str) -> Policy:
        return cls(**json.loads(Path(path).read_text()))


def runtime_paths() -> list[str]:
    """Folders the kernel must read: Python itself, the virtual environment, the course package."""
    paths = {sys.base_prefix, sys.prefix, str(REPO / "rnnlab")}
    # site folders outside the prefix: a Python that loads the course environment's packages
    # with site.addsitedir (the shared Python of autograder.deploying.hub) needs them too
    paths |= {
        p
        for p in sys.path
        if p.endswith("site-packages")
        and os.path.isdir(p)
        and not p.startswith((sys.prefix + "/", sys.base_prefix + "/"))
    }
    for p in (
        "/usr",
        "/lib",
        "/lib64",
        "/bin",
        "/sbin",
        "/etc/ld.so.cache",
        "/etc/localtime",
        "/etc/passwd",
        "/etc/group",
        "/etc/nsswitch.conf",
        "/etc/fonts",
    ):
        if os.path.lexists(p):
            paths.add(p)
    return sorted(paths)


def missing_tools() -> list[str]:
    tools = ["bwrap", "prlimit"] + (["setpriv"] if os.geteuid() == 0 else [])
    return [t for t in tools if shutil.which(t) is None]


def check() -> str | None:
    """None if the sandbox works on this machine, else the reason it does not."""
    missing = missing_tools()
    if missing:
        return (
            f"missing {', '.join(missing)} (Debian: apt-get install bubblewrap util-linux); "
            "student code would run with your rights"
        )
    cmd = wrap(["/bin/true"], cwd="/", binds_rw=[], policy=Policy(runtime_dir="/", scratch_root="/"))
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {proc.stderr.strip()[:300]}"
    return None


def wrap(
    argv: list[str],
    cwd: str,
    binds_rw: list[tuple[str, str]],
    policy: Policy,
    env: dict | None = None,
    binds_ro: list[tuple[str, str]] = (),
    sized_tmpfs: list[tuple[str, int]] = (),
    as_pid_1: bool = False,
) -> list[str]:
    """The command line that runs `argv` in the sandbox with working folder `cwd`.

    As root (CI, a grading server): bwrap builds pid, network, ipc and uts namespaces and the
    mounts, then setpriv drops to an unprivileged uid with no capabilities, and prlimit sets the
    limits; a real unprivileged uid is what makes the process limit bind. As another user:
    bwrap also makes a user namespace, and the process limit is left out, since it would count
    every process of that user. With `as_pid_1`, `argv` is the pid namespace's first process
    (autograder.grading.warm_process: no other process of the sandbox may signal it), and the
    namespace's POSIX message queues are in /dev/mqueue.
    """
    root = os.geteuid() == 0
    cmd = [
        "bwrap",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
    ]
    if as_pid_1:
        cmd.append("--as-pid-1")
    if root:
        # only what setpriv needs to drop to the uid; it then drops every capability
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
    else:
        cmd += ["--unshare-user", "--disable-userns"]
    cmd += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--perms",
        "1777",
        "--size",
        str(policy.tmp_size),
        "--tmpfs",
        "/tmp",
        "--perms",
        "1777",
        "--size",
        str(policy.shm_size),
        "--tmpfs",
        "/dev/shm",
    ]
    if as_pid_1:
        cmd += ["--mqueue", "/dev/mqueue"]  # the IPC namespace's POSIX message queues, to remove them

    made: set[str] = {"/", "/tmp", "/proc", "/dev"}
    bound: list[str] = []

    def parents(path: str) -> None:
        # bwrap copies the modes of missing parents (0700 for /root); make them traversable
        for parent in reversed(Path(path).parents):
            p = str(parent)
            if p in made or any(p == b or p.startswith(b + "/") for b in bound):
                continue
            cmd.extend(["--perms", "0755", "--dir", p])
            made.add(p)

    for path in sorted(set(runtime_paths() + list(policy.read_only))):
        parents(path)
        cmd += ["--ro-bind", path, path]
        bound.append(path)
    for dst, size in sized_tmpfs:
        parents(dst)
        cmd += ["--perms", "1777", "--size", str(size), "--tmpfs", dst]
        made.add(dst)
    for src, dst in binds_rw:
        parents(dst)
        cmd += ["--bind", src, dst]
    for src, dst in binds_ro:
        parents(dst)
        cmd += ["--ro-bind", src, dst]
    if policy.mpl_cache:
        # matplotlib uses a config folder only if it may write there; as root, bwrap would
        # make it root's, and every kernel would then rebuild the font list (about 1 s)
        cmd += ["--perms", "1777", "--dir", "/tmp/mpl"]
        for f in sorted(Path(policy.mpl_cache).glob("*.json")):
            cmd += ["--ro-bind", str(f), f"/tmp/mpl/{f.name}"]
    base_env = {
        "PATH": f"{sys.prefix}/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLCONFIGDIR": "/tmp/mpl",
        "IPYTHONDIR": "/tmp/ipython",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TMPDIR": "/tmp",
        # the course package the grader runs from, shown read-only above, is the one the kernel
        # imports (in a copy of the course too), whatever folder an editable install names
        "PYTHONPATH": str(REPO),
    }
    if os.environ.get("LD_LIBRARY_PATH"):
        # a Python whose runtime was copied (autograder.deploying.hub) finds its shared library there
        base_env["LD_LIBRARY_PATH"] = os.environ["LD_LIBRARY_PATH"]
    base_env.update(env or {})
    for key, value in base_env.items():
        cmd += ["--setenv", key, value]
    cmd += ["--chdir", cwd, "--"]
    if root:
        cmd += [
            "setpriv",
            f"--reuid={policy.uid}",
            f"--regid={policy.uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            "--",
        ]
    cmd += [
        "prlimit",
        f"--as={policy.memory}",
        f"--cpu={policy.cpu}",
        f"--fsize={policy.fsize}",
        f"--nofile={policy.nofile}",
        "--core=0",
    ] + ([f"--nproc={policy.nproc}"] if root else [])
    return cmd + ["--"] + argv


def write_kernelspec(folder: Path) -> Path:
    """A kernelspec named rnnlab-sandbox whose command is the launcher (autograder.grading.launcher)."""
    spec_dir = folder / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "autograder.grading.launcher", "{connection_file}"],
                "display_name": "Python 3 (grading sandbox)",
                "language": "python",
                # bwrap does not forward signals into its pid namespace: interrupt by message instead
                "interrupt_mode": "message",
            },
            indent=1,
        )
    )
    return spec_dir


def _give(path: Path, uid: int) -> None:
    """Hand a file or a folder tree to the sandbox uid (only needed, and only possible, as root)."""
    if os.geteuid() != 0:
        return
    os.chown(path, uid, uid, follow_symlinks=False)
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            os.chown(root, uid, uid)
            for name in files:
                os.chown(os.path.join(root, name), uid, uid, follow_symlinks=False)


def limits_in_force(policy: Policy, group) -> dict:
    """Every limit the kernel runs under, and how it is enforced, for the grading report."""
    mb = lambda n: f"{n // 1024**2} MB"
    root = os.geteuid() == 0
    found = {f"{c} (whole kernel)": how for c, how in group.in_force.items()} if group else {}
    found.update(
        {
            f"{c} (whole kernel)": "NOT IN FORCE: " + why
            for c, why in (group.not_in_force.items() if group else [("memory", "needs root"), ("pids", "needs root")])
        }
    )
    found.update(
        {
            "address space per process": f"{mb(policy.memory)} (prlimit)",
            "processes of the sandbox uid": f"{policy.nproc} (prlimit)"
            if root
            else "NOT IN FORCE: not grading as root",
            "CPU seconds per process": f"{policy.cpu} (prlimit)",
            "largest file": f"{mb(policy.fsize)} (prlimit)",
            "disk: working folder": f"{mb(policy.work_size)} (tmpfs)",
            "disk: /tmp": f"{mb(policy.tmp_size)} (tmpfs)",
            "disk: /dev/shm": f"{mb(policy.shm_size)} (tmpfs)",
            # a forked kernel's folder is made in its slot's tmpfs (autograder.grading.autograde)
            "disk: runtime folder (kernel sockets)": f"{mb(RUNTIME_SIZE)} (tmpfs)"
            if any(os.path.ismount(p) for p in (policy.runtime_dir, os.path.dirname(policy.runtime_dir.rstrip("/"))))
            else "NOT IN FORCE: a host folder (needs root to mount a tmpfs)",
            "keyrings": "a session keyring of its own; the uid's user and persistent keyrings emptied at start",
        }
    )
    return found


# Run first in the sandboxed kernel process, before ipykernel and any student code: a session
# keyring of its own (the one inherited from the grader is shared by every kernel it starts, and
# any process may add keys to a keyring it possesses), and the sandbox uid's user keyrings
# emptied (they outlive processes: a key a kernel of this uid left there would reach the next).
# SysV and POSIX IPC and abstract sockets are private already (IPC and network namespaces; a
# forked kernel shares its slot's, which its warm process empties between two kernels).
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

RUNTIME_SIZE = 4 * 1024**2  # the kernel's socket folder: sockets and its connection file only


def private_runtime(folder: Path, uid: int) -> str | None:
    """Make the kernel's runtime folder (its sockets, on the host: the grader connects to them) a
    small tmpfs, so that it is no way onto the host's disk. Returns why not, or None. Needs root."""
    if os.geteuid() != 0:
        return "needs root"
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={RUNTIME_SIZE},mode=0700,nosuid,nodev", "rnnlab-runtime", str(folder)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        return f"mount failed: {proc.stderr.strip()[:200]}"
    os.chown(folder, uid, uid)
    return None


def release_runtime(folder: Path) -> None:
    """Unmount (if mounted) and remove a runtime folder."""
    if os.geteuid() == 0 and os.path.ismount(folder):
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
    # a kernel may leave a tree too deep for shutil.rmtree's recursion; rm walks any depth
    subprocess.run(["rm", "-rf", "--one-file-system", "--", str(folder)], capture_output=True)


RECHECK_OUT, RECHECK_IN = 3, 4  # descriptors the kernel process starts with


RECHECK_ENV = "RNNLAB_RECHECK_FDS"


def open_recheck(policy: Policy) -> tuple[int, int] | None:
    """The re-check's FIFO, opened for writing (the grader is reading), and its input, or None
    when there is no re-check; neither path is visible in the sandbox."""
    if not (policy.recheck_fifo and policy.recheck_input):
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
