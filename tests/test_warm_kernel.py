"""Kernels forked from a grading slot's warm process (autograder.grading.warm): one kernel per
student still, and nothing one kernel does reaches the next or the warm process.

Each test drives the real launcher (the rnnlab-sandbox kernelspec) through jupyter_client, as
nbgrader does, with kernels started one after another from one warm process: a first "student"
leaves everything it can behind, and the next looks for it. The batches of test_grading.py and
test_attacks.py check that graded kernels really were forked (the limits each records).
"""

import json
import os
import signal
import time
from pathlib import Path

import pytest

from autograder.grading import sandbox as sb
from autograder.grading import warm
from autograder.grading.autograde import Autograding
from autograder.grading.limits import Group
from autograder.grading.warm import WarmProcess
from conftest import IN_CI, processes_of
from rnnlab.kernels import IpcKernelManager

pytestmark = [
    pytest.mark.grading,
    pytest.mark.skipif(
        not IN_CI and sb.missing_tools() != [], reason=f"sandbox tools missing: {sb.missing_tools()} (CI installs them)"
    ),
    # the pipeline starts warm processes only as root (CI grades as root)
    pytest.mark.skipif(not IN_CI and os.geteuid() != 0, reason="warm processes need root"),
]

UID = int(os.environ.get("RNNLAB_SANDBOX_UID_BASE", "60001")) + 30  # clear of the pipeline's slots
FORKED = "forked from the grading slot's warm process"


class Slot:
    """A warm process and what the pipeline gives each kernel of its slot."""

    def __init__(self, base: Path, imports: list | None = None):
        self.base = base
        self.root = base / "course" / "autograded"
        self.root.mkdir(parents=True)
        self.runtime = Autograding.slot_runtime(UID)
        (base / "log").mkdir()
        spec = sb.write_kernelspec(base / "jupyter")
        assert spec.is_dir()
        self.warm = WarmProcess(
            sb.Policy(runtime_dir=str(self.runtime), uid=UID), self.root, base / "log" / "warm.log", imports
        )
        self.count, self.last = 0, None

    def kernel(self, student: str, files: dict[str, str] | None = None, warm: bool = True):
        """A started KernelManager for `student`, and its limits record's path."""
        self.count += 1
        cwd = self.root / student / "ps"
        cwd.mkdir(parents=True)
        for name, text in (files or {}).items():
            (cwd / name).write_text(text)
        record = self.base / "log" / f"limits-{self.count}.json"
        if self.last:  # the pipeline removes a kernel's folder when it ends
            sb.release_runtime(self.last)
        runtime = self.last = Autograding.kernel_runtime(self.warm)
        policy = sb.Policy(runtime_dir=str(runtime), uid=UID, limits_file=str(record))
        if warm:
            policy.warm_socket, policy.warm_root = self.warm.socket_path, self.warm.work_root
        policy.save(self.base / f"policy-{self.count}.json")
        os.environ.update(
            {
                "JUPYTER_PATH": str(self.base / "jupyter"),
                "JUPYTER_RUNTIME_DIR": str(runtime),
                sb.POLICY_ENV: str(self.base / f"policy-{self.count}.json"),
            }
        )
        km = IpcKernelManager(kernel_name=sb.KERNEL_NAME, ip=str(runtime / "kernel"))
        km.start_kernel(cwd=str(cwd))
        return km, record

    def stop(self):
        self.warm.stop()
        sb.release_runtime(self.runtime)


@pytest.fixture
def slot(tmp_path, monkeypatch):
    for key in ("JUPYTER_PATH", "JUPYTER_RUNTIME_DIR", sb.POLICY_ENV):
        monkeypatch.delenv(key, raising=False)
    made = Slot(tmp_path)
    yield made
    made.stop()


def run(km: IpcKernelManager, code: str, timeout: float = 60) -> str:
    """What `code` prints in the kernel (its error's name and message if it raises)."""
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=timeout)
        said = []

        def output(msg):
            if msg["msg_type"] == "stream":
                said.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                said.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

        client.execute_interactive(code, output_hook=output, timeout=timeout)
        return "".join(said)
    finally:
        client.stop_channels()


def limits(record: Path) -> dict:
    return json.loads(record.read_text())["limits"]


