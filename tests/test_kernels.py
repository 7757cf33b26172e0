"""Every kernel the course starts talks over Unix sockets in its own folder (rnnlab/kernels.py):
TCP ports picked before the kernel binds them race with other kernels starting at the same time."""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from rnnlab.kernels import notebook_client

REPO = Path(__file__).resolve().parents[1]
ASK = "import ipykernel, json; print(json.dumps(json.loads(ipykernel.get_connection_info())))"


def _notebook(*sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_notebook_client_kernels_use_their_own_unix_sockets(tmp_path):
    nb = _notebook(ASK)
    client = notebook_client(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    info = json.loads(nb.cells[0].outputs[0]["text"])
    assert info["transport"] == "ipc"
    # an absolute path in a folder of its own (jupyter_client's default is relative to the cwd)
    assert os.path.isabs(info["ip"]) and Path(info["ip"]).parent.name.startswith("rnnlab-k-")
    assert not Path(info["ip"]).parent.exists(), "the socket folder outlives its kernel"


def test_nbval_kernels_use_unix_sockets_too():
    """nbval has no transport option: the repository's conftest.py gives it our manager."""
    folder = Path(tempfile.mkdtemp(dir=REPO / "test-artifacts" if (REPO / "test-artifacts").is_dir() else REPO))
    try:
        path = folder / "transport.ipynb"
        nbformat.write(
            _notebook(ASK + "\nassert json.loads(ipykernel.get_connection_info())['transport'] == 'ipc'"), path
        )
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", str(path)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        assert re.search(r"\b1 passed", run.stdout), run.stdout[-2000:]
    finally:
        subprocess.run(["rm", "-rf", str(folder)])


def test_every_notebook_client_comes_from_rnnlab_kernels():
    """The guard for the class: a NotebookClient built elsewhere would pick TCP ports again."""
    built = []
    for top in ("rnnlab", "tests", "bench", "instructor", "scripts"):
        for path in (REPO / top).rglob("*.py"):
            if path.name in ("kernels.py", "kernelfork.py") or path == Path(__file__).resolve():
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"\bNotebookClient\(|\bKernelManager\(|start_new_kernel\(", line):
                    built.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not built, "start kernels with rnnlab.kernels.notebook_client:\n" + "\n".join(built)


# --------------------------------------------------------------------------- forked kernels
# autograder/course/kernelfork.py: the lectures' kernels in the website's build and the tests'
# notebook runs are forked from a warm process; each must be what a fresh kernel is.
PROBE = """import json, multiprocessing.process, os, re, signal, sys, threading, warnings, torch, torch._dynamo.config
layer = torch.nn.Linear(2, 1)                 # a lecture that trains: torch.optim imports torch._dynamo
layer(torch.ones(2)).sum().backward()
torch.optim.SGD(layer.parameters(), lr=0.1).step()
__import__("numpy").ones((256, 256)) @ __import__("numpy").ones((256, 256))   # OpenBLAS starts its threads
print(json.dumps({"cwd": os.getcwd(), "path": sys.path, "argv0": sys.argv[0], "flags": str(sys.flags),
  "modules": sorted(m for m in sys.modules if not m.startswith("_")), "env": dict(os.environ),
  "signals": {s.name: str(signal.getsignal(s)) for s in signal.Signals if s not in (signal.SIGKILL, signal.SIGSTOP)},
  "mask": sorted(map(int, signal.pthread_sigmask(signal.SIG_BLOCK, []))), "fds": sorted(os.listdir("/proc/self/fd")),
  "fd kinds": sorted(re.sub(r"[0-9]+", "N", os.readlink("/proc/self/fd/" + fd)) for fd in os.listdir("/proc/self/fd")
                     if os.path.exists("/proc/self/fd/" + fd)),
  "threads": sorted(t.name for t in threading.enumerate()), "tasks": len(os.listdir("/proc/self/task")),
  "warnings": len(warnings.filters), "umask": os.umask(0o22),
  "group leader": os.getpgid(0) == os.getpid(), "mp dir": multiprocessing.process.ORIGINAL_DIR,
  "dynamo debug dir": torch._dynamo.config.debug_dir_root,
  "stdio buffering": [[s.line_buffering, s.write_through, type(s.buffer).__name__] \
for s in (sys.__stdout__, sys.__stderr__)],
  "authkey": multiprocessing.process.current_process().authkey.hex(),
  "session leader": os.getsid(0) == os.getpid(), "torch threads": torch.get_num_threads(),
  "random": __import__("random").random(), "numpy": __import__("numpy").random.rand(), "torch": torch.rand(1).item(),
  "pid": os.getpid(), "ppid": os.getppid()}))"""


@pytest.fixture(autouse=True)
def _no_warm_process_left():
    """A warm process made by a test (another environment's too) ends with it."""
    yield
    from autograder.course import kernelfork

    kernelfork.stop_all()


def _probe(client_of, folder):
    nb = _notebook(PROBE)
    client_of(nb, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return json.loads(nb.cells[0].outputs[0]["text"])


def test_a_forked_kernel_is_what_a_fresh_kernel_is(tmp_path, monkeypatch):
    from autograder.course import kernelfork

    monkeypatch.setenv("FORK_PROBE", "this test")
    fresh = _probe(notebook_client, tmp_path)
    forked = [_probe(kernelfork.notebook_client, tmp_path)]
    # a variable of the course's (read by rnnlab, which the warm process does not import) may differ
    monkeypatch.setenv("RNNLAB_SEED", "7")
    forked.append(_probe(kernelfork.notebook_client, tmp_path))
    warm = {w.proc.pid for w in kernelfork._warm.values()}
    assert forked[0]["ppid"] == forked[1]["ppid"] in warm and fresh["ppid"] not in warm, (
        "not forked from one warm process"
    )
    for got in forked:
        for key in (
            "cwd",
            "path",
            "argv0",
            "flags",
            "modules",
            "signals",
            "mask",
            "fds",
            "fd kinds",
            "threads",
            "tasks",
            "warnings",
            "session leader",
            "group leader",
            "torch threads",
            "umask",
            "mp dir",
            "dynamo debug dir",
            "stdio buffering",
        ):
            assert got[key] == fresh[key], key
    jpy = ("JPY_",)
    assert {k: v for k, v in forked[0]["env"].items() if not k.startswith(jpy)} == {
        k: v for k, v in fresh["env"].items() if not k.startswith(jpy)
    }
    assert {k: v for k, v in forked[1]["env"].items() if not k.startswith(jpy)} == {
        **{k: v for k, v in fresh["env"].items() if not k.startswith(jpy)},
        "RNNLAB_SEED": "7",
    }
    assert fresh["mp dir"] == str(tmp_path)
    for key in ("random", "numpy", "torch", "authkey"):  # every kernel draws its own numbers
        assert len({fresh[key], forked[0][key], forked[1][key]}) == 3, key


def _started(manager_class, env=None):
    km = manager_class(kernel_name="python3")
    km.start_kernel(**({"env": env} if env else {}))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc


def _run(kc, code, timeout=60):
    # a request that arrives while ipykernel still aborts the queue after an error (an interrupt's
    # KeyboardInterrupt) is answered "aborted" unrun, fresh kernel or forked: it is sent again
    for _ in range(50):
        out = []
        reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: out.append(msg["content"]))  # noqa: B023
        if reply["content"]["status"] != "aborted":
            return reply["content"], "".join(c.get("text", "") for c in out)
        time.sleep(0.1)
    raise AssertionError(f"every request was aborted: {code!r}")


def _running(kc, code):
    """Send `code` and return once it runs (it prints a line first): an interrupt that arrives
    before that is ignored by ipykernel, fresh or forked."""
    sent = kc.execute("print('running', flush=True)\n" + code)
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") == sent and msg["msg_type"] == "stream":
            return


def test_a_forked_kernel_is_interrupted_and_its_launcher_ends_with_its_code():
    from autograder.course.kernelfork import ForkedKernelManager

    km, kc = _started(ForkedKernelManager)
    try:
        pid = int(_run(kc, "import os; print(os.getpid())")[1])
        assert pid != km.provisioner.pid, "not forked"
        _running(kc, "import time; time.sleep(60)")
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=20)["content"]
        assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt", reply
        # jupyter_client signals a fresh kernel's process group: a child process the kernel started
        # (every lecture's first cell may run one) is interrupted with it
        child = int(
            _run(
                kc,
                "import subprocess, sys\nchild = subprocess.Popen([sys.executable, '-c', "
                "'import time; time.sleep(120)'])\nprint(child.pid)",
            )[1]
        )
        time.sleep(1)
        km.interrupt_kernel()
        assert _gone(child), "the interrupt did not reach the kernel's child process"
        kc.execute("os._exit(3)")
        assert km.provisioner.process.wait(timeout=20) == 3
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    km, kc = _started(ForkedKernelManager)  # killed by a signal: so is its launcher
    try:
        kc.execute("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
        assert km.provisioner.process.wait(timeout=20) == -signal.SIGKILL
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_forked_kernel_dies_with_its_launcher_and_with_the_process_that_started_it(tmp_path):
    from autograder.course.kernelfork import ForkedKernelManager

    km, kc = _started(ForkedKernelManager)
    try:
        pid, child = map(
            int,
            _run(
                kc,
                "import os, subprocess, sys\nchild = subprocess.Popen([sys.executable, "
                "'-c', 'import time; time.sleep(120)'])\nprint(os.getpid(), child.pid)",
            )[1].split(),
        )
        os.kill(km.provisioner.pid, signal.SIGKILL)  # what jupyter_client's kill does to the launcher's group
        assert _gone(pid), "the kernel outlived its launcher"
        assert _gone(child), "the kernel's child process outlived its launcher"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    # a process that starts a forked kernel, killed: its warm process and the kernel end too
    script = (
        "from autograder.course.kernelfork import ForkedKernelManager as M\n"
        "km = M(kernel_name='python3'); km.start_kernel(); kc = km.client(); kc.start_channels()\n"
        "kc.wait_for_ready(timeout=60)\n"
        "kc.execute_interactive('import os; print(os.getpid(), os.getppid(), flush=True)', timeout=60)\n"
        "import time; time.sleep(120)"
    )
    owner = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        kernel, warm = map(int, owner.stdout.readline().split())
    finally:
        owner.kill()
        owner.wait()
    assert _gone(kernel) and _gone(warm), "the warm process or its kernel outlived the process that started them"


def _gone(pid, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def _classic_kernel(km, kc) -> bool:
    """Whether the kernel is its launcher itself (exec: the classic start), not a forked child."""
    try:
        return _run(kc, "import os; print(os.getpid())")[1].split() == [str(km.provisioner.pid)]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_kernel_the_warm_process_cannot_fork_starts_the_classic_way(monkeypatch, capfd, tmp_path):
    """Another environment than the warm process's, other limits or umask, a request that is not
    one, a socket gone, a warm process gone: the launcher becomes the kernel (exec), which then
    runs as a fresh one, and the warm process goes on serving; a warm process that ended is not
    started again (one that failed at its start would cost every kernel its imports twice)."""
    import socket
    import struct
    import types

    from autograder.course import kernelfork
    from autograder.course.kernelfork import ForkedKernelManager

    warm = kernelfork.warm_kernels(os.environ)
    # the warm process of this environment, asked with another one
    with monkeypatch.context() as patch:
        patch.setattr(kernelfork, "warm_kernels", lambda env: warm)
        km, kc = _started(ForkedKernelManager, env={**os.environ, "FORK_PROBE": "another"})
        try:
            content, text = _run(kc, "import os; print(os.getpid(), os.environ['FORK_PROBE'])")
            assert text.split() == [str(km.provisioner.pid), "another"], "forked from a process of another environment"
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    assert "refused a kernel: another environment: ['FORK_PROBE']" in Path(warm.folder, "log").read_text()
    # a request that is JSON but not an object, then a launcher that says nothing: refused, and served after
    for message in (b"[]", None):
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
            conn.connect(warm.socket_path)
            if message is None:
                time.sleep(0.5)
                continue
            conn.sendmsg([message], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("3i", 0, 1, 2))])
            assert conn.recv(64) == b"refused"
    # launchers that hang up right after their request: the warm process goes on serving (that a
    # kernel without its own group yet is killed: test_a_kernel_without_its_own_group_yet_is_killed)
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for _ in range(5):
            with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
                conn.connect(warm.socket_path)
                request = {"argv": ["-f", str(tmp_path / "never.json")], "cwd": str(tmp_path), "env": dict(os.environ)}
                conn.sendmsg(
                    [json.dumps(request).encode()],
                    [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("3i", null, null, null))],
                )
    finally:
        os.close(null)
    km, kc = _started(ForkedKernelManager)
    assert not _classic_kernel(km, kc), "the warm process no longer forks after a bad request or a launcher gone"
    # a umask changed since the warm process started: a fresh kernel would have the new one
    old = os.umask(0o077)
    try:
        km, kc = _started(ForkedKernelManager)
        assert _classic_kernel(km, kc), "forked with the warm process's umask"
    finally:
        os.umask(old)
    # the warm process's socket gone: the launcher's own fallback
    with monkeypatch.context() as patch:
        patch.setattr(
            kernelfork,
            "warm_kernels",
            lambda env: types.SimpleNamespace(
                socket_path=str(Path(warm.folder, "gone")), inherited=kernelfork.inherited()
            ),
        )
        km, kc = _started(ForkedKernelManager)
        assert _classic_kernel(km, kc)
    # the warm process gone
    warm.proc.kill()
    warm.proc.wait()
    km, kc = _started(ForkedKernelManager)
    assert _classic_kernel(km, kc)
    assert kernelfork.warm_kernels(os.environ) is None
    assert "the warm process ended (exit code -9); kernels start the classic way" in capfd.readouterr().err


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_a_forked_kernel_s_streams_are_made_as_python_makes_them(unbuffered):
    """autograder.course.kernelwarm.fresh_stdio against Python's own streams at its start, on pipes,
    with and without PYTHONUNBUFFERED (a review: standard error was written through but not
    line-buffered, and PYTHONUNBUFFERED was ignored; the kernel test above compares only this
    machine's setting)."""
    code = (
        "import sys\nfrom autograder.course.kernelwarm import fresh_stdio\n"
        "def seen(): return [[s.line_buffering, s.write_through, type(s.buffer).__name__, s.encoding]"
        " for s in (sys.stdin, sys.stdout, sys.stderr)]\n"
        "before = seen(); fresh_stdio(); print(before == seen(), before, seen())"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        stdin=subprocess.PIPE,
        timeout=60,
    )
    assert done.stdout.startswith("True "), done.stdout + done.stderr


