"""The warm process of lecture kernels: its text runs with `python -c` (autograder.course.kernelfork
starts it), in the environment of the kernels it forks.

It imports what every lecture's kernel imports before its first cell has done much (torch and
torch._dynamo, NumPy, IPython, ipykernel, ZeroMQ), and then only forks: each child becomes one
kernel, with the working folder, environment, standard streams and command line that its
launcher (autograder/course/kernelstub.py, the process jupyter_client started) sends, and runs
`python -m ipykernel_launcher` as a fresh process would. The launcher forwards the signals
jupyter_client sends it (an interrupt is a SIGINT); when the launcher ends, killed or not, its
kernel is killed; when the kernel ends, its exit code is the launcher's.

A request whose environment differs from this process's in anything but the variables a test or a
server sets per kernel and the course's own (kernelfork.PER_KERNEL) is refused, and its launcher
starts the kernel the classic way: what torch, NumPy or OpenMP read from the environment when they
were imported must be what the
kernel would have read. Only processes of this process's user are served.

Lecture kernels only: a kernel forked here is a copy of a process of the instructor's, not a
sandbox (student code is graded by autograder.grading, whose warm process is another).
"""

import json
import os
import select
import signal
import socket
import struct
import sys

PR_SET_PDEATHSIG = 1
MAX_REQUEST = 1 << 20


def comparable(env, per_kernel: tuple) -> dict:
    return {k: v for k, v in env.items() if not k.startswith(per_kernel)}


def warm_up() -> None:
    """What a lecture's kernel imports at its start and its first cells (torch.optim imports
    torch._dynamo at an optimizer's first use: 0.9 s of CPU here)."""
    import jupyter_client.session  # noqa: F401
    import torch
    import torch._dynamo  # noqa: F401
    import zmq  # noqa: F401


def receive(conn: socket.socket):
    """(the request, the three descriptors it carries) or None if it is not one."""
    msg, ancdata, flags, _ = conn.recvmsg(MAX_REQUEST, socket.CMSG_SPACE(3 * 4))
    fds = []
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds += list(struct.unpack(f"{len(data) // 4}i", data[: len(data) - len(data) % 4]))
    if flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC) or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        return None
    try:
        request = json.loads(msg)
        if not (
            isinstance(request, dict)
            and isinstance(request.get("argv"), list)
            and isinstance(request.get("cwd"), str)
            and isinstance(request.get("env"), dict)
        ):
            raise ValueError
    except ValueError:
        for fd in fds:
            os.close(fd)
        return None
    return request, fds


def fresh_stdio() -> None:
    """sys.stdin, stdout and stderr made again on descriptors 0 to 2, as Python makes them at its
    start (CPython's create_stdio): line-buffered on a terminal, and standard error always, unless
    PYTHONUNBUFFERED asks for unbuffered streams, written through; the warm process's were made
    for its log."""
    import io

    unbuffered = bool(os.environ.get("PYTHONUNBUFFERED"))
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        old = getattr(sys, "__" + name + "__")
        binary = open(fd, mode + "b", 0 if unbuffered and mode == "w" else -1, closefd=False)
        text = io.TextIOWrapper(
            binary,
            encoding=old.encoding,
            errors=old.errors,
            line_buffering=not unbuffered and (fd == 2 or os.isatty(fd)),
            write_through=unbuffered,
        )
        setattr(sys, name, text)
        setattr(sys, "__" + name + "__", text)


def become_kernel(request: dict, fds: list[int], zygote: int, added: dict) -> int:
    """In the child: the kernel's process as `python -m ipykernel_launcher` would start it; its
    exit code once it ends. `added`: what the warm-up's imports put into the environment (importing
    torch._dynamo sets TORCHINDUCTOR_CACHE_DIR), which the kernel has too, as a fresh one that
    imported them."""
    import ctypes

    os.setsid()  # as jupyter_client starts a kernel: a session of its own
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != zygote:  # the warm process ended before the line above
        return 1
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in map(int, os.listdir("/proc/self/fd")):
        if fd > 2:
            try:
                os.close(fd)
            except OSError:
                pass
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update({**added, **request["env"]})
    fresh_stdio()
    # what the warm-up's imports computed from the working folder, which was "/" (a scan of every
    # module's globals after the warm-up, run elsewhere, found these): as the kernel's folder
    import multiprocessing.process

    multiprocessing.process.ORIGINAL_DIR = os.path.abspath(os.getcwd())
    multiprocessing.process.current_process().authkey = os.urandom(32)  # a fresh process draws its own
    import torch._dynamo.config

    torch._dynamo.config.debug_dir_root = torch._dynamo.config.default_debug_dir_root()
    import random

    import numpy
    import torch

    # a fresh process seeds these from the system (torch's default generator too, unlike its
    # documented default seed): so does each child. (Python's hash seed stays the warm process's:
    # the order of a set of strings, which differs between fresh processes, is the same in its kernels.)
    random.seed()
    numpy.random.seed()
    torch.seed()
    # ipykernel reads these two when it is imported (its kernel's watch of its parent process), and
    # jupyter_client sets them for each kernel: read them again, as a fresh process would have
    from ipykernel.kernelapp import IPKernelApp

    for trait, variable in (("parent_handle", "JPY_PARENT_PID"), ("interrupt", "JPY_INTERRUPT_EVENT")):
        value = int(os.environ.get(variable) or 0)
        IPKernelApp.class_traits()[trait].default_value = value
        for cls in IPKernelApp.__mro__:  # traitlets' copy of a constant default
            if trait in vars(cls).get("_static_immutable_initial_values", {}):
                cls._static_immutable_initial_values[trait] = value
    import runpy

    status = 0
    sys.argv = ["ipykernel_launcher", *request["argv"]]
    try:
        runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
        status = 1
    try:  # what a fresh interpreter does at its end
        import atexit
        import threading

        threading._shutdown()
        atexit._run_exitfuncs()
        sys.stdout.flush(), sys.stderr.flush()
    except BaseException:
        pass
    return status


