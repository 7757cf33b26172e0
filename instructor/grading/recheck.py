"""Catch tampering that tests inside the student's kernel cannot see.

Student code runs before the tests, in the same kernel, so it can patch what the tests rely on
(torch.allclose, math.isclose, numpy's testing helpers, the course's check functions), swallow
exceptions (an input transformer that wraps every cell in try/except, a hijacked
showtraceback), return objects whose __eq__ is always true, read the hidden tests and the graded
quiz's keys as they run (a pre_run_cell hook), or switch off the watch a "without X" rule keeps.
No check inside that kernel can be trusted after the student's code has run. So the grade's
re-check runs outside it:

1. A re-check process. The kernel's launcher starts every graded kernel through
   instructor.grading.sandbox.KERNEL_START, which forks this process off before ipykernel starts, that
   is before any student code. It runs `runner_source`: it takes the known-answer probes, runs
   the student's answer cells (every code cell that is not a test cell: never a hidden test,
   never a quiz key), then calls each case (`Case`: the student's functions on inputs chosen by
   the grader) with the exercise's rules in force (`forbid`: functions the call must not reach;
   `autograd`: whether it may run autograd's backward pass), watched by a profiler that also
   notices a profiler or tracer being set and autograd's engine being called from C. It writes
   the results, serialised with torch.save, to a pipe that only it holds, and makes itself
   undumpable, so the kernel (same uid) cannot trace it or take the pipe. The grader loads them
   with torch.load(weights_only=True), whose unpickler rebuilds only allowlisted types
   (tensors, numbers, strings, plain containers), and compares them with references it computes
   itself. That restriction is not a sandbox: CVE-2025-32434 ran code through weights_only=True
   in torch <= 2.5.1, so the grader refuses to read them with a torch older than SAFE_TORCH (see
   check_torch). A test cell that passed in the kernel while the re-check of the same exercise
   fails loses its points, with a flag. The student's answers run in that process too, so what
   it sees of their calls leaves it at once, on a pipe they cannot take from it, and what could
   switch its watch off is reported by an audit hook they cannot remove (`_pin`, `_audit_hook`,
   `_make_watch`); the grader fails closed when the watch's confirmations are missing.
2. A fingerprint and probes in the kernel, for the report. InjectChecks adds a first cell, run
   before any student code, that prints the identity of the functions tests rely on and of
   IPython's execution machinery, and a last cell (`kernel_checks_source`) that waits for the
   re-check process, prints them again and runs the known-answer probes. Differences are
   flagged for the instructor (replaced helpers, "TAMPERING"); they change no grade.

What remains possible is written in docs/grading.md: chiefly, code that behaves correctly
whenever it is called with the grader's inputs is indistinguishable from a correct solution.
"""
from __future__ import annotations

import ast
import base64
import importlib.util
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor as Preprocessor  # enabled by default

from ..common.course import REPO, gradebook_url
from ..common.problemsets import problem_set

HARNESS_ENV = "RNNLAB_RECHECK_HARNESS"       # file with the harness cell's source
OUTPUT_ENV = "RNNLAB_RECHECK_DIR"            # where ExtractChecks stores what the cells printed
MARK = "rnnlab_recheck"

FINGERPRINT = r'''
def _rnnlab_fingerprint():
    import builtins, math, sys
    import numpy, numpy.testing, torch, torch.testing
    import rnnlab.checks
    shell = get_ipython()
    watched = {
        "torch.allclose": torch.allclose, "torch.equal": torch.equal, "torch.isclose": torch.isclose,
        "torch.testing.assert_close": torch.testing.assert_close, "torch.Tensor.__eq__": torch.Tensor.__eq__,
        "math.isclose": math.isclose, "numpy.allclose": numpy.allclose,
        "numpy.testing.assert_allclose": numpy.testing.assert_allclose,
        "numpy.testing.assert_array_equal": numpy.testing.assert_array_equal,
        "builtins.isinstance": builtins.isinstance, "builtins.type": builtins.type,
        "builtins.print": builtins.print, "builtins.__import__": builtins.__import__,
        "sys.excepthook": sys.excepthook, "shell.showtraceback": shell.showtraceback,
        "shell.run_cell": shell.run_cell, "shell.run_ast_nodes": shell.run_ast_nodes,
        "shell.run_code": shell.run_code,
    }
    watched.update({f"rnnlab.checks.{n}": getattr(rnnlab.checks, n) for n in rnnlab.checks.__all__})
    own = lambda f: getattr(f, "__module__", "") in ("__main__", None) or "<ipython-input" in getattr(getattr(f, "__code__", None), "co_filename", "")
    # bound methods are new objects on every access: compare the functions behind them, and
    # notice a function stored on the shell object itself
    state = {k: str(id(getattr(v, "__func__", v))) for k, v in watched.items()}
    state["functions stored on the shell"] = ",".join(sorted(k for k, v in vars(shell).items() if callable(v) and not isinstance(v, type) and k in ("showtraceback", "run_cell", "run_ast_nodes", "run_code", "showsyntaxerror", "_showtraceback")))
    state["input transformers"] = str(len(shell.input_transformers_post) + len(shell.input_transformers_cleanup))
    state["AST transformers"] = str(len(shell.ast_transformers))
    state["event callbacks from the notebook"] = str(sum(own(cb) for cbs in shell.events.callbacks.values() for cb in cbs))
    state["trace function"] = str(sys.gettrace() is not None)
    main = sys.modules["__main__"].__dict__
    state["test helpers rebound in the notebook"] = ",".join(sorted(
        n for n in rnnlab.checks.__all__ if n in main and main[n] is not getattr(rnnlab.checks, n)))
    return state
'''


