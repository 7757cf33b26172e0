"""The bubblewrap command line of a sandboxed kernel (`wrap`), its `Policy`, and its runtime folder:
bwrap (namespaces; only Python, the environment and the course package shown, read-only; sized
tmpfs folders; an empty environment), then setpriv to an unprivileged uid when root, then prlimit.
docs/grading.md ("Threat model") lists what the kernel cannot do.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ...course.folder import REPO

POLICY_ENV = "RNNLAB_SANDBOX_POLICY"
KERNEL_NAME = "rnnlab-sandbox"


@dataclass
class Policy:
    runtime_dir: str  # connection files and kernel sockets (bound read-write)
    uid: int = 60001  # used when the grader runs as root
    # bytes of address space per process: enough under the group's 3 GB for the re-check process
    # (about 300 MB) and page cache that a runaway allocation meets a MemoryError, not the group's limit
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

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, path: str) -> Policy:
        return cls(**json.loads(Path(path).read_text()))


def runtime_paths() -> list[str]:
    """Folders the kernel must read: Python itself, the virtual environment, the course package."""
    paths = {sys.base_prefix, sys.prefix, str(REPO / "rnnlab")}
    # site folders outside the prefix (the hub's shared Python adds the environment's with addsitedir)
    paths |= {
        p
        for p in sys.path
        if p.endswith("site-packages")
        and os.path.isdir(p)
        and not p.startswith((sys.prefix + "/", sys.base_prefix + "/"))
    }
    etc = ("ld.so.cache", "localtime", "passwd", "group", "nsswitch.conf", "fonts")
    system = ["/usr", "/lib", "/lib64", "/bin", "/sbin"] + [f"/etc/{name}" for name in etc]
    paths |= {p for p in system if os.path.lexists(p)}
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
    cmd = wrap(["/bin/true"], cwd="/", binds_rw=[], policy=Policy(runtime_dir="/"))
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
) -> list[str]:
    """The command line that runs `argv` in the sandbox with working folder `cwd`. As root, setpriv
    drops to the policy's uid (which makes the process limit bind); as another user, bwrap makes a
    user namespace and the process limit is left out (it would count every process of that user)."""
    root = os.geteuid() == 0
    cmd = ["bwrap", *"--die-with-parent --new-session --clearenv --unshare-pid --unshare-net".split()]
    cmd += "--unshare-ipc --unshare-uts --unshare-cgroup-try".split()
    if root:
        # only what setpriv needs to drop to the uid; it then drops every capability
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
    else:
        cmd += ["--unshare-user", "--disable-userns"]
    cmd += ["--proc", "/proc", "--dev", "/dev"]
    cmd += ["--perms", "1777", "--size", str(policy.tmp_size), "--tmpfs", "/tmp"]
    cmd += ["--perms", "1777", "--size", str(policy.shm_size), "--tmpfs", "/dev/shm"]

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
        # writable, or matplotlib ignores it and every kernel rebuilds the font list (about 1 s)
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
        # the kernel imports the course package the grader runs from, whatever an editable install names
        "PYTHONPATH": str(REPO),
    }
    if os.environ.get("LD_LIBRARY_PATH"):
        # the hub's copied Python finds its shared library there
        base_env["LD_LIBRARY_PATH"] = os.environ["LD_LIBRARY_PATH"]
    base_env.update(env or {})
    for key, value in base_env.items():
        cmd += ["--setenv", key, value]
    cmd += ["--chdir", cwd, "--"]
    if root:
        cmd += ["setpriv", f"--reuid={policy.uid}", f"--regid={policy.uid}", "--clear-groups"]
        cmd += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    cmd += ["prlimit", f"--as={policy.memory}", f"--cpu={policy.cpu}", f"--fsize={policy.fsize}"]
    cmd += [f"--nofile={policy.nofile}", "--core=0"] + ([f"--nproc={policy.nproc}"] if root else [])
    return cmd + ["--"] + argv


def give(path: Path, uid: int) -> None:
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
            "disk: runtime folder (kernel sockets)": f"{mb(RUNTIME_SIZE)} (tmpfs)"
            if os.path.ismount(policy.runtime_dir)
            else "NOT IN FORCE: a host folder (needs root to mount a tmpfs)",
            "keyrings": "a session keyring of its own; the uid's user and persistent keyrings emptied at start",
        }
    )
    return found


RUNTIME_SIZE = 4 * 1024**2  # the kernel's socket folder: sockets and its connection file only


def private_runtime(folder: Path, uid: int) -> str | None:
    """Mount the kernel's runtime folder (its sockets, on the host) as a small tmpfs, so that it is no
    way onto the host's disk. Returns why not, or None. Needs root."""
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
