"""The program of the re-check process (`runner_source`): the student's answer cells, then each case
watched by a profiler (`_make_watch`) that writes to a pipe pinned to the process (`_pin`), with an
audit hook (`_audit_hook`) reporting what could switch the watch off."""

from __future__ import annotations

import base64
import io

from .cases import Case
from .judge import REACHED
from .kernel import MARK, PROBES, RECHECK_CELLS_BUDGET, probe_answers


def _resolve(dotted):
    """The code object a call of `dotted` (a `Case.forbid` entry: the longest importable module, then
    attributes) finally runs, through decorators' __wrapped__ as rnnlab.checks.forbid_calls does."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        while getattr(obj, "__wrapped__", None) is not None:
            obj = obj.__wrapped__
        return obj.__code__
    raise ImportError(dotted)


# system calls that could take a descriptor from its process (x86_64 and aarch64 numbers)
_SYSCALLS = {
    "x86_64": (0xC000003E, {"close": 3, "dup2": 33, "dup3": 292, "close_range": 436, "execve": 59, "execveat": 322}),
    "aarch64": (0xC00000B7, {"close": 57, "dup3": 24, "close_range": 436, "execve": 221, "execveat": 281}),
}


def _pin(fd, syscalls):
    """A seccomp filter refusing, for the life of this process, close(fd), dup2/dup3 onto fd,
    close_range and exec: nothing can take `fd` from it. None when in force, else why not."""
    import ctypes
    import os
    import struct

    table = syscalls.get(os.uname().machine)
    if table is None:
        return "no table of system calls for " + os.uname().machine
    arch, nr = table
    allow, refuse = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    load, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, JMP|JGE|K, BPF_RET|K
    prog = [
        (load, 0, 0, 4),
        (jeq, 1, 0, arch),
        (ret, 0, 0, refuse),  # another architecture: refused
        (load, 0, 0, 0),
        (jge, 0, 1, 0x40000000),
        (ret, 0, 0, refuse),
    ]  # x32 numbers: refused
    for name in ("close_range", "execve", "execveat"):
        prog += [(jeq, 0, 1, nr[name]), (ret, 0, 0, refuse)]
    for name, offset in (("close", 16), ("dup2", 24), ("dup3", 24)):  # the argument's low 32 bits
        if name in nr:
            prog += [(jeq, 0, 4, nr[name]), (load, 0, 0, offset), (jeq, 0, 1, fd), (ret, 0, 0, refuse), (load, 0, 0, 0)]
    prog.append((ret, 0, 0, allow))
    code = b"".join(struct.pack("HBBI", c, jt, jf, k) for c, jt, jf, k in prog)
    filters = ctypes.create_string_buffer(code, len(code))
    fprog = ctypes.create_string_buffer(struct.pack("HxxxxxxP", len(prog), ctypes.addressof(filters)))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return "no_new_privs refused: " + os.strerror(ctypes.get_errno())
    if libc.prctl(22, 2, fprog, 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        return "seccomp refused: " + os.strerror(ctypes.get_errno())
    return None


def _audit_hook(fd, harness, mark, held, *owners):
    """The re-check process's audit hook, which no code can remove. It writes to `fd` at once a
    profiler or tracer set by any frame but `harness`, a function of the harness's (or of
    `owners`) rebound, and refuses one of their code objects run again, the garbage collector's
    object lists, ctypes reaching the interpreter and another audit hook. It holds the calls'
    inputs (`held`, in call order) and hands the next one, once, to the harness's frame only
    (event "rnnlab.inputs"). Objects of the student's are compared by identity only, so no code
    of theirs runs in it (docs/grading.md, "Threat model")."""
    import os
    import sys
    import types

    code_type = types.CodeType
    ours = tuple(
        c
        for owner in (harness.f_code, _audit_hook.__code__, *owners)
        for c in (owner, *(k for k in owner.co_consts if isinstance(k, code_type)))
    )

    def hook(
        event,
        args,
        fd=fd,
        harness=harness,
        ours=ours,
        pending=iter(held),
        write=os.write,
        frame=sys._getframe,
        kind=type,
        function=types.FunctionType,
        text=str,
        code_type=code_type,
        refused=PermissionError,
        line="\n" + mark + ":audit:",
        profilers=("sys.setprofile", "sys.settrace"),
        internals=("__code__", "__defaults__", "__kwdefaults__"),
        runs=("exec", "function.__new__"),
        lookups=("ctypes.dlsym", "ctypes.dlsym/handle"),
        interpreter=("Py", "_Py"),
        reaching=(
            "ctypes.cdata",
            "ctypes.string_at",
            "ctypes.wstring_at",
            "gc.get_objects",
            "gc.get_referrers",
            "gc.get_referents",
        ),
    ):
        if event == "rnnlab.inputs" and frame(1) is harness:
            name, given = next(pending, (None, None))
            if name is not None and kind(args[0]) is text and name == args[0]:
                args[1].append(given)
                return
            write(fd, (line + "a call's inputs asked for out of turn\n").encode())
            raise refused("the grader's check does not allow that")
        if event in ("rnnlab.inputs", "sys.addaudithook"):
            write(fd, (line + event + "\n").encode())
            raise refused("the grader's check does not allow " + event)
        if event in profilers:
            if frame(1) is harness:  # the harness's own watch, set or taken down
                return
            write(fd, (line + event + "\n").encode())
            return
        if event in runs:  # a code object of ours run in a frame of someone else's
            if not (kind(args[0]) is code_type and any(args[0] is code for code in ours)):
                return
            event = event + " of the grader's " + args[0].co_name
        elif event == "object.__setattr__":
            if kind(args[0]) is not function or not (kind(args[1]) is text and args[1] in internals):
                return
            if any(args[0].__code__ is code for code in ours):
                write(
                    fd,
                    (
                        line + "the grader's function " + args[0].__code__.co_name + "'s " + args[1] + " rebound\n"
                    ).encode(),
                )
                return
            if not (args[1] == "__code__" and kind(args[2]) is code_type and any(args[2] is code for code in ours)):
                return
            event = "the grader's " + args[2].co_name + " put in place of a function's code"
        elif event in lookups:
            if not (kind(args[1]) is text and args[1].startswith(interpreter)):
                return
            event = event + " " + args[1]
        elif event not in reaching:
            return
        write(fd, (line + event + "\n").encode())
        raise refused("the grader's check does not allow " + event)

    return hook


def _make_watch(write, fd, case, codes, named, autograd_ok, sentinels, guards, undoers, name_of, harness, mark, reach):
    """The profiler of one call of `case`, every name it uses bound in advance. It writes to `fd` at
    once each call of a forbidden function (`codes`; `named` gives their names), a profiler or
    tracer set, autograd's backward pass (unless `autograd_ok`), a call of one of `undoers` (what
    turns the garbage collector or signals back on), and each of the harness's two `sentinels`,
    its proof it watched the whole call. Calls made by the `harness` frame are not reported."""
    seen = "\n" + mark + ":seen:" + case + ":"
    said = "\n" + mark + ":watch:" + case + ":"
    on, off = sentinels

    def watch(
        frame,
        event,
        arg,
        write=write,
        fd=fd,
        codes=codes,
        named=named,
        on=on,
        off=off,
        guards=guards,
        undoers=undoers,
        autograd_ok=autograd_ok,
        name_of=name_of,
        harness=harness,
        seen=seen,
        said=said,
        reach=reach,
    ):
        if event == "call":
            code = frame.f_code
            if code in codes:
                for forbidden, dotted in named:
                    if forbidden is code:
                        write(fd, (seen + "a call of " + dotted + "\n").encode())
            elif code is on:
                write(fd, (said + "on\n").encode())
            elif code is off:
                write(fd, (said + "off\n").encode())
        elif event == "c_call" and frame is not harness:
            if arg in guards:
                write(fd, (seen + "a profiler or tracer of its own\n").encode())
            elif arg in undoers:
                write(fd, (seen + reach + " (" + name_of(arg, "__name__", "") + ")\n").encode())
            elif not autograd_ok and name_of(arg, "__name__", "") == "run_backward":
                write(fd, (seen + "autograd's backward pass\n").encode())

    return watch


def student_cells(nb) -> list[str]:
    """The notebook's code cells that are not test cells, in order: what the re-check process runs."""
    out = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not (meta.get("grade") and not meta.get("solution")):
            out.append(cell.source)
    return out


