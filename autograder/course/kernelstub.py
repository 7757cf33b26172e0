"""The launcher of a forked lecture kernel: the process jupyter_client starts (`python -I -S -c`
with this text, the warm process's socket and the kernel's own command line; standard library
only, so it starts in a few milliseconds).

It asks the warm process (autograder/course/kernelwarm.py) for a kernel, handing it this process's
working folder, environment and standard streams, then stands for that kernel: the signals
jupyter_client sends here (an interrupt, a termination) go to the kernel's process group, as they
would to a fresh kernel's, and this process exits with the kernel's exit code. If it is killed,
the warm process kills the kernel's group. If the warm process
is not there or refuses, this process becomes the kernel the classic way (exec of the command line).
"""

import json
import os
import signal
import socket
import struct
import sys

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def classic(cmd: list[str]) -> None:
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    os.execv(cmd[0], cmd)


def main() -> None:
    path, cmd = sys.argv[1], sys.argv[2:]
    signal.pthread_sigmask(signal.SIG_BLOCK, FORWARDED)  # until the kernel's pid is known
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        conn.connect(path)
        request = {"argv": cmd[3:], "cwd": os.getcwd(), "env": dict(os.environ)}
        conn.sendmsg(
            [json.dumps(request).encode()], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("3i", 0, 1, 2))]
        )
        reply = conn.recv(64)
    except OSError:
        reply = b""
    if not reply.startswith(b"pid "):
        conn.close()
        classic(cmd)
    pid = int(reply[4:])

    def forward(number, frame):
        # to the kernel's process group, as jupyter_client signals a fresh kernel's: the kernel
        # leads its own, and the warm process reaps it only after this process has its exit code
        for send in (os.killpg, os.kill):  # the kernel, before its setsid, has no group yet
            try:
                send(pid, number)
                return
            except ProcessLookupError:  # or it has ended: its code is on its way
                pass

    for sig in FORWARDED:
        signal.signal(sig, forward)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    said = conn.recv(64)
    code = int(said[5:]) if said.startswith(b"exit ") else 1  # nothing: the warm process is gone
    if code < 0:  # killed by a signal: so is this process
        if -code not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(-code, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        os.kill(os.getpid(), -code)
    os._exit(code & 0xFF)


main()
