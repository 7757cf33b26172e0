"""The warm process of one grading slot: its text runs inside the slot's sandbox (`python -c`),
where only the standard library, the course environment and the course package are visible.

autograder.grading.warm starts it, once per slot and run, in the same sandbox a kernel gets
(autograder.grading.sandbox.wrap: its uid, no capability, its namespaces, limits and read-only
files), as the pid 1 of the sandbox's pid namespace. It imports what every grading kernel imports
(torch, NumPy, IPython, ipykernel, the course's checks) and what the problem set's notebook
imports, and then only forks: one child per kernel, which becomes that kernel. A kernel's start
then costs a fork, not 1.8 s of CPU.

It never runs student code and never reads a student's data: the launcher's first message asks
for a kernel and holds nothing; everything of a kernel (its connection, its files, its
descriptors) is read by the child after the fork. Each kernel's runtime folder is its own, made
afresh by the grader in the slot's, which is root's (autograder.grading.autograde). What one
kernel may leave behind cannot reach the next:

- processes: when a kernel ends, the warm process (as pid 1, the only process here that no
  other may signal) kills every other process of the namespace and reaps them;
- files: before each fork, /tmp, /dev/shm, /dev/mqueue and the working folders' tmpfs are
  emptied, and checked empty;
- System V IPC objects and POSIX message queues (its own /dev/mqueue) are removed; keyrings
  are emptied by each kernel's own start;
- memory: every child is a copy of the warm process, which holds no student's data, and no
  child writes into it (it is not dumpable: no ptrace, no /proc/1/mem);
- what a process of the uid may change in another (limits, priority, scheduling, CPUs, io
  priority, its session keyring) or in the session they share (its autogroup's nice), and
  children inherit: compared before each fork with what it started with.

If anything of that fails, it exits, and the slot's next kernels start the classic way (a fresh
sandbox each: autograder.grading.launcher).
"""

import ctypes
import fcntl
import json
import os
import select
import signal
import socket
import stat
import struct
import sys

PR_SET_DUMPABLE = 4
IPC_RMID = 0


def warm_up(imports: list) -> list[str]:
    """Import, once, what a grading kernel imports at its start and its notebook at its first cells,
    then `imports`: what the problem set's own notebook imports (autograder.grading.warm's
    `notebook_imports`, [module, submodules] each, the instructor's text, never a student's), as
    its statements do. One that fails is named in the log and left to the kernel, which meets the
    same error where the notebook imports it. Returns what was imported, for the log."""
    import jupyter_client.session  # noqa: F401
    import torch

    # torch.optim imports torch._dynamo at an optimizer's first use (1.8 s of CPU here, as much
    # as torch itself): every submission of a problem set that trains (ps04, ps06) paid it.
    import torch._dynamo  # noqa: F401
    import zmq  # noqa: F401

    import rnnlab
    import rnnlab.checks  # noqa: F401

    done = []
    # the kernel's class names ipykernel's debugger, which imports debugpy (50 ms of each kernel)
    for module, submodules in [["ipykernel.debugger", []], *imports]:
        try:
            __import__(module, fromlist=submodules)  # `from a import b` imports a.b only if a has no b
            done.append(module + (f" ({', '.join(submodules)})" if submodules else ""))
        except BaseException as err:  # SystemExit or KeyboardInterrupt too: this process stays
            print(
                f"warm process: {module} not imported ({type(err).__name__}: {err}); the kernel imports it",
                file=sys.stderr,
                flush=True,
            )
    return done


def attributes(libc) -> dict:
    """What any process of this uid may change in another one of it (prlimit, setpriority,
    sched_setscheduler and sched_setaffinity, ioprio_set) and every child inherits: a kernel that
    changed them in this process would lower the next kernels' limits or leave them a message.
    The warm process compares them before each fork with the values it started with."""
    import resource

    ioprio = {"x86_64": 252, "aarch64": 31, "ppc64le": 274, "s390x": 283, "riscv64": 31}.get(os.uname().machine)
    return {
        "limits": {
            name: resource.getrlimit(getattr(resource, name))
            for name in sorted(dir(resource))
            if name.startswith("RLIMIT_")
        },
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "policy": os.sched_getscheduler(0),
        "priority": os.sched_getparam(0).sched_priority,
        "cpus": sorted(os.sched_getaffinity(0)),
        "io": libc.syscall(ioprio, 1, 0) if ioprio else None,  # IOPRIO_WHO_PROCESS, itself
        "sched_attr": sched_attr(libc),
        "autogroup": open("/proc/self/autogroup").read(),
        "session keyring": session_keyring(libc),
    }