KEYS = r"""
import ctypes, os, sys
RT = os.path.dirname([a for a in sys.argv if a.endswith(".json")][0])     # this kernel's runtime folder
libc = ctypes.CDLL(None, use_errno=True)
librt = ctypes.CDLL("librt.so.1", use_errno=True)
KEYCTL, ADD_KEY = {"x86_64": (250, 248), "aarch64": (219, 217)}[os.uname().machine]
persistent = libc.syscall(KEYCTL, 22, -1, -3)                 # KEYCTL_GET_PERSISTENT, into the session keyring
"""

LEAVE_BEHIND = (
    KEYS
    + r"""
import subprocess, sys, numpy, torch
libc.syscall(ADD_KEY, b"user", b"alice", b"alice's secret", 14, persistent)
queue = librt.mq_open(b"/alice", os.O_RDWR | os.O_CREAT, 0o600, None)
librt.mq_send(queue, b"alice's secret", 14, 0)
for folder in ("/tmp", "/dev/shm", ".", RT, ".."):
    with open(os.path.join(folder, "left-by-alice"), "w") as f:
        f.write("alice's secret")
os.setxattr(RT, "user.alice", b"alice's secret")
os.makedirs("/tmp/locked/deeper", exist_ok=True)
open("/tmp/locked/deeper/f", "w").write("x")
os.chmod("/tmp/locked/deeper", 0); os.chmod("/tmp/locked", 0)
libc = ctypes.CDLL(None, use_errno=True)
segment = libc.shmget(0x5EC2E7, 4096, 0o1666)              # IPC_CREAT | 0666
lingering = subprocess.Popen(["sleep", "1000"], start_new_session=True)
torch.marker_of_alice = 1; os.environ["ALICE"] = "1"; sys.modules["alice_module"] = sys
tries = []
for sig in (signal_kill := 9, 19):                           # SIGKILL, SIGSTOP to the warm process
    try:
        os.kill(1, sig); tries.append("signalled")
    except OSError as err:
        tries.append(type(err).__name__)
try:
    open(os.path.join(os.path.dirname(RT), "left-by-alice"), "w"); tries.append("wrote in the slot's folder")
except OSError as err:
    tries.append(type(err).__name__)
tries.append("handles signals " + [l for l in open("/proc/1/status") if l.startswith("SigCgt")][0].split()[1])
for name in ("environ", "mem", "maps"):
    try:
        open(f"/proc/1/{name}", "rb").read(64); tries.append(f"read {name}")
    except OSError as err:
        tries.append(type(err).__name__)
tries.append("ptrace " + str(libc.ptrace(16, 1, None, None)))   # PTRACE_ATTACH
print(segment >= 0 and queue >= 0 and persistent > 0, lingering.pid > 1, numpy.random.randint(1 << 30), tries)
"""
)

# the sandboxed kernel, forked or fresh, runs without IPython's history thread (sandbox.KERNEL_OPTIONS)
THREADS = "import threading\nprint(sorted(type(t).__name__ for t in threading.enumerate()))"

LOOK = (
    KEYS
    + r"""
import sys, torch, numpy
seen = []
if librt.mq_open(b"/alice", os.O_RDONLY | os.O_NONBLOCK, 0, None) >= 0:
    seen.append("alice's message queue")
if persistent > 0 and libc.syscall(KEYCTL, 11, persistent, None, 0) > 0:    # KEYCTL_READ: its keys' ids
    seen.append("a key in the persistent keyring")
for folder in ("/tmp", "/dev/shm", RT):
    seen += [os.path.join(folder, n) for n in os.listdir(folder) if "alice" in n or n == "locked"]
for root, dirs, files in os.walk("../.."):                   # every working folder of the slot's kernels
    seen += [os.path.join(root, n) for n in dirs + files if "alice" in n]
seen += [n for n in os.listdir(os.path.dirname(RT)) if n != os.path.basename(RT)]    # other kernels' folders
seen += os.listxattr(RT)
with open("/proc/sysvipc/shm") as f:
    seen += f.read().splitlines()[1:]
for pid in (p for p in os.listdir("/proc") if p.isdigit()):
    try:
        cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")[0].decode()
    except OSError:
        continue
    if "sleep" in cmd:
        seen.append(f"process {pid} {cmd}")
seen += [what for what in ("torch", "environ", "module") if
         {"torch": hasattr(torch, "marker_of_alice"), "environ": "ALICE" in os.environ,
          "module": "alice_module" in sys.modules}[what]]
print(seen, numpy.random.randint(1 << 30), os.getcwd())
"""
)