# Known-answer probes of what tests rely on. Each is run twice: in the student's kernel after all
# of the student's code (by the harness) and in the grader's own process. A correct comparison
# helper gives the same answer in both; a disagreement is the only thing the re-check calls
# tampering. Each expression sees the modules below and the notebook's own names.
# torch.testing.assert_close has no probe (its identity is in the fingerprint): no test of the
# course calls it, and its first call imports torch.distributed.tensor, 0.8 s in every kernel,
# about a sixth of grading a ps03 submission.
PROBES = {
    "torch.allclose(zeros, ones)": "torch.allclose(torch.zeros(3), torch.ones(3))",
    "torch.equal(zeros, ones)": "torch.equal(torch.zeros(3), torch.ones(3))",
    "torch.isclose(zeros, ones)": "bool(torch.isclose(torch.zeros(3), torch.ones(3)).any())",
    "zeros == ones": "bool((torch.zeros(3) == torch.ones(3)).any())",
    "math.isclose(0, 1)": "math.isclose(0.0, 1.0)",
    "numpy.allclose(zeros, ones)": "bool(numpy.allclose(numpy.zeros(3), numpy.ones(3)))",
    "numpy.testing.assert_allclose(zeros, ones)": "_raises(lambda: numpy.testing.assert_allclose(numpy.zeros(3), numpy.ones(3)))",
    "numpy.testing.assert_array_equal(zeros, ones)": "_raises(lambda: numpy.testing.assert_array_equal(numpy.zeros(3), numpy.ones(3)))",
    "isinstance(1, str)": "isinstance(1, str)",
    "rnnlab.checks.check_close(zeros, ones)": "_raises(lambda: rnnlab.checks.check_close('x', torch.zeros(3), torch.ones(3)))",
    "check_close(zeros, ones) in the notebook": "_raises(lambda: check_close('x', torch.zeros(3), torch.ones(3)))",
    "check_tensor(a list) in the notebook": "_raises(lambda: check_tensor('x', [1.0]))",
}


def probe_answers(scope: dict) -> dict:
    """The probes evaluated in `scope` (a notebook's globals, or a clean one)."""
    import importlib
    names = {"torch": "torch", "math": "math", "numpy": "numpy", "rnnlab": "rnnlab"}
    env = {k: importlib.import_module(v) for k, v in names.items()}
    for module in ("torch.testing", "numpy.testing", "rnnlab.checks"):
        importlib.import_module(module)
    for name in ("check_close", "check_tensor"):
        env[name] = scope.get(name, getattr(env["rnnlab"].checks, name))

    def _raises(call):
        try:
            call()
        except BaseException:                    # what a failing check does: raise
            return "raised"
        return "returned"
    env["_raises"] = _raises
    out = {}
    for label, code in PROBES.items():
        try:
            value = eval(code, env)
            out[label] = value if isinstance(value, (bool, str)) else repr(type(value))
        except BaseException as err:
            out[label] = "error: " + type(err).__name__
    return out


def clean_probe_answers() -> dict:
    """What the probes give in the grader's own process, where nothing is patched."""
    return probe_answers({})


def fingerprint_cell(label: str) -> str:
    return (FINGERPRINT + "import json as _rj, sys as _rs\n"
            f"_rs.stdout.write('{MARK}:{label}:' + _rj.dumps(_rnnlab_fingerprint()) + '\\n')\n"
            "_rs.stdout.flush()\n"
            "del _rnnlab_fingerprint, _rj, _rs\n")


@dataclass
class Case:
    """One call of a student's function, made by the harness, checked by the grader.

    `code` runs in the student's kernel with the names in `inputs` bound, and must set
    `result`. `expected` is what a correct solution returns (tensors, numbers, strings,
    and tuples, lists or dicts of them). `tests` are the grade ids of the test cells that
    check the same exercise: if they passed but this case fails, they lose their points.
    """
    name: str
    tests: list[str]
    code: str
    inputs: dict = field(default_factory=dict)
    expected: object = None
    atol: float = 1e-5
    # the exercise's "without X" rules, judged in the re-check process: functions (dotted names,
    # resolved there before any student code runs) the call must not reach, and whether it may
    # run autograd's backward pass
    forbid: tuple = ()
    autograd: bool = True
    # a case that no grade depends on: the probes' fingerprints of an exercise (rnnlab.diagnose),
    # which name a failed answer's mistake in the feedback
    diagnostic: bool = False


DIAGNOSIS = "diagnosis__"          # the name of an exercise's diagnostic case: DIAGNOSIS + its grade id


def diagnostic_cases(assignment: str) -> list[Case]:
    """One case per exercise of the assignment's catalogue of misconceptions: the probes run in
    the re-check process, on the student's answer (never in the kernel, whose output does not
    reach the student); the grader matches what they return (`diagnoses`)."""
    from rnnlab.diagnose import catalogue

    code = ("result = __import__('rnnlab.diagnose', fromlist=['run_probes'])"
            ".run_probes({assignment!r}, {exercise!r}, globals())")
    return [Case(DIAGNOSIS + exercise, [], code.format(assignment=assignment, exercise=exercise), diagnostic=True)
            for exercise in sorted(catalogue(assignment))]