def session_keyring(libc) -> int | None:
    """The id of this process's session keyring: a kernel's KEYCTL_SESSION_TO_PARENT puts its own
    in its parent's place (a blind review: a key passed so to later kernels), and every child
    starts from it."""
    call = {"x86_64": 250, "aarch64": 219, "ppc64le": 280, "s390x": 280, "riscv64": 219}.get(os.uname().machine)
    return libc.syscall(call, 0, -3, 0) if call else None  # KEYCTL_GET_KEYRING_ID, no creation


def sched_attr(libc) -> bytes | None:
    """sched_getattr's whole record of this process (its policy, nice, time slice, clamps)."""
    call = {"x86_64": 315, "aarch64": 275, "ppc64le": 356, "s390x": 346, "riscv64": 275}.get(os.uname().machine)
    if call is None:
        return None
    buf = ctypes.create_string_buffer(128)
    return buf.raw if libc.syscall(call, 0, buf, 128, 0) == 0 else None


def threads() -> int:
    return len(os.listdir("/proc/self/task"))


def mount_points() -> set[str]:
    """Every mount point of this namespace (mountinfo writes space, tab, newline and backslash as
    octal escapes; any other byte, non-ASCII ones too, as it is)."""
    import re

    with open("/proc/self/mountinfo", "rb") as f:
        return {os.fsdecode(re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m[1], 8)]), line.split()[4])) for line in f}


def empty(folder: str, mounts: set[str]) -> None:
    """Remove everything under `folder` but the mount points (and the folders that hold them).
    Folders a kernel made unreadable are made readable first (they are this uid's)."""
    for entry in os.listdir(folder):
        path = os.path.join(folder, entry)
        if path in mounts:
            continue
        st = os.lstat(path)
        if stat.S_ISDIR(st.st_mode):
            if st.st_uid == os.getuid():
                os.chmod(path, 0o700)
            empty(path, mounts)
            if not any(m.startswith(path + "/") for m in mounts):
                os.rmdir(path)
        else:
            os.unlink(path)


def leftovers(folder: str, mounts: set[str]) -> list[str]:
    """What `empty` left that it should have removed (mount points are not entered)."""
    left = []
    for root, dirs, files in os.walk(folder, onerror=lambda err: left.append(f"unreadable: {err}")):
        for name in files:
            if os.path.join(root, name) not in mounts:
                left.append(os.path.join(root, name))
        for name in list(dirs):
            path = os.path.join(root, name)
            if path in mounts:
                dirs.remove(name)
            elif not any(m.startswith(path + "/") for m in mounts):
                left.append(path)
    return left


def remove_sysv_ipc(libc) -> None:
    """Every System V shared memory segment, message queue and semaphore set of this namespace."""
    for kind, call in (("shm", libc.shmctl), ("msg", libc.msgctl), ("sem", libc.semctl)):
        try:
            with open(f"/proc/sysvipc/{kind}") as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            ident = int(row.split()[1])
            if kind == "sem":
                call(ident, 0, IPC_RMID)
            else:
                call(ident, IPC_RMID, None)


def kill_the_rest() -> None:
    """As pid 1: kill every other process of this namespace and reap them all."""
    while True:
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
    if others:
        raise RuntimeError(f"processes left after the kill: {others}")


def receive(conn: socket.socket, size: int = 1 << 16, fds: int = 0):
    msg, ancdata, flags, _ = conn.recvmsg(size, socket.CMSG_SPACE(fds * 4) if fds else 0)
    got = []
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            got += list(struct.unpack(f"{len(data) // 4}i", data[: len(data) - len(data) % 4]))
    if flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
        for fd in got:
            os.close(fd)
        raise RuntimeError("a message from the launcher was cut short")
    return msg, got


def become_kernel(conn: socket.socket, config: dict, libc) -> None:
    """In the child: give the launcher this process's pid (it moves it into the kernel's control
    group), then read the kernel's request, set its files, environment and descriptors, and run
    the grading kernel's start (autograder.grading.sandbox.KERNEL_START)."""
    # no session or group of its own: as a fresh kernel (pid 2 under bwrap's pid 1), it is in the
    # group of the namespace's pid 1, and ipykernel's interrupt reaches the kernel alone, not the
    # re-check process it forks
    libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # the kernel is dumpable, as a fresh one is
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as Python sets it in a fresh process
    creds = struct.pack("3i", os.getpid(), os.getuid(), os.getgid())
    conn.sendmsg([b"pid"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, creds)])
    body, fds = receive(conn, fds=64)
    if not body:
        os._exit(70)
    request = json.loads(body)
    recheck, files = fds[: request["recheck_fds"]], fds[request["recheck_fds"] :]
    cwd = request["cwd"]
    os.makedirs(cwd, mode=0o755, exist_ok=True)
    for name, fd in zip(request["files"], files):
        with os.fdopen(fd, "rb") as src, open(os.path.join(cwd, name), "xb") as dst:
            dst.write(src.read(request["file_limit"] + 1)[: request["file_limit"]])
        os.chmod(os.path.join(cwd, name), 0o444)
    with open(request["connection_file"], "x") as f:
        f.write(request["connection"])
    os.chdir(cwd)
    os.close(conn.detach())  # the launcher's socket: the kernel keeps no way to it
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    moved = [fcntl.fcntl(fd, fcntl.F_DUPFD, 64) for fd in recheck]
    for fd, target in zip(moved, (3, 4)):
        os.dup2(fd, target)  # the re-check's FIFO and input, where KERNEL_START looks
    keep = {0, 1, 2, *range(3, 3 + len(moved))}
    for fd in map(int, os.listdir("/proc/self/fd")):
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    os.environ.update(request["env"])
    import numpy

    numpy.random.seed()  # a fresh process seeds it from the system; so does each child
    sys.argv = ["-c", *request["argv"]]
    code = compile(config["kernel_start"], "<string>", "exec")
    exec(code, {"__name__": "__main__", "__builtins__": __builtins__})