def test_nothing_of_one_kernel_reaches_the_next_or_the_warm_process(slot):
    km, record = slot.kernel("alice", files={"timestamp.txt": "2026-11-28 10:00:00"})
    try:
        said = run(km, "import os\nprint(open('timestamp.txt').read(), os.access('timestamp.txt', os.W_OK))")
        assert said == "2026-11-28 10:00:00 False\n", said
        assert limits(record)["kernel start"].startswith(FORKED), limits(record)
        left = run(km, LEAVE_BEHIND)
    finally:
        km.shutdown_kernel(now=False)
    segment, lingered, alice_draw, tries = left.split(" ", 3)
    assert segment == lingered == "True", left
    # pid 1 of the namespace takes no signal from inside it, and is not dumpable
    assert eval(tries) == [
        "signalled",
        "signalled",
        "PermissionError",
        "handles signals 0000000000000000",
        "PermissionError",
        "PermissionError",
        "PermissionError",
        "ptrace -1",
    ], left
    assert slot.warm.alive()

    km, record = slot.kernel("bob")
    try:
        said = run(km, LOOK)
        threads = run(km, THREADS)
    finally:
        km.shutdown_kernel(now=False)
    assert limits(record)["kernel start"].startswith(FORKED), limits(record)
    bob_draw, cwd = said.split()[-2:]
    assert said.startswith("[] "), "nothing of alice's reached bob: " + said
    assert "HistorySavingThread" not in threads and "Heartbeat" in threads, threads
    assert bob_draw != alice_draw, "each kernel's NumPy seeds itself afresh, as a fresh process does"
    assert cwd == str(slot.root / "bob" / "ps")
    assert slot.warm.alive()
    assert not [p for p in processes_of({UID}, settle=2) if "sleep" in p], processes_of({UID}, settle=0)


CHANGES_OF_PID_1 = {
    "limits, nice": r"""
import os, resource
resource.prlimit(1, resource.RLIMIT_NOFILE, (64, 64))        # what every later child would inherit
os.setpriority(os.PRIO_PROCESS, 1, 19)
print("changed")
""",
    # the nice of the session the kernel shares with the warm process, as a fresh kernel shares
    # its sandbox's pid 1's (a blind review: later students ran at nice 19 and timed out)
    "autogroup": r"""
open("/proc/self/autogroup", "w").write("19")
print("changed")
""",
    # its own session keyring put in its parent's place (KEYCTL_SESSION_TO_PARENT), with a key
    # anyone may read (a blind review: a later kernel read it)
    "session keyring": KEYS
    + r"""
key = libc.syscall(ADD_KEY, b"user", b"alice", b"alice's secret", 14, -3)
libc.syscall(KEYCTL, 5, key, 0x3f3f3f3f)                       # KEYCTL_SETPERM: everyone, everything
libc.syscall(KEYCTL, 5, libc.syscall(KEYCTL, 0, -3, 0), 0x3f3f3f3f)
print("changed" if libc.syscall(KEYCTL, 18) == 0 else "refused")    # KEYCTL_SESSION_TO_PARENT
""",
    # sched_setattr with a time slice of its own (a blind review: 20 bits passed to a later kernel)
    "sched_attr": r"""
import ctypes, os
class Attr(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("policy", ctypes.c_uint32), ("flags", ctypes.c_uint64),
                ("nice", ctypes.c_int32), ("priority", ctypes.c_uint32), ("runtime", ctypes.c_uint64),
                ("deadline", ctypes.c_uint64), ("period", ctypes.c_uint64)]
call = {"x86_64": 314, "aarch64": 274}[os.uname().machine]
attr = Attr(size=ctypes.sizeof(Attr), runtime=1234567)
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall(call, 1, ctypes.byref(attr), 0)
back = Attr()
libc.syscall(call + 1, 1, ctypes.byref(back), ctypes.sizeof(back), 0)       # sched_getattr
print("changed" if back.runtime == 1234567 else "not on this Linux")    # custom time slices: 6.12 and later
""",
}