def serve(config: dict, env: dict, added: dict) -> None:
    listener = socket.socket(fileno=config["listen_fd"])
    lifeline = config["lifeline_fd"]
    per_kernel = tuple(config["per_kernel"])
    env = comparable(env, per_kernel)
    me = os.getpid()
    kernels: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, the launcher's connection)
    launchers: dict[int, int] = {}  # the connection's fd -> the kernel's pidfd
    poll = select.poll()
    poll.register(listener, select.POLLIN)
    poll.register(lifeline, select.POLLIN)
    while True:
        changed: set[int] = set()  # descriptors closed or opened in this round: their
        for fd, event in poll.poll():  # other events of the round are not theirs
            if fd in changed:
                continue
            if fd == lifeline:  # the process that started this one is gone
                for pid, _ in kernels.values():
                    kill(pid)
                import shutil

                shutil.rmtree(config["folder"], ignore_errors=True)  # its socket and this log
                os._exit(0)
            if fd == listener.fileno():
                try:
                    conn = start_one(listener, env, per_kernel, me, added)
                except Exception as err:  # fork, descriptors, memory: that launcher starts it classically
                    print(f"warm process: could not start a kernel: {err!r}", file=sys.stderr, flush=True)
                    continue
                if conn is None:
                    continue
                conn, pid = conn
                watch = os.pidfd_open(pid)
                kernels[watch] = (pid, conn)
                launchers[conn.fileno()] = watch
                changed |= {watch, conn.fileno()}
                poll.register(watch, select.POLLIN)
                poll.register(conn, 0)  # its hang-up only
            elif fd in kernels:  # a kernel ended: its launcher ends with its code
                pid, conn = kernels.pop(fd)
                if launchers.pop(conn.fileno(), None) is not None:
                    poll.unregister(conn)
                poll.unregister(fd)
                changed |= {fd, conn.fileno()}
                os.close(fd)
                _, status = os.waitpid(pid, 0)
                try:
                    conn.send(b"exit %d" % os.waitstatus_to_exitcode(status))
                except OSError:
                    pass
                conn.close()
            elif fd in launchers:  # a launcher gone (killed): so is its kernel
                poll.unregister(fd)
                pid, _ = kernels[launchers.pop(fd)]
                kill(pid)  # not reaped yet: its pid, and its group's, still its own


def kill(pid: int) -> None:
    """SIGKILL to a kernel forked here and not yet reaped, and to its process group. A kernel whose
    launcher hung up at once may not have called setsid yet, so that its group does not exist (a
    review: os.killpg's ProcessLookupError ended this process, and every kernel it served)."""
    for send in (os.killpg, os.kill):
        try:
            send(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def start_one(listener: socket.socket, env: dict, per_kernel: tuple, me: int, added: dict):
    """Accept a launcher's request and fork its kernel: (the connection, the kernel's pid), or
    None if it was refused (another user, not a request, another environment)."""
    conn, _ = listener.accept()
    conn.settimeout(5)  # a launcher that connects and says nothing holds no one up
    got = None
    try:
        uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]
        got = receive(conn) if uid == os.getuid() else None
        why = None if got else "not a request of this user's"
        if got and comparable(got[0]["env"], per_kernel) != env:
            other = comparable(got[0]["env"], per_kernel)
            why = "another environment: " + str(
                sorted(k for k in env.keys() | other.keys() if env.get(k) != other.get(k))
            )
        if why:
            raise ValueError(why)
        request, fds = got
        pid = os.fork()
    except Exception as err:
        if got:
            for extra in got[1]:
                os.close(extra)
        print(f"warm process: refused a kernel: {err}", file=sys.stderr, flush=True)
        try:
            conn.send(b"refused")
        except OSError:
            pass
        conn.close()
        return None
    if pid == 0:
        status = 1
        try:
            status = become_kernel(request, fds, me, added)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            os._exit(status)
    conn.settimeout(None)
    for extra in fds:
        os.close(extra)
    try:
        conn.send(b"pid %d" % pid)
    except OSError:
        kill(pid)  # its launcher is gone: the pidfd's event reaps it
    return conn, pid


def main(config: dict) -> None:
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    env = dict(os.environ)
    warm_up()
    serve(config, env, {k: v for k, v in os.environ.items() if env.get(k) != v})


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