def test_kernels_of_another_interpreter_or_with_forking_off_start_the_classic_way(monkeypatch):
    """kernelfork.forked_command leaves alone a kernel command of another Python or another kernel
    (this interpreter's ipykernel would serve it otherwise), and every one with RNNLAB_KERNEL_FORK=0;
    it asks no warm process for them (a review found no test that failed without these checks)."""
    from autograder.course import kernelfork

    asked = []
    monkeypatch.setattr(kernelfork, "warm_kernels", lambda env: asked.append(env))
    ours = [sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]
    for other in (
        [sys.executable + "3.9", *ours[1:]],
        ["/usr/bin/python3", *ours[1:]],
        ["R", "--slave", "-e", "IRkernel::main()"],
        [sys.executable, "-m", "other_kernel", "-f", "k.json"],
    ):
        assert kernelfork.forked_command(other, None) == other
    monkeypatch.setenv(kernelfork.OFF, "0")
    assert kernelfork.forked_command(ours, None) == ours
    assert asked == []
    monkeypatch.setenv(kernelfork.OFF, "1")
    assert kernelfork.forked_command(ours, None) == ours  # no warm process (None): the classic start
    assert len(asked) == 1


def test_a_kernel_without_its_own_group_yet_is_killed():
    """A launcher that hangs up after its kernel's fork and before the kernel's setsid: the warm
    process's kill (autograder.course.kernelwarm.kill) finds no process group of the kernel's pid
    yet, and os.killpg's ProcessLookupError ended the warm process, and with it every kernel it
    served (a review, 1 launcher in 13 killed 0-50 ms after its start). The kernel is killed still."""
    from autograder.course import kernelwarm

    pid = os.fork()
    if pid == 0:  # in the test's own process group, as a kernel before setsid
        time.sleep(60)
        os._exit(0)
    kernelwarm.kill(pid)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == -signal.SIGKILL