def load_cases(assignment: str, course: Path = REPO) -> list[Case]:
    """The re-check cases of an assignment of the course folder `course`, from
    source/<assignment>/recheck.py."""
    path = problem_set(assignment, course).recheck
    if not path.is_file():
        return diagnostic_cases(assignment)
    spec = importlib.util.spec_from_file_location(f"recheck_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.cases(Path(course)) + diagnostic_cases(assignment)


_KEY_CALL = r'check_choice\(quiz_answers, "(q\d+)", "([a-z])"\)'


def graded_quiz_cases(assignment: str, course: Path) -> list[Case]:
    """One re-check case per question of a problem set's graded quiz. The keys exist only in
    the hidden tests of source/ (never in the package or the students' distribution), so they
    are read from there, in the course folder being graded (not from wherever this package was
    imported: a hub's servers get the package without the repository, docs/hub.md): the
    `check_choice(quiz_answers, "q1", "b")` call of each `quiz_qN` cell."""
    path = course / "source" / assignment / f"{assignment}.ipynb"
    out = []
    for cell in nbformat.read(path, 4).cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if re.fullmatch(r"quiz_q\d+", gid):
            calls = re.findall(_KEY_CALL, cell.source)
            if len(calls) != 1 or calls[0][0] != gid[len("quiz_"):]:
                raise ValueError(f"{assignment}:{gid} should hold one check_choice call for its question")
            qid, key = calls[0]
            out.append(Case(f"quiz_{qid}", [gid], f"result = quiz_answers.get({qid!r})", {}, key))
    return out


RECHECK_FDS_ENV = "RNNLAB_RECHECK_FDS"        # "<out>,<in>": the re-check's descriptors in the kernel
CELL_TIMEOUT_ENV = "RNNLAB_CELL_TIMEOUT"      # the grading's cell limit, for the wait cells


def kernel_checks_source() -> str:
    """The last cell added to the graded notebook: the fingerprint after the student's code and
    the known-answer probes in the kernel. They only report (replaced helpers, tampering); the
    grade's cases are computed in the re-check process (`runner_source`)."""
    import inspect
    probes = inspect.getsource(probe_answers)
    return fingerprint_cell("after") + f'''
PROBES = {PROBES!r}
{probes}
import json as _rj, sys as _rs
_rs.stdout.write("{MARK}:probes:" + _rj.dumps(probe_answers(globals())) + "\\n")
_rs.stdout.flush()
del probe_answers, PROBES, _rj, _rs
'''


RECHECK_CELLS_BUDGET = 40     # seconds the re-check process may spend on the answer cells


def wait_cell(seconds: int) -> str:
    """A cell added after the graded notebook: it lets the re-check process start (once) and
    waits for it to end, at most `seconds` (under the cell limit; several such cells follow one
    another, so the wait in all outlasts the re-check's budget)."""
    return f'''
import os as _ro, time as _rt
try:
    _ro.close(int(_ro.environ.pop("RNNLAB_RECHECK_GO", "")))   # the re-check process starts now
except (OSError, ValueError):
    pass
_rp, _rend = _ro.environ.get("RNNLAB_RECHECK_PID"), _rt.monotonic() + {seconds}
while _rp and _rt.monotonic() < _rend:             # the re-check process ends before the kernel does
    try:
        if _ro.waitpid(int(_rp), _ro.WNOHANG)[0]:
            _ro.environ.pop("RNNLAB_RECHECK_PID", None)
            break
    except (ChildProcessError, ValueError):
        _ro.environ.pop("RNNLAB_RECHECK_PID", None)
        break
    _rt.sleep(0.05)
del _ro, _rt, _rp, _rend
'''


def wait_cells(cell_timeout: int) -> list[str]:
    """Enough wait cells, each under the cell limit, to outlast the re-check's budget."""
    from .sandbox import RECHECK_WAIT
    per = max(1, cell_timeout - 3)
    return [wait_cell(per) for _ in range(-(-RECHECK_WAIT // per))]


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


# -- the re-check process's record, out of the student's reach -------------------------------------
#
# The student's answer cells and calls run in the re-check process itself, in the interpreter that
# watches them: whatever that process keeps in memory about them (a list of the forbidden calls
# seen, the rules, the watch's state) their code can reach through the call stack or rebind. So
# nothing is kept there. Each observation is written to the pipe the moment it is made, before the
# student's code runs on (the grader, another process, reads it); the pipe's descriptor cannot be
# taken away from the process (`_pin`); what could switch the observer off is reported by an audit
# hook, which cannot be removed (`_audit_hook`); and the grader fails closed when a watched call's
# record lacks the watch's own confirmations (`judge`). The functions below are copied into the
# re-check's program (`runner_source`) and use only what they are given, captured before any
# student code ran: a module attribute or builtin the student replaced later does not reach them.

# system calls that could take a descriptor from its process (x86_64 and aarch64 numbers)
_SYSCALLS = {"x86_64": (0xC000003E, {"close": 3, "dup2": 33, "dup3": 292, "close_range": 436,
                                     "execve": 59, "execveat": 322}),
             "aarch64": (0xC00000B7, {"close": 57, "dup3": 24, "close_range": 436,
                                      "execve": 221, "execveat": 281})}


def _pin(fd, syscalls):
    """Refuse from now on, for the life of this process, every system call that could take
    descriptor `fd` away from it or put another file in its place: close(fd), dup2/dup3 onto fd,
    close_range, and exec (a new program would write in its place). A seccomp filter: no process
    can remove one. Returns None when it is in force, else why not. Writes to `fd` still work, so
    code in the process can add lines to the record but can never stop the process's own."""
    import ctypes, os, struct
    table = syscalls.get(os.uname().machine)
    if table is None:
        return "no table of system calls for " + os.uname().machine
    arch, nr = table
    allow, refuse = 0x7FFF0000, 0x00050000 | 1           # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    load, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06         # BPF_LD|W|ABS, BPF_JMP|JEQ|K, JMP|JGE|K, BPF_RET|K
    prog = [(load, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, refuse),   # another architecture: refused
            (load, 0, 0, 0), (jge, 0, 1, 0x40000000), (ret, 0, 0, refuse)]   # x32 numbers: refused
    for name in ("close_range", "execve", "execveat"):
        prog += [(jeq, 0, 1, nr[name]), (ret, 0, 0, refuse)]
    for name, offset in (("close", 16), ("dup2", 24), ("dup3", 24)):    # the argument's low 32 bits
        if name in nr:
            prog += [(jeq, 0, 4, nr[name]), (load, 0, 0, offset), (jeq, 0, 1, fd), (ret, 0, 0, refuse),
                     (load, 0, 0, 0)]
    prog.append((ret, 0, 0, allow))
    code = b"".join(struct.pack("HBBI", c, jt, jf, k) for c, jt, jf, k in prog)
    filters = ctypes.create_string_buffer(code, len(code))
    fprog = ctypes.create_string_buffer(struct.pack("HxxxxxxP", len(prog), ctypes.addressof(filters)))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:                    # PR_SET_NO_NEW_PRIVS
        return "no_new_privs refused: " + os.strerror(ctypes.get_errno())
    if libc.prctl(22, 2, fprog, 0, 0) != 0:                # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
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
    import os, sys, types
    code_type = types.CodeType
    ours = tuple(c for owner in (harness.f_code, _audit_hook.__code__, *owners)
                 for c in (owner, *(k for k in owner.co_consts if isinstance(k, code_type))))

    def hook(event, args, fd=fd, harness=harness, ours=ours, pending=iter(held), write=os.write, frame=sys._getframe,
             kind=type, function=types.FunctionType, text=str, code_type=code_type, refused=PermissionError,
             line="\n" + mark + ":audit:", profilers=("sys.setprofile", "sys.settrace"),
             internals=("__code__", "__defaults__", "__kwdefaults__"), runs=("exec", "function.__new__"),
             lookups=("ctypes.dlsym", "ctypes.dlsym/handle"), interpreter=("Py", "_Py"),
             reaching=("ctypes.cdata", "ctypes.string_at", "ctypes.wstring_at", "gc.get_objects",
                       "gc.get_referrers", "gc.get_referents")):
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
            if frame(1) is harness:                  # the harness's own watch, set or taken down
                return
            write(fd, (line + event + "\n").encode())
            return
        if event in runs:                            # a code object of ours run in a frame of someone else's
            if not (kind(args[0]) is code_type and any(args[0] is code for code in ours)):
                return
            event = event + " of the grader's " + args[0].co_name
        elif event == "object.__setattr__":
            if kind(args[0]) is not function or not (kind(args[1]) is text and args[1] in internals):
                return
            if any(args[0].__code__ is code for code in ours):
                write(fd, (line + "the grader's function " + args[0].__code__.co_name + "'s " + args[1]
                           + " rebound\n").encode())
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


def _make_watch(write, fd, case, codes, named, autograd_ok, sentinels, guards, undoers, name_of, harness, mark,
                reach):
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

    def watch(frame, event, arg, write=write, fd=fd, codes=codes, named=named, on=on, off=off, guards=guards,
              undoers=undoers, autograd_ok=autograd_ok, name_of=name_of, harness=harness, seen=seen, said=said,
              reach=reach):
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


def runner_source(cases: list[Case]) -> str:
    """The re-check process's program. The kernel's launcher forks it off before any student
    code runs (instructor.grading.sandbox.KERNEL_START): it takes the known-answer probes, runs the
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
    save, load, b64, unb64, BytesIO, dumps = torch.save, torch.load, base64.b64encode, base64.b64decode, io.BytesIO, json.dumps
    setprofile, getprofile, thread_profile, audit = sys.setprofile, sys.getprofile, threading.setprofile, sys.audit
    new_dict, run, kind, Everything, Failure, name_of, sync, size = dict, exec, type, BaseException, Exception, getattr, locals, len
    make_watch, write_now = _make_watch, os.write
    gc_off, block, every_signal, SIG_BLOCK = gc.disable, signal.pthread_sigmask, signal.valid_signals(), signal.SIG_BLOCK
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


class InjectChecks(Preprocessor):
    """nbgrader autograde preprocessor: add the fingerprint cell first and the harness last."""

    def preprocess(self, nb, resources):
        harness = os.environ.get(HARNESS_ENV)
        if not harness:
            return nb, resources
        first = nbformat.v4.new_code_cell(fingerprint_cell("before"))
        waits = [nbformat.v4.new_code_cell(c) for c in wait_cells(int(os.environ.get(CELL_TIMEOUT_ENV, "60")))]
        last = nbformat.v4.new_code_cell(Path(harness).read_text())
        for cell in (first, *waits, last):
            cell.metadata[MARK] = True
        nb.cells = [first] + nb.cells + waits + [last]
        return nb, resources


class ExtractChecks(Preprocessor):
    """nbgrader autograde preprocessor: remove the added cells and store what they printed."""

    def preprocess(self, nb, resources):
        keep, printed = [], []
        for cell in nb.cells:
            if cell.metadata.get(MARK):
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "stream":
                        printed.append(out.get("text", ""))
                    elif out.get("output_type") == "error":
                        printed.append(f"\n{MARK}:error:{out.get('ename')}\n")
            else:
                keep.append(cell)
        nb.cells = keep
        folder = os.environ.get(OUTPUT_ENV)
        student = resources.get("nbgrader", {}).get("student")
        if folder and student:
            Path(folder, f"{student}.txt").write_text("".join(printed))
        return nb, resources


def preprocessors(execute: str = "nbgrader.preprocessors.Execute", rechecks: bool = True) -> list[str]:
    """nbgrader's autograde preprocessors, with `execute` for its Execute and the two of this
    module around it (when there are re-checks)."""
    around = ["instructor.grading.recheck.InjectChecks", execute, "instructor.grading.recheck.ExtractChecks"]
    return (around if rechecks else [execute]) + ["nbgrader.preprocessors.IgnorePattern",
             "nbconvert.preprocessors.ClearMetadataPreprocessor", "nbgrader.preprocessors.LimitOutput",
             "nbgrader.preprocessors.SaveAutoGrades", "nbgrader.preprocessors.AssignLatePenalties",
             "nbgrader.preprocessors.CheckCellMetadata"]


# -- comparison, in the grader's process ----------------------------------------------------

SAFE_TORCH = (2, 6)          # CVE-2025-32434: weights_only=True could run code in torch <= 2.5.1


def check_torch(version: str) -> None:
    """Refuse, with a clear error, to unpickle student payloads with a torch known to let
    weights_only=True run code. The course pins a current torch in requirements.txt."""
    parts = version.split("+")[0].split(".")
    try:
        major, minor = int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        raise RuntimeError(f"cannot read the torch version {version!r}") from None
    if (major, minor) < SAFE_TORCH:
        raise RuntimeError(
            f"torch {version} lets torch.load(weights_only=True) run code (CVE-2025-32434): the "
            f"grader will not read re-check results with it. Install the torch that requirements.txt "
            f"pins (at least {SAFE_TORCH[0]}.{SAFE_TORCH[1]}).")


@dataclass
class Printed:
    """What the added cells printed, as the grader reads it."""
    before: dict | None = None               # fingerprint before the student's code
    after: dict | None = None                # and after it
    results: dict = field(default_factory=dict)        # case name -> loaded value
    probes: dict | None = None               # probe label -> answer in the kernel
    clean_probes: dict | None = None         # and in the re-check process, before student code
    ended: bool = False                      # the harness printed its last line
    problems: list[str] = field(default_factory=list)  # lines that break the format, no case to blame
    case_problems: dict = field(default_factory=dict)  # case name -> such lines printed during its call
    duplicated: set = field(default_factory=set)       # cases with more than one result line
    stopped: list = field(default_factory=list)        # cells that stopped in the re-check's run
    guard: dict | None = None                # the re-check process's guards, reported before any student code
    seen: dict = field(default_factory=dict)           # case name -> what its watch saw (a rule broken)
    confirmed: dict = field(default_factory=dict)      # case name -> its watch's sentinels, in order
    audits: list = field(default_factory=list)         # what the audit hook reported, anywhere


def parse_printed(text: str) -> Printed:
    """Read the stored output of the added cells; never raises.

    Each result is loaded with torch.load(weights_only=True): plain tensors, numbers, strings
    and containers only. Anything else (a pickled object of the student's) becomes a string
    saying it was unreadable, for that case alone. The restriction is only as good as the
    installed torch: check_torch refuses versions with a known way around it. A line that starts like the harness's but
    breaks its format, or a second result for one case, is a problem: student code printed
    into the harness's output, so its results are not trusted (the caller fails closed). So is a
    line that holds the harness's marker after other bytes: every line of the harness, its watch
    and its hook starts on a line of its own, so only code that wrote to the record without ending
    its line (to hide the line that followed) leaves one."""
    import torch

    check_torch(torch.__version__)
    out = Printed()
    current = None                              # the case whose call is running

    def problem(why: str, case: str | None = None) -> None:
        case = case or current
        if case is None:
            out.problems.append(why)
        else:
            out.case_problems.setdefault(case, []).append(why)

    for line in text.splitlines():
        if not line.startswith(f"{MARK}:"):
            if MARK in line:
                problem(f"a line of the record behind other bytes ({line[:60]!r})")
            continue
        kind, _, rest = line[len(MARK) + 1:].partition(":")
        if kind == "case":
            if current is not None and current not in out.results:
                problem("its call printed another case's marker")
            current = rest
            continue
        if kind in ("probes", "cleanprobes", "end", "before", "after", "cells", "guard"):
            current = None                      # printed by the harness itself, outside the calls
        if kind in ("before", "after", "guard"):
            value = _json(rest)
            if value is None or getattr(out, kind) is not None:
                problem(f"a malformed or repeated {kind} line")
            else:
                setattr(out, kind, value)
        elif kind in ("seen", "watch"):           # written by a call's watch the moment it saw it
            name, sep, what = rest.partition(":")
            if not sep or not name or not what:
                problem(f"a malformed line of the watch ({line[:60]!r})")
                continue
            if name != current:
                problem(f"a line of the watch of {name} outside its call", name)
                if current is not None:
                    problem(f"a line of the watch of {name} during its call")
            (out.seen if kind == "seen" else out.confirmed).setdefault(name, []).append(what[:200])
        elif kind == "audit":                   # the audit hook: student code reached the harness
            out.audits.append((rest[:200] or "an unnamed event", current))
        elif kind == "result":
            name, sep, payload = rest.partition(":")
            if not sep or not name:
                problem(f"a malformed result line ({line[:60]!r})")
                continue
            if name in out.results:
                out.duplicated.add(name)
                continue
            if name != current:
                problem(f"a result for {name} printed during the call of {current}", name)
                if current is not None:
                    problem(f"a result for {name} printed during its call")
            try:
                out.results[name] = torch.load(io.BytesIO(base64.b64decode(payload, validate=True)),
                                               weights_only=True)
            except Exception as err:                      # forged or unsafe payloads end here
                out.results[name] = f"unreadable ({type(err).__name__})"
        elif kind in ("probes", "cleanprobes"):       # the kernel's, and the re-check process's
            field_name = "probes" if kind == "probes" else "clean_probes"
            value = _json(rest)
            if value is None or getattr(out, field_name) is not None:
                problem(f"malformed or repeated probe answers ({kind})")
            else:
                setattr(out, field_name, value)
        elif kind == "cells":
            try:
                value = json.loads(rest)
            except ValueError:
                value = None
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problem("a malformed list of stopped cells")
            else:
                out.stopped += [v[:200] for v in value]
        elif kind == "end" and not rest:
            out.ended = True
        elif kind == "noinputs":                 # the harness got no inputs for this call: it made none
            problem("the call's inputs were not handed over", rest or None)
        elif kind == "error":
            out.problems.append(f"the grader's cell stopped with {rest or 'an error'}")
        else:
            problem(f"an unknown line ({line[:60]!r})")
    return out


def _json(text: str):
    try:
        value = json.loads(text)
        return value if isinstance(value, dict) else None
    except ValueError:
        return None


def same(got, expected, atol: float) -> bool:
    """Strict comparison: exact types, shapes, values within atol."""
    import torch

    if isinstance(expected, torch.Tensor):
        if type(got) not in (torch.Tensor, torch.nn.Parameter) or got.shape != expected.shape:
            return False
        diff = (got.detach().double() - expected.double()).abs()
        return diff.numel() == 0 or (bool(torch.isfinite(diff).all()) and float(diff.max()) <= atol)
    if isinstance(expected, (tuple, list)):
        return type(got) is type(expected) and len(got) == len(expected) and \
            all(same(g, e, atol) for g, e in zip(got, expected))
    if isinstance(expected, dict):
        return type(got) is dict and set(got) == set(expected) and \
            all(same(got[k], expected[k], atol) for k in expected)
    if isinstance(expected, float):
        return type(got) in (float, int) and abs(got - expected) <= atol
    return type(got) is type(expected) and got == expected


# What the student reads under an answer whose points the re-check took (the gradebook's comment
# of that answer cell, shown in the feedback and in the formgrader). {score0} is "the test `a`
# scores 0" or "the tests `a` and `b` score 0".
AGAIN = "To check this answer, the grader runs your answer cells a second time, on their own, after your notebook"
UNTRUSTED = (AGAIN + ". That run did not end as it should (its results were missing or garbled), so {score0} "
             "for now. Your instructor sees the reason and can give the points back: ask them if you think "
             "your answer is right.")
GRADER_FAULT = ("The grader could not finish checking this answer because of a fault of its own, not because of "
                "your answer: {score0} until your instructor grades it again.")
NOT_RUN = (AGAIN + "; there {why}, so the answer could not be checked and {score0} for now. Your instructor "
           "sees this and can give the points back. (That run stops at a line that needs Jupyter itself, such "
           "as `input()` or a `!` shell command, at a new process or thread, or after " + str(RECHECK_CELLS_BUDGET)
           + " s in all.)")
RULE_BROKEN = "error: the exercise's rule was broken"
BROKE_RULE = "When the grader called your function again, {what}"
MISSED = ("When the grader called your function again on inputs of its own, it {did}, although the tests in "
          "this notebook passed, so {score0}. Try your function on more inputs than the visible test uses "
          "(other sizes, a size of 1, float64), as the problem set's introduction says.")
QUIZ_MISSED = ("When the grader checked your quiz answers again, {questions} did not hold the right answer, "
               "so {score0}.")


def _listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _score0(tests: list[str]) -> str:
    names = [f"`{t}`" for t in tests]
    return (f"the test {names[0]} scores 0" if len(names) == 1 else f"the tests {_listed(names)} score 0")


def comment_text(template: str, tests: list[str], fields: dict | None = None) -> str:
    """The sentence `template` says about `tests` (the tests of one answer cell)."""
    questions = _listed([t[len("quiz_"):] for t in tests])
    fields = dict(fields or {})
    if "what" in fields:                      # BROKE_RULE: the clause holds {score0} itself
        fields["what"] = fields["what"].format(score0=_score0(tests))
    return template.format(score0=_score0(tests), questions=questions, **fields)


PROFILER = "a profiler or tracer of its own"          # what the watch or the audit hook saw, as judged
REACHED = "a reach into the grader's own check"


def _rule_used(value: str) -> str:
    """What the re-check's profiler saw, as the student reads it (BROKE_RULE's {what})."""
    seen = value[len(RULE_BROKEN):].strip(" ()")
    if seen.startswith(REACHED):
        return ("it reached into the grader's own check of your function (" + seen[len(REACHED):].strip(" ()")
                + "), which a graded answer may not do, so {score0}.")
    if seen.startswith("a call of "):
        return (f"it used `{seen[len('a call of '):]}`, which this exercise asks you not to use, so {{score0}}. "
                "Write that part yourself, as the exercise says.")
    if "backward" in seen:
        return ("it ran autograd's backward pass, where this exercise asks you to compute the gradients by "
                "hand, so {score0}. Write that part yourself, as the exercise says.")
    return ("it set a profiler or tracer of its own, which a graded answer may not do (the grader uses one "
            "to see what your function calls), so {score0}.")


def _did(value) -> str:
    if isinstance(value, str) and value.startswith("error: "):
        return f"raised {value[len('error: '):]}"
    if isinstance(value, str) and value.startswith(("unreadable", "unserialisable")):
        return "gave a result the grader could not read"
    return "gave a wrong result"


def judge(cases: list[Case], printed: str, passed: set[str],
          clean_probes: dict | None = None, notes: dict | None = None) -> tuple[list[str], set[str]]:
    """Flags, and the test cells whose points are taken back, for one student. Fails closed.

    - a case whose result is missing or repeated, or whose call printed lines that break the
      harness's format: a harness error caused by the student's code; every test of that
      exercise that passed loses its points;
    - such lines outside any call, or a harness that did not reach its end: no result can be
      trusted; every passed test of every re-checked exercise loses its points;
    - a wrong result (an error raised by the student's function, or a value that cannot be
      saved or loaded as plain data, count as wrong results) although all the exercise's tests
      passed: a plain failure the tests missed
      (a reason to extend the hidden tests), never called tampering; when some of the tests
      failed already, they judged the exercise, as stock nbgrader would;
    - "tampering" only when the probes' answers in the kernel disagree with the same code
      run outside it (`clean_probes`), i.e. the kernel's own record is false.

    - a result that is an error while some of the student's cells stopped in the re-check's run
      (`%matplotlib`'s kin, `input()`, a thread, the time limit): the answer could not be run
      again; its points are held back (it could be a submission that stops itself there on
      purpose) with a flag that asks the instructor to grade it by hand.

    `notes`, if given, receives for each test that loses its points the sentence for the student
    (a template of this module and its fields), which the gradebook keeps as the comment of the
    exercise's answer (`comment_text`).
    """
    got = parse_printed(printed)
    flags: list[str] = []
    if got.before is not None and got.after is not None:
        changed = sorted(k for k in got.before if got.after.get(k) != got.before[k])
        if changed:
            flags.append("the notebook replaced or hooked: " + ", ".join(changed))
    clean_probes = clean_probe_answers() if clean_probes is None else clean_probes
    if got.probes is not None:
        lies = [f"{label} gave {got.probes.get(label)!r} in the kernel, {want!r} outside"
                for label, want in clean_probes.items() if got.probes.get(label) != want]
        if lies:
            flags.append("TAMPERING: the kernel's own results disagree with the same code run "
                         "outside it: " + "; ".join(lies))
    broken = list(got.problems)
    if got.guard is None:
        broken.append("the re-check process did not report its guards before the student's code ran")
    elif got.guard.get("pinned") is not True:
        flags.append(f"the re-check process's output could not be pinned ({got.guard.get('pinned')}): code in "
                     "it could have hidden lines of its record (see What remains possible in docs/grading.md)")
    # what the audit hook reported: any of it may have switched a watch off, so it breaks the rule
    # of every watched call, wherever it happened
    reached = [PROFILER if event in ("sys.setprofile", "sys.settrace") else f"{REACHED} ({event})"
               for event, _ in got.audits]
    if got.clean_probes is not None and got.clean_probes != clean_probes:
        broken.append("the re-check process's probes disagree with the grader's before any student code ran")
    if not got.ended:
        broken.append("the grader's check did not run to its end (output hidden, redirected, or the "
                      "kernel stopped)")
    deducted: set[str] = set()
    for case in cases:
        if case.diagnostic:
            continue
        value = got.results.get(case.name)
        tests_that_passed = [t for t in case.tests if t in passed]
        if case.name in got.case_problems:
            broken_here = broken + got.case_problems[case.name]
        else:
            broken_here = broken
        watched = bool(case.forbid) or not case.autograd
        if watched and case.name in got.results and got.confirmed.get(case.name) != ["on", "off"]:
            # the watch's own sentinels, called by the harness right after setting it and right after
            # the student's call: without both (once each) it was not watching the whole call
            broken_here = broken_here + [f"its watch confirmed {got.confirmed.get(case.name, [])[:4]} instead of "
                                         "['on', 'off'] (it was not watching the whole call)"]
        rules = got.seen.get(case.name, []) + (reached if watched else [])
        if broken_here or case.name in got.duplicated or case.name not in got.results:
            why = ("; ".join(broken_here) if broken_here else
                   "two results were printed for it" if case.name in got.duplicated else "no result")
            if tests_that_passed:
                flags.append(f"re-check {case.name}: the grader's check could not be trusted ({why}); "
                             f"{', '.join(tests_that_passed)} lose their points")
                deducted.update(tests_that_passed)
                fault = any("before any student code ran" in b for b in broken_here)
                _note(notes, tests_that_passed, GRADER_FAULT if fault else UNTRUSTED)
            continue
        if rules:                     # out of the process before the student's code could undo it
            value = RULE_BROKEN + " (" + rules[0] + ")"
        elif same(value, case.expected, case.atol):
            continue
        if len(tests_that_passed) < len(case.tests):
            continue          # the tests caught it already: they judged it
        if isinstance(value, str) and value.startswith(RULE_BROKEN):
            flags.append(f"re-check {case.name}: {value[len('error: '):]}: "
                         f"{', '.join(tests_that_passed)} lose their points")
            deducted.update(tests_that_passed)
            _note(notes, tests_that_passed, BROKE_RULE, what=_rule_used(value))
            continue
        if isinstance(value, str) and value.startswith("error: ") and got.stopped:
            why = got.stopped[0] + (f" (and {len(got.stopped) - 1} more)" if len(got.stopped) > 1 else "")
            flags.append(f"re-check {case.name}: the answer could not be run again ({why}): "
                         f"{', '.join(tests_that_passed)} lose their points until you grade them by hand "
                         "(a manual score in the formgrader)")
            deducted.update(tests_that_passed)
            _note(notes, tests_that_passed, NOT_RUN, why=why)
            continue
        what = (f"({value}) " if isinstance(value, str) and value.startswith(("error", "unreadable", "unserialisable"))
                else "")
        tampered = any(f.startswith("TAMPERING") for f in flags)
        flags.append(f"re-check {case.name}: a wrong result {what}on the grader's inputs, which the tests "
                     f"missed: {', '.join(tests_that_passed)} lose their points "
                     + ("(see the tampering above)" if tampered else
                        "(a plain failure; consider extending the hidden tests)"))
        deducted.update(tests_that_passed)
        if case.name.startswith("quiz_"):
            _note(notes, tests_that_passed, QUIZ_MISSED)
        else:
            _note(notes, tests_that_passed, MISSED, did=_did(value))
    return flags, deducted


def _note(notes: dict | None, tests: list[str], template: str, **fields) -> None:
    if notes is not None:
        for test in tests:
            notes.setdefault(test, (template, tuple(sorted(fields.items()))))


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


# what an answer names to reach the re-check's own frames or the interpreter's memory, where the watch
# cannot see it (ctypes writes memory with no audit event): no honest answer of the course names one
REACHING_NAMES = frozenset({"ctypes", "_ctypes", "cffi", "pythonapi", "_getframe", "f_locals", "f_back",
                            "__defaults__", "currentframe"})


def reaching_names(source: str) -> list[str]:
    """The names of REACHING_NAMES, and `gc.` with its function, that a cell's code uses (names,
    attributes and imports, read with ast: a comment or a string does not count)."""
    from IPython.core.inputtransformer2 import TransformerManager
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return []
    found = set()
    for node in ast.walk(tree):
        names = ([node.id] if isinstance(node, ast.Name) else [node.attr] if isinstance(node, ast.Attribute)
                 else node.name.split(".") if isinstance(node, ast.alias)
                 else (node.module or "").split(".") if isinstance(node, ast.ImportFrom) else [])
        found.update(name for name in names if name in REACHING_NAMES)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "gc":
            found.add("gc." + node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module == "gc":
            found.update("gc." + alias.name for alias in node.names)
    return sorted(found)


def reaching_flags(cells: list[str]) -> list[str]:
    """A flag for each of the student's cells that names a way around the watch (no points taken):
    the instructor reads that answer (docs/grading.md, What remains possible)."""
    return [f"re-check: a cell uses {', '.join(names)}, by which an answer can switch the grader's watch off "
            f"unseen; read it (it begins {first_line(cell)!r})" for cell in cells if (names := reaching_names(cell))]


def first_line(source: str) -> str:
    line = next((text.strip() for text in source.splitlines() if text.strip()), "")
    return line[:60] + " ..." if len(line) > 60 else line


def answer_cells(release_nb) -> dict[str, str]:
    """For each graded test cell of the released notebook, the answer cell it checks: the nearest
    solution cell above it (the grade id of a cell with `solution: true`)."""
    out, answer = {}, None
    for cell in release_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            answer = meta.get("grade_id")
        elif meta.get("grade") and answer:
            out[meta.get("grade_id")] = answer
    return out


NOT_RECOGNISED = ("The course's catalogue of common mistakes does not recognise what this answer does; "
                  "compare it with the exercise's description and its visible test.")


def diagnoses(assignment: str, cases: list[Case], printed: str, failed: set[str]):
    """exercise -> rnnlab.diagnose.Diagnosis, for each failed exercise (`failed`: answer cells'
    grade ids) that has a diagnostic case and fingerprints from the re-check process: what they
    match in the catalogue. An exercise whose probes did not run (not attempted, a function not
    defined) gets no diagnosis."""
    from rnnlab.diagnose import catalogue, match

    got, entries, out = parse_printed(printed), catalogue(assignment), {}
    for case in cases:
        exercise = case.name[len(DIAGNOSIS):]
        if not case.diagnostic or exercise not in failed:
            continue
        value = got.results.get(case.name)
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            continue                      # not attempted (NotImplementedError), undefined, or no result
        out[exercise] = match(exercise, value, entries.get(exercise, []))
    return out


def comment_on_answers(gb, assignment: str, student: str, said: dict[str, str]) -> None:
    """Add each text to the comment of its answer cell (grade id -> text), after what is there."""
    if not said:
        return
    submission = gb.find_submission(assignment, student)
    for nb in submission.notebooks:
        for comment in nb.comments:
            if comment.name in said:
                comment.auto_comment = "\n\n".join(([comment.auto_comment] if comment.auto_comment else [])
                                                    + [said[comment.name]])
    gb.db.commit()


def record_in_gradebook(gb, assignment: str, student: str, deducted: set[str], notes: dict,
                        answers: dict[str, str]) -> float:
    """Write the re-check's verdict where nbgrader keeps grades, so that the formgrader, feedback
    and export read the score the report gives: each test that lost its points gets an automatic
    score of 0, and the answer cell it checks a comment saying why (shown to the student in the
    feedback and to the instructor in the formgrader; a comment typed by hand there wins).
    Grading the student again starts from nbgrader's own scores. Returns the new total."""
    submission = gb.find_submission(assignment, student)
    grades = {g.name: g for nb in submission.notebooks for g in nb.grades}
    grouped: dict[str, dict] = {}             # answer cell -> (template, fields) -> its tests
    for test in sorted(deducted):
        grades[test].auto_score = 0.0
        if test in answers:
            note = notes.get(test, (MISSED, (("did", "gave a wrong result"),)))
            grouped.setdefault(answers[test], {}).setdefault(note, []).append(test)
    said = {cell: [comment_text(template, tests, dict(fields)) for (template, fields), tests in notes_of.items()]
            for cell, notes_of in grouped.items()}
    for nb in submission.notebooks:
        for comment in nb.comments:
            if comment.name in said:
                comment.auto_comment = "\n\n".join(([comment.auto_comment] if comment.auto_comment else [])
                                                    + said[comment.name])
    gb.db.commit()
    gb.db.refresh(submission)
    return float(submission.score)


def _cells_of(run, student: str) -> list[str]:
    """The cells the re-check process ran for `student` (its input file), or none."""
    try:
        return json.loads((run.work / f"recheck-{student}.json").read_text())["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def recheck_all(run, students: list[str]) -> None:
    """Judge every graded student of a pipeline run (instructor.grading.pipeline.Run)."""
    cases = run.cases
    if not cases:
        return
    from nbgrader.api import Gradebook

    clean = clean_probe_answers()
    answers = answer_cells(run.release_nb)
    with Gradebook(gradebook_url(run.course)) as gb:
        for student in students:
            result = run.results[student]
            printed_file = run.work / "recheck" / f"{student}.txt"
            printed = printed_file.read_text() if printed_file.exists() else ""
            submission = gb.find_submission(run.assignment, student)
            passed, points = set(), {}
            for nb in submission.notebooks:
                for grade in nb.grades:
                    points[grade.name] = grade.max_score
                    if grade.auto_score is not None and grade.auto_score >= grade.max_score:
                        passed.add(grade.name)
            notes: dict[str, str] = {}
            try:
                flags, deducted = judge(cases, printed, passed, clean, notes)
            except Exception as err:                   # fail closed: no point the re-check guards stays
                deducted = {t for case in cases for t in case.tests if t in passed}
                flags = [f"re-check could not be judged ({type(err).__name__}: {err}); "
                         f"{', '.join(sorted(deducted)) or 'no test'} lose their points"]
                _note(notes, sorted(deducted), GRADER_FAULT)
            result.flags += flags + reaching_flags(_cells_of(run, student))
            result.failed_tests += sorted(deducted)
            if deducted:
                result.score = record_in_gradebook(gb, run.assignment, student, deducted, notes, answers)
            failed = {answers[t] for t in points if t in answers and (t not in passed or t in deducted)}
            try:
                found = diagnoses(run.assignment, cases, printed, failed)
            except Exception as err:                   # a help, never a grade: note it and go on
                found = {}
                result.flags.append(f"mistakes not named ({type(err).__name__}: {err})")
            result.diagnoses = {ex: (d.entry.id if d.entry else "") for ex, d in found.items()}
            comment_on_answers(gb, run.assignment, student,
                               {ex: d.entry.text() if d.entry else NOT_RECOGNISED for ex, d in found.items()})