@pytest.mark.parametrize("what", sorted(CHANGES_OF_PID_1))
def test_a_kernel_that_changes_the_warm_process_sends_the_next_ones_to_the_classic_start(slot, what):
    """Any process of the uid may lower another's limits or change its scheduling (prlimit,
    setpriority, sched_setattr, the session's autogroup), and a child inherits them: the warm process finds its own
    changed before the next fork, and ends; the next kernels start the classic way (a blind
    review: later students lost 6 of 19 points, or all, to one line of an earlier one)."""
    km, record = slot.kernel("alice")
    try:
        said = run(km, CHANGES_OF_PID_1[what])
    finally:
        km.shutdown_kernel(now=False)
    if said == "not on this Linux\n":
        pytest.skip("this Linux keeps no time slice of a process's own (sched_setattr's runtime: 6.12)")
    assert said == "changed\n", said
    km, record = slot.kernel("bob")
    try:
        said = run(
            km,
            "import os, resource\nprint(resource.getrlimit(resource.RLIMIT_NOFILE), "
            "os.getpriority(os.PRIO_PROCESS, 0))",
        )
    finally:
        km.shutdown_kernel(now=False)
    assert limits(record)["kernel start"].startswith("a fresh process in a sandbox of its own (the grading")
    assert said == "(256, 256) 0\n", said
    assert f"changed this process's {what}" in (slot.base / "log" / "warm.log").read_text()


def test_a_kernel_is_in_its_group_and_dies_with_its_launcher(slot):
    km, record = slot.kernel("carol")
    try:
        pid = int(run(km, "import os; print(os.getpid())"))
        # orphans (`cmd &` in a shell) are the warm process's children: reaped while the kernel runs,
        # as a fresh sandbox's pid 1 reaps them, not left as zombies counting against its processes
        zombies = run(
            km,
            "import subprocess, time, os\n"
            "for _ in range(20): subprocess.run(['sh', '-c', 'sleep 0.05 & exit'])\n"
            "time.sleep(1.5)\n"
            "print(sum(open(f'/proc/{p}/stat').read().split(') ')[1][0] == 'Z'\n"
            "          for p in os.listdir('/proc') if p.isdigit()))",
        )
        assert zombies == "0\n", zombies
        group = json.loads(record.read_text())["group"]
        if os.geteuid() == 0 and group and group["folders"]:
            procs = Path(group["folders"]["pids" if "pids" in group["folders"] else "memory"], "cgroup.procs")
            inside = [int(p) for p in procs.read_text().split()]
            nspids = [
                line.split()[-1]
                for p in inside
                for line in Path(f"/proc/{p}/status").read_text().splitlines()
                if line.startswith("NSpid:")
            ]
            assert str(pid) in nspids, (pid, nspids)
        km.shutdown_kernel(now=True)  # no shutdown request: jupyter_client kills the launcher
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(processes_of({UID}, settle=0)) > 1:
            time.sleep(0.2)
        assert [p.split()[1] for p in processes_of({UID}, settle=0)] == [str(slot.warm.pid())], (
            "the kernel dies with its launcher; the warm process stays"
        )
    finally:
        if group := json.loads(record.read_text())["group"]:
            Group(**group).remove()
    km, record = slot.kernel("dave")
    try:
        assert run(km, "print(6 * 7)") == "42\n"
        assert limits(record)["kernel start"].startswith(FORKED)
    finally:
        km.shutdown_kernel(now=True)


def test_the_warm_process_imports_what_the_problem_set_imports(tmp_path, monkeypatch):
    """The modules the problem set's notebook imports (autograder.grading.warm.notebook_imports)
    are imported once, before any fork, as its statements would: scikit-learn's metrics is already
    in a forked kernel, while a package's function of a submodule's name stays a function (a review
    found `from torch.quantization.fx import convert` turned into the module). A module that is not
    there is named in the warm process's log and left to the kernel."""
    for key in ("JUPYTER_PATH", "JUPYTER_RUNTIME_DIR", sb.POLICY_ENV):
        monkeypatch.delenv(key, raising=False)
    made = Slot(
        tmp_path,
        [["sklearn", ["metrics"]], ["torch.quantization.fx", ["convert"]], ["no_such_module_of_the_course", []]],
    )
    try:
        km, record = made.kernel("fay")
        try:
            seen = run(
                km,
                "import sys, torch\n"
                "print(sorted(m for m in ('sklearn.metrics', 'rnnlab.checks') if m in sys.modules),"
                " type(torch.quantization.fx.convert).__name__)",
            )
            assert seen == "['rnnlab.checks', 'sklearn.metrics'] function\n", seen
        finally:
            km.shutdown_kernel(now=True)
        assert limits(record)["kernel start"].startswith(FORKED)
    finally:
        made.stop()
    log = (tmp_path / "log" / "warm.log").read_text()
    assert "no_such_module_of_the_course not imported (ModuleNotFoundError" in log, log
    assert "ready, with ipykernel.debugger; sklearn (metrics); torch.quantization.fx (convert)\n" in log, log


