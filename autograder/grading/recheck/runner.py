"""The program of the re-check process (`runner_source`), forked in the sandbox before any student
code (autograder.grading.sandbox.KERNEL_START): it runs the student's answer cells, then each
case with its rules in force, watched by a profiler whose every observation leaves at once on a
pipe the student cannot take (`_pin`), with an audit hook that cannot be removed reporting what
could switch the watch off (`_audit_hook`, `_make_watch`).
"""

from __future__ import annotations

import base64
import io

from .cases import Case
from .judge import REACHED
from .kernel import MARK, PROBES, RECHECK_CELLS_BUDGET, probe_answers

RECHECK_FDS_ENV = "RNNLAB_RECHECK_FDS"  # "<out>,<in>": the re-check's descriptors in the kernel


def _resolve(dotted):
    """The code object that a call of the function named `dotted` (a `Case.forbid` entry, such as
    "torch.nn.utils.clip_grad_norm_" or "torch.nn.modules.rnn.RNNBase.__init__": the longest
    importable module, then attributes) finally runs, decorators followed through __wrapped__ as
    rnnlab.checks.forbid_calls does. Run in the re-check process before any student code."""
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
    """Refuse from now on, for the life of this process, every system call that could take
    descriptor `fd` away from it or put another file in its place: close(fd), dup2/dup3 onto fd,
    close_range, and exec (a new program would write in its place). A seccomp filter: no process
    can remove one. Returns None when it is in force, else why not. Writes to `fd` still work, so
    code in the process can add lines to the record but can never stop the process's own."""
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
    """The re-check process's audit hook (sys.addaudithook: no code can remove it). It writes to
    `fd`, at once, the events by which code could change or read what the process records about
    it: a profiler or tracer set by any code but the harness (the frame `harness`, the one run of
    the harness's function, taken before this hook is in place: its code object can be run again
    in another frame, that frame cannot), the code or defaults of one of the harness's functions
    rebound (those of the harness, of `owners` and the functions defined in them: the watch, its
    sentinels, this hook), one of their code objects run again (made into a function, put in
    another function's place, given to exec), the garbage collector's lists of objects, and
    ctypes reaching the interpreter (a function of its C API looked up, an object made at a raw
    address, memory read at one); all but the first two kinds are also refused. Honest answers
    cause none of them (a namedtuple or an import that sets the defaults of its own functions is
    not reported, nor is ctypes calling the C library, as the keyring attacks do). Another audit
    hook is refused (it would see what this one hands over). The hook also holds the calls'
    inputs (`held`: (case name, serialised inputs) pairs, in the order of the calls), out of
    reach of the student's cells, which run before the calls: it hands the next call's, once, to
    the harness's frame when it asks for that call's (the event "rnnlab.inputs", with the case's
    name and a list to put them in), and to nothing else. Every line it writes starts on a line of
    its own, whatever was written before it. Objects of the student's are compared by identity
    only: no code of theirs (an __eq__ or __hash__) runs inside this hook."""
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
    """The profiler of one call of `case`, with every name it uses given to it (nothing it looks
    up can have been replaced). It writes each observation to `fd` at once: a call of a forbidden
    function (`codes`, a frozenset of code objects; `named`, (code, dotted name) pairs), a profiler
    or tracer set, autograd's backward pass (unless `autograd_ok`), a call of one of `undoers`
    (what turns the garbage collector or signals back on: their handlers would run inside the
    watch, where Python profiles nothing), and a call of each of the
    harness's two sentinels (`sentinels`: the code objects of the functions it calls right after
    setting the watch and right after the student's call), its proof that it was watching from
    before the call to after it. `harness` is the harness's frame: what it calls is not reported.
    Every line starts on a line of its own, whatever the student's code wrote before it."""
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
    """What the re-check process runs: the notebook's code cells that are not test cells (the
    student's answers, the setup cells, cells they added), in order. Test cells, visible or
    hidden, never run there."""
    out = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not (meta.get("grade") and not meta.get("solution")):
            out.append(cell.source)
    return out


def runner_source(cases: list[Case]) -> str:
    """The re-check process's program. The kernel's launcher forks it off before any student
    code runs (autograder.grading.sandbox.KERNEL_START): it takes the known-answer probes, runs the
    student's answer cells (never a test cell, so never a hidden test or a quiz key), then
    calls each case with the exercise's rules in force, and writes the results to a pipe that
    only it holds. It makes itself undumpable, so the kernel (same uid) cannot trace it or take
    its descriptors."""
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
    # the calls' inputs: only the audit hook will hold them (the student's cells, which run first,
    # could otherwise compute the answers with a forbidden function before any call is watched)
    held = tuple(globals().pop("_RNNLAB_INPUTS").items())
    import base64, ctypes, gc, io, json, os, signal, sys, threading
    import torch
    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)         # PR_SET_DUMPABLE 0: the kernel cannot trace this
    # this run's frame, the harness's own: its code object can be run again by a cell, in a frame
    # of its own, with globals of its own; this frame cannot
    harness = sys._getframe()

    def send(line, fd=out_fd, write=os.write, encode=str.encode):
        # out of this process at once (no buffer to empty), and on a line of its own: bytes the
        # student's code wrote to the pipe without ending their line do not hide it
        data = encode("\\n{MARK}:" + line + "\\n")
        while data:
            data = data[write(fd, data):]

    # everything used once student code has run is bound here, before: a module attribute or a
    # builtin it replaces later (json.dumps, torch.save, dict, exec, ...) does not reach the harness
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
    # each case: its name, its code, the code objects it must not reach (a set, and with their
    # names), whether it may run autograd's backward pass; immutable, built before any student code
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
    # what a Jupyter kernel accepts and a bare shell refuses: `%matplotlib inline` (figures are
    # not drawn here anyway, MPLBACKEND is Agg)
    shell.register_magic_function(lambda line="": None, "line", "matplotlib")
    os.read(go_fd, 1)                              # until the kernel is done: one notebook running at a time
    os.close(go_fd)
    # no process or thread of its own from here: a fork bomb or twelve processes holding memory
    # cannot take this process down with them (its own tasks exist already)
    resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))
    # the record out of the student's reach, both before any of their code: the pipe cannot be
    # taken from this process, and what could switch the watch off is reported by a hook that
    # cannot be removed
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
        # the cell's first line, for the comment that says which cell stopped: as a markdown code
        # span that holds it as written whatever it holds (a fence longer than any run of
        # backticks in it), so no part of it is read as markup where the comment is rendered
        first = next((line.strip() for line in source.splitlines() if line.strip()), "")
        first = first[:50] + " ..." if len(first) > 50 else first
        run = longest = 0
        for char in first:
            run = run + 1 if char == "`" else 0
            longest = max(longest, run)
        pad = " " if first.startswith("`") or first.endswith("`") else ""
        return "the cell beginning " + "`" * (longest + 1) + pad + first + pad + "`" * (longest + 1)

    for source in cells:                           # the student's answer cells, in order
        left = int(deadline - time.monotonic())
        if left < 1:                               # what is left undefined fails its cases
            stopped.append("the {RECHECK_CELLS_BUDGET} s this run may take were over before " + begins(source))
            break
        signal.alarm(min(cell_timeout, left))
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
        # nothing of the student's left in this frame (its copy of the locals too), the garbage
        # collector off and signals blocked: no finalizer, collector callback or signal handler of
        # theirs runs from here until the call, or inside the watch, where nothing is watched
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