def serve(config: dict) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    listener = socket.socket(fileno=config["listen_fd"])
    roots = [config["work_root"], "/tmp", "/dev/shm", "/dev/mqueue"]
    started = attributes(libc)
    waiting = select.poll()
    waiting.register(listener, select.POLLIN)
    waiting.register(config["lifeline_fd"], select.POLLIN)
    while True:
        if config["lifeline_fd"] in dict(waiting.poll()):
            os._exit(0)
        conn, _ = listener.accept()
        try:
            if not receive(conn)[0]:
                raise ValueError("no request")
        except (OSError, ValueError, RuntimeError):
            conn.close()  # a launcher gone before it asked: nothing to start
            continue
        try:
            kill_the_rest()
            mounts = mount_points()
            for root in roots:
                empty(root, mounts)
            left = [p for root in roots for p in leftovers(root, mounts)]
            if left:
                raise RuntimeError(f"left after emptying: {left[:5]}")
            remove_sysv_ipc(libc)
            now = attributes(libc)
            if now != started:
                changed = sorted(k for k in now if now[k] != started[k])
                raise RuntimeError(f"a kernel changed this process's {', '.join(changed)}")
            if threads() != 1:
                raise RuntimeError(f"{threads()} threads: forking now could copy a lock held")
        except Exception as err:
            # fail closed: this slot's kernels start the classic way from now on
            print(f"warm process: cannot start a kernel: {err!r}", file=sys.stderr, flush=True)
            os._exit(71)
        pid = os.fork()
        if pid == 0:
            os._exit(run_child(listener, conn, config, libc))
        status = wait_for(pid, conn, config["lifeline_fd"])
        kill_the_rest()
        try:
            conn.send(b"exit %d" % status)
        except OSError:
            pass
        conn.close()


def run_child(listener: socket.socket, conn: socket.socket, config: dict, libc) -> int:
    """The forked child's life, as a kernel; its exit code. It never returns to the loop above."""
    import atexit

    status = 0
    try:
        listener.close()
        become_kernel(conn, config, libc)
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()  # to the warm process's log, before the kernel's start
        status = 1
    try:
        atexit._run_exitfuncs()  # what a fresh process runs at its end (ipykernel's, torch's)
        sys.stdout.flush(), sys.stderr.flush()
    except BaseException:
        pass
    return status


def wait_for(pid: int, conn: socket.socket, lifeline: int) -> int:
    """The child's exit code, once it exits; if the launcher goes away first, the child is killed.
    Meanwhile every other process that ends here is reaped (as pid 1, the kernel's orphans are
    this process's children): a zombie would count against the uid's and the group's processes."""
    watch = os.pidfd_open(pid)
    poll = select.poll()
    poll.register(watch, select.POLLIN)
    poll.register(conn, 0)  # its hang-up only: the child reads what comes
    poll.register(lifeline, select.POLLIN)
    while True:
        events = dict(poll.poll(500))
        if lifeline in events:
            os._exit(0)  # the grader is gone: pid 1's end takes every process here
        if watch in events:
            break
        if conn.fileno() in events:
            os.kill(pid, signal.SIGKILL)
            poll.unregister(conn)
        reap_others(pid)
    os.close(watch)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def reap_others(pid: int) -> None:
    """Reap every ended child but `pid` (looked at first without reaping it)."""
    while True:
        try:
            ended = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return
        if ended is None or ended.si_pid == pid:
            return
        os.waitpid(ended.si_pid, 0)


def main(config: dict) -> None:
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    imported = warm_up(config.get("imports", []))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    # no handler for any signal: the pid 1 of a namespace takes from the processes in it only the
    # signals it handles, and Python handles SIGINT (a kernel's os.kill(1, SIGINT) ended it)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    print(f"warm process: ready, with {'; '.join(imported)}", file=sys.stderr, flush=True)
    serve(config)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