def test_without_its_warm_process_a_kernel_starts_the_classic_way(slot):
    km, record = slot.kernel("dora")
    try:
        run(km, KEYS + "open(os.path.join(RT, 'left-by-dora'), 'w').write('x' * 100)")
    finally:
        km.shutdown_kernel(now=False)
    slot.warm.stop()
    km, record = slot.kernel("erin", files={"data.txt": "d"})
    try:
        assert run(km, "print(open('data.txt').read())") == "d\n"
        threads = run(km, THREADS)
        assert "HistorySavingThread" not in threads and "Heartbeat" in threads, threads
        # a runtime folder of its own, made afresh
        left = run(km, KEYS + "print(sorted(os.listdir(RT)))")
    finally:
        km.shutdown_kernel(now=True)
    assert "left-by-dora" not in left and "-sandbox.json" in left, left
    assert limits(record)["kernel start"].startswith(
        "a fresh process in a sandbox of its own (the grading slot's warm process could not start it)"
    )


def test_a_warm_process_that_did_not_answer_in_time_is_asked_no_more(slot, monkeypatch):
    """A warm process still busy with what a hostile kernel left (millions of folders, a blind
    attack) made every later student of the slot wait START_WAIT before the classic start."""
    deadline = time.monotonic() + 30
    while (pid := slot.warm.pid()) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    os.kill(pid, signal.SIGSTOP)  # busy: it does not answer
    try:
        for student, wait in (("fay", "2"), ("gus", "60")):
            monkeypatch.setenv(warm.WAIT_ENV, wait)
            started = time.monotonic()
            km, record = slot.kernel(student)
            try:
                assert run(km, "print(6 * 7)", timeout=90) == "42\n"
            finally:
                km.shutdown_kernel(now=True)
            assert limits(record)["kernel start"].startswith(
                "a fresh process in a sandbox of its own (the grading slot's warm process did not answer in time"
            )
        assert os.path.exists(slot.warm.socket_path + warm.GAVE_UP)
        assert time.monotonic() - started < 60, "gus did not ask the warm process that fay waited for in vain"
    finally:
        os.kill(pid, signal.SIGCONT)
    slot.warm.stop()
    assert not slot.warm.folder.exists(), "the folder and the file that says it gave up are removed"


def test_only_a_few_small_files_beside_the_notebook_are_copied_in(tmp_path):
    """The warm start copies the files beside the notebook (nbgrader's records) into the kernel's
    tmpfs; a folder, a large file or many files are left to the classic start, which binds them."""
    from autograder.grading.warm import FILE_LIMIT, MAX_FILES, files_beside

    (tmp_path / "ps.ipynb").write_text("{}")
    (tmp_path / "timestamp.txt").write_text("t")
    (tmp_path / "link").symlink_to("/etc/passwd")
    assert files_beside(str(tmp_path)) == ["timestamp.txt"]
    (tmp_path / "sub").mkdir()
    assert files_beside(str(tmp_path)) is None
    (tmp_path / "sub").rmdir()
    (tmp_path / "big").write_bytes(b"x" * (FILE_LIMIT + 1))
    assert files_beside(str(tmp_path)) is None
    (tmp_path / "big").unlink()
    for i in range(MAX_FILES):
        (tmp_path / f"f{i}").write_text("f")
    assert files_beside(str(tmp_path)) is None


def test_emptying_leaves_only_the_kept_file_and_the_mount_points(tmp_path):
    """What the warm process removes between two kernels (warm_process.empty), and its check
    that nothing else is left (warm_process.leftovers): folders made unreadable go too, and a mount
    point (a file bound in) is neither removed nor entered."""
    from autograder.grading import warm_process as wp

    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "a" / "b" / "c" / "f").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "fifo").parent.mkdir(exist_ok=True)
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link").symlink_to("/etc")
    os.chmod(tmp_path / "a" / "b", 0)
    bound = tmp_path / "mpl" / "fontlist.json"
    bound.parent.mkdir()
    bound.write_text("{}")
    (tmp_path / "mpl" / "planted.json").write_text("{}")
    wp.empty(str(tmp_path), {str(bound)})
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert left == ["mpl", "mpl/fontlist.json"], left
    assert wp.leftovers(str(tmp_path), {str(bound)}) == []
    (tmp_path / "mpl" / "late").write_text("x")
    assert wp.leftovers(str(tmp_path), {str(bound)}) == [str(tmp_path / "mpl" / "late")]