def runner_source(cases: list[Case]) -> str:
    """The re-check process's program (sandbox.kernel.KERNEL_START forks it off before any student
    code): the probes, the answer cells, then each case with its rules in force, written to a
    pipe only it holds; undumpable, so the kernel (same uid) cannot trace it."""
    import inspect

    import torch

    held = {}
    for case in cases:
        buf = io.BytesIO()
        torch.save(case.inputs, buf)
        held[case.name] = base64.b64encode(buf.getvalue()).decode()
    calls = [(c.name, c.code, list(c.forbid), c.autograd) for c in cases]
    return f'''
_RNNLAB_INPUTS = {held!r}
PROBES = {PROBES!r}
{inspect.getsource(probe_answers)}

{inspect.getsource(_resolve)}

{inspect.getsource(_pin)}

{inspect.getsource(_audit_hook)}

{inspect.getsource(_make_watch)}

def _rnnlab_child(out_fd, go_fd, cells, cell_timeout):
    # the calls' inputs: only the audit hook holds them, out of the reach of the cells that run first
    held = tuple(globals().pop("_RNNLAB_INPUTS").items())
    import base64, ctypes, gc, io, json, os, signal, sys, threading
    import torch
    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)         # PR_SET_DUMPABLE 0: the kernel cannot trace this
    # this run's frame: a cell can run the harness's code again, but never in this frame
    harness = sys._getframe()

    def send(line, fd=out_fd, write=os.write, encode=str.encode):
        # at once (no buffer), on a line of its own (bytes written before without a newline hide nothing)
        data = encode("\\n{MARK}:" + line + "\\n")
        while data:
            data = data[write(fd, data):]

    # everything used after student code has run is bound now, before it can replace any of it
    save, load, b64, unb64, BytesIO, dumps = torch.save, torch.load, \
base64.b64encode, base64.b64decode, io.BytesIO, json.dumps
    setprofile, getprofile, thread_profile, audit = sys.setprofile, sys.getprofile, threading.setprofile, sys.audit
    new_dict, run, kind, Everything, Failure, name_of, sync, size = dict, exec, type, \
BaseException, Exception, getattr, locals, len
    make_watch, write_now = _make_watch, os.write
    gc_off, block, every_signal, SIG_BLOCK = gc.disable, signal.pthread_sigmask, \
signal.valid_signals(), signal.SIG_BLOCK
    guards = (sys.setprofile, sys.settrace)
    undoers = (gc.enable, signal.pthread_sigmask)

    def on():                                      # the watch's sentinels: it reports each call
        pass

    def off():
        pass

    sentinels = (on.__code__, off.__code__)
    # each case: name, code, forbidden code objects (a set, and with their names), autograd allowed
    plan = tuple((name, code, frozenset(codes), tuple(codes.items()), autograd_ok)
                 for name, code, codes, autograd_ok in
                 ((name, code, {{_resolve(f): f for f in forbid}}, autograd_ok)
                  for name, code, forbid, autograd_ok in {calls!r}))
    send("cleanprobes:" + dumps(probe_answers({{}})))
    os.environ["MPLBACKEND"] = "Agg"
    import resource, time
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    # `%matplotlib inline`, which a bare shell refuses (figures are not drawn here: MPLBACKEND is Agg)
    shell.register_magic_function(lambda line="": None, "line", "matplotlib")
    os.read(go_fd, 1)                              # until the kernel is done: one notebook running at a time
    os.close(go_fd)
    # no new process or thread from here: a fork bomb cannot take this process down with it
    resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))
    # before any student code: the pipe pinned, and the audit hook in place
    try:
        pinned = _pin(out_fd, {_SYSCALLS!r})
    except Exception as err:                       # the judge flags it; the record goes on
        pinned = "the filter could not be made: " + type(err).__name__
    sys.addaudithook(_audit_hook(out_fd, harness, "{MARK}", held, _make_watch.__code__))
    del held
    send("guard:" + dumps({{"pinned": pinned or True, "hook": True}}))

    def too_long(signum, frame):
        raise TimeoutError("the cell ran past the time limit")

    signal.signal(signal.SIGALRM, too_long)
    deadline = time.monotonic() + {RECHECK_CELLS_BUDGET}
    stopped = []                                   # the cells that did not run through, and why

    def begins(source):
        # the cell's first line as a markdown code span whose fence outruns its backticks: never markup
        first = next((line.strip() for line in source.splitlines() if line.strip()), "")
        first = first[:50] + " ..." if len(first) > 50 else first
        run = longest = 0
        for char in first:
            run = run + 1 if char == "`" else 0
            longest = max(longest, run)
        pad = " " if first.startswith("`") or first.endswith("`") else ""
        return "the cell beginning " + "`" * (longest + 1) + pad + first + pad + "`" * (longest + 1)

    for at, source in enumerate(cells):            # the student's answer cells, in order
        left = int(deadline - time.monotonic())
        if left < 1:                               # what is left undefined fails its cases
            stopped.append("the {RECHECK_CELLS_BUDGET} s this run may take were over before " + begins(source))
            break
        # a cell but the last gets half of what is left: one that never ends leaves the later ones time
        signal.alarm(min(cell_timeout, left if at == len(cells) - 1 else max(1, left // 2)))
        try:
            ran = shell.run_cell(source, store_history=False, silent=True)
            err = ran.error_before_exec or ran.error_in_exec
            if err is not None:
                stopped.append(begins(source) + " stopped with " + type(err).__name__)
        except BaseException as err:
            stopped.append(begins(source) + " stopped with " + type(err).__name__)
        finally:
            signal.alarm(0)
    send("cells:" + dumps(stopped))
    namespace = new_dict(shell.user_ns)
    for name, code, codes, named, autograd_ok in plan:
        # nothing of the student's left in this frame, the collector off and signals blocked: none of
        # their finalizers, collector callbacks or signal handlers runs before the call or unwatched
        value = err = scope = watch = given = None
        sync()
        gc_off()
        block(SIG_BLOCK, every_signal)
        send("case:" + name)
        given = []
        try:
            audit("rnnlab.inputs", name, given)    # this call's inputs, from the audit hook, once
        except Everything:
            given = []
        if size(given) != 1:
            send("noinputs:" + name)               # no call, no result: the judge fails closed
            given = None
            continue
        scope = new_dict(namespace)
        scope.update(load(BytesIO(unb64(given[0])), weights_only=True))
        given = None
        watching = True if codes or not autograd_ok else False
        if watching:
            watch = make_watch(write_now, out_fd, name, codes, named, autograd_ok, sentinels, guards, undoers,
                               name_of, harness, "{MARK}", "{REACHED}")
            thread_profile(watch)
            setprofile(watch)
            on()
        try:
            run(code, scope)
            value = scope.get("result")
        except Everything as err:
            value = "error: " + kind(err).__name__
        finally:
            if watching:
                off()
                if getprofile() is not watch:
                    send("seen:" + name + ":the profiler was replaced")
                setprofile(None)
                thread_profile(None)
        buf = BytesIO()
        try:
            save(value, buf)
        except Failure:
            buf = BytesIO()
            save("unserialisable result", buf)
        send("result:" + name + ":" + b64(buf.getvalue()).decode())
    send("end")
'''
