"""Assertions the problem sets' tests use: strict about types, readable when they fail.

Every failure raises AssertionError with a sentence a student can act on ("h_new has shape
(3, 4) but should have (3, 6)"). Types are checked exactly: a tensor subclass or an object
with a rigged __eq__ does not pass as a tensor. Every check returns None, so a test cell may
end with one: nbgrader would read a returned number as a partial score.

Imported in IPython (a notebook, or the grading kernel), the module installs a handler so that
a failed check shows as that sentence first, then the line of the test cell that made it, with
no frames from this file (for `forbid_calls`, also the student's line that made the forbidden
call). Under setup()'s one-line errors (`%xmode Minimal`), an error raised inside a function the
student wrote shows the frames of the student's own code, as IPython names them ("Cell In[7],
line 12, in manual_rnn" and that line's text), what their last line called ("inside
torch.nn.functional.cross_entropy"), then the error: no frame of the course, torch or Python.
Lines of cells that hold hidden tests are never shown. The error output's name and value, which
nbgrader, the feedback and the progress command read, are the exception's own; other errors
keep IPython's usual display.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import linecache
import os
import sys
import traceback
from pathlib import Path

import numpy
import torch

_HERE = Path(__file__).resolve()

__all__ = [
    "check_tensor",
    "check_close",
    "check_shape",
    "check_equal",
    "check_choices",
    "check_choice",
    "switched_off",
    "without_autograd",
    "forbid_calls",
    "inputs_unchanged",
    "size_one_cases",
    "both_calls",
    "check_input_grads",
    "no_batch_loop",
    "no_step_loop",
    "name_mistakes",
]


def check_tensor(name: str, value, shape: tuple | None = None) -> None:
    """`value` must be a plain torch.Tensor (or nn.Parameter) of `shape`, finite everywhere."""
    __tracebackhide__ = True  # IPython and pytest leave this frame out of tracebacks
    if type(value) not in (torch.Tensor, torch.nn.Parameter):
        raise AssertionError(f"{name} should be a torch.Tensor, but it is a {type(value).__name__}")
    if shape is not None:
        check_shape(name, value, shape)
    if value.is_floating_point() and not bool(torch.isfinite(value).all()):
        raise AssertionError(f"{name} contains NaN or infinite values")


def check_shape(name: str, value: torch.Tensor, shape: tuple) -> None:
    __tracebackhide__ = True
    if tuple(value.shape) != tuple(shape):
        raise AssertionError(f"{name} has shape {tuple(value.shape)} but should have {tuple(shape)}")


def check_close(name: str, got, expected: torch.Tensor, atol: float = 1e-5) -> None:
    """`got` must be a tensor of `expected`'s shape and dtype, within `atol` everywhere (a
    float64 reference wants a float64 answer: a float32 one only looks close)."""
    __tracebackhide__ = True
    check_tensor(name, got, tuple(expected.shape))
    if got.dtype != expected.dtype:
        raise AssertionError(f"{name} has dtype {got.dtype} but should have {expected.dtype}")
    expected = expected.detach()  # no "requires_grad ... to a scalar" warning in the feedback
    diff = (got.detach().double() - expected.detach().double()).abs()
    if diff.numel() == 0:
        return
    worst = float(diff.max())
    if not worst <= atol:
        # numpy's, not torch.unravel_index: torch's first call imports torch.distributed (0.6 s)
        index = tuple(int(k) for k in numpy.unravel_index(int(diff.argmax()), tuple(diff.shape)))
        raise AssertionError(
            f"{name} is off by up to {worst:.3g} (tolerance {atol:g}); at index {index} it is "
            f"{float(got.detach()[index]):.5f} but should be {float(expected[index]):.5f}"
        )


def check_equal(name: str, got, expected) -> None:
    """`got` must have exactly the type of `expected` and compare equal to it."""
    __tracebackhide__ = True
    if type(got) is not type(expected):
        raise AssertionError(f"{name} should be a {type(expected).__name__}, but it is a {type(got).__name__}")
    if got != expected:
        raise AssertionError(f"{name} is {got!r} but should be {expected!r}")


def check_choices(answers, letters: dict) -> None:
    """A problem set's graded quiz: `answers` maps every question id of `letters` ({"q1":
    "abcd", ...}, the letters of its choices) to one of those letters, and holds nothing else."""
    __tracebackhide__ = True
    if type(answers) is not dict:
        raise AssertionError(f"quiz_answers should be a dict, but it is a {type(answers).__name__}")
    extra = sorted(str(k) for k in answers if k not in letters)
    if extra:
        raise AssertionError(f"quiz_answers has keys that are not questions: {extra}")
    for qid, allowed in letters.items():
        given = answers.get(qid)
        if type(given) is not str or len(given) != 1 or given not in allowed:
            raise AssertionError(f"{qid}: answer with one of {sorted(allowed)}, not {given!r}")


def check_choice(answers, qid: str, key: str) -> None:
    """Question `qid` of a problem set's graded quiz is answered `key`. Called only in hidden
    tests, so the key never reaches a student; the message never gives it away."""
    __tracebackhide__ = True
    given = answers.get(qid) if type(answers) is dict else None
    if type(given) is not str or given != key:
        raise AssertionError(f"{qid}: {given!r} is not the right answer")


@contextlib.contextmanager
def switched_off(*targets, message: str):
    """While the block runs, calling any of `targets`, pairs (owner, attribute name), raises
    RuntimeError(message): what a test switches off so that an answer must compute it itself
    (the course's own solution of an exercise, autograd). Restored afterwards, even on errors.
    Being in __all__, the grader's fingerprint notices a notebook that rebinds it."""
    originals = [(owner, name, getattr(owner, name)) for owner, name in targets]

    def refuse(*args, **kwargs):
        error = RuntimeError(message)
        error._rnnlab_rule = True  # a rule broken, not a wrong value: no mistake is named
        raise error

    for owner, name, _ in originals:
        setattr(owner, name, refuse)
    try:
        yield
    finally:
        for owner, name, original in reversed(originals):
            setattr(owner, name, original)


def without_autograd():
    """Autograd's backward pass switched off: backward(), torch.autograd.grad and torch.func's
    transforms all run through the engine call patched here."""
    return switched_off(
        (torch.autograd, "_engine_run_backward"),
        (torch.autograd.graph, "_engine_run_backward"),
        message="compute the gradients by hand: autograd is switched off while the tests call your function",
    )


def _innermost_code(function):
    """The code object a call of `function` finally runs: decorators made with functools.wraps
    share one wrapper's code between many functions, so follow __wrapped__ to the end."""
    while getattr(function, "__wrapped__", None) is not None:
        function = function.__wrapped__
    code = getattr(function, "__code__", None)
    if code is None:
        raise TypeError(f"{function!r} is not a Python function: its calls cannot be seen")
    return code


@contextlib.contextmanager
def forbid_calls(what: str, *functions):
    """For an exercise that says "without calling X": the block must not call any of
    `functions` (torch's or the course's own), directly or through other code, under any name.
    Raises AssertionError after the block if it did; in IPython its display also shows the
    student's line that made the first forbidden call. Watches calls with sys.setprofile and puts
    back whatever profiler was there before."""
    __tracebackhide__ = True
    codes = {_innermost_code(f): getattr(f, "__qualname__", repr(f)) for f in functions}
    seen, callers = [], []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code in codes:
            if not seen:  # where the first one came from, innermost caller first
                callers.extend(_callers(frame.f_back))
            seen.append(codes[frame.f_code])

    before = sys.getprofile()
    sys.setprofile(watch)
    try:
        yield
    finally:
        sys.setprofile(before)
    if seen:
        error = AssertionError(f"{what} calls {seen[0]}: write it yourself, without calling it")
        error._rnnlab_callers = callers  # for the display only: the message stays one sentence
        error._rnnlab_rule = True
        raise error


def _callers(frame, limit: int = 200) -> list[tuple[str, int, str, str]]:
    """(file name, line, qualified name, plain name) of `frame` and the frames that called it."""
    found = []
    while frame is not None and len(found) < limit:
        code = frame.f_code
        found.append((code.co_filename, frame.f_lineno, getattr(code, "co_qualname", code.co_name), code.co_name))
        frame = frame.f_back
    return found


def _snapshot(value):
    """A copy of `value` that later changes to it cannot reach: tensors cloned (a module's
    parameters and buffers by name), containers copied element by element."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, torch.nn.Module):
        return {k: v.detach().clone() for k, v in value.state_dict(keep_vars=True).items()}
    if isinstance(value, (list, tuple)):
        return [_snapshot(v) for v in value]
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    return copy.deepcopy(value)


def _same(a, b) -> bool:
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return (
            isinstance(a, torch.Tensor)
            and isinstance(b, torch.Tensor)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and bool(
                torch.equal(a, b)
                or (
                    a.is_floating_point()
                    and torch.equal(torch.isnan(a), torch.isnan(b))
                    and torch.equal(a.nan_to_num(0), b.nan_to_num(0))
                )
            )
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@contextlib.contextmanager
def inputs_unchanged(what: str, **inputs):
    """The block (a call of the student's `what`) must leave every one of `inputs` as it was:
    tensors (values, dtype, shape), a module's parameters and buffers, lists, dicts. Raises
    AssertionError naming the first input that changed, after the block."""
    __tracebackhide__ = True
    before = {name: _snapshot(value) for name, value in inputs.items()}
    yield
    for name, value in inputs.items():
        if not _same(_snapshot(value), before[name]):
            raise AssertionError(
                f"{what} changed its input {name}: leave the arguments as they were "
                f"(compute on a copy, or with out-of-place operations)"
            )


def size_one_cases(**sizes) -> list[dict]:
    """One case per dimension with that dimension 1 and the others as given (each must be larger
    than 1): where `x.squeeze()`, a hard-coded axis or a broadcast hides a mistake, one of these
    cases shows it. size_one_cases(T=5, batch=3) == [{"T": 1, "batch": 3}, {"T": 5, "batch": 1}]."""
    small = [name for name, n in sizes.items() if n < 2]
    if small:
        raise ValueError(f"size_one_cases needs every size larger than 1, not {small}")
    return [{**sizes, name: 1} for name in sizes]


def both_calls(make, *values, names: tuple, seed: int | None = None):
    """`make` called with `values` positionally and again by keyword (`names`, in order): a
    constructor or function whose parameters the exercise names must take either way. Returns
    (positional result, keyword result); with `seed`, torch's random state is seeded before each
    call, so two models built either way start from the same weights."""
    __tracebackhide__ = True
    if len(names) != len(values):
        raise ValueError("both_calls needs one name per value")
    what = getattr(make, "__name__", repr(make))
    results = []
    for how, call in (
        ("positionally", lambda: make(*values)),
        ("by keyword", lambda: make(**dict(zip(names, values)))),
    ):
        if seed is not None:
            torch.manual_seed(seed)
        try:
            results.append(call())
        except TypeError as error:
            raise AssertionError(f"{what}({', '.join(names)}) should accept its arguments {how}: {error}") from None
    return tuple(results)


class _CountOps(torch.overrides.TorchFunctionMode):
    """Counts the torch functions and tensor methods called while it is on."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.calls += 1
        return func(*args, **(kwargs or {}))


def no_batch_loop(what: str, function, make_inputs, small: int = 2, large: int = 24) -> None:
    """`function` works on the whole batch at once: one call makes as many torch operations for a
    batch of `large` as for a batch of `small` (`make_inputs(batch)` gives its arguments). A Python
    loop over the batch makes more with every row."""
    __tracebackhide__ = True
    counts = []
    for batch in (small, large):
        inputs = make_inputs(batch)
        with _CountOps() as count:
            function(*inputs)
        counts.append(count.calls)
    if counts[1] > counts[0]:
        raise AssertionError(
            f"{what} makes {counts[0]} torch operations for a batch of {small} and {counts[1]} "
            f"for a batch of {large}: it loops over the batch in Python; index the whole "
            "batch at once"
        )


def no_step_loop(what: str, function, make_inputs, short: int = 16, long: int = 256) -> None:
    """`function` handles all the steps of a sequence without a Python loop over them: one call
    on `long` steps (`make_inputs(seq_len)` gives its arguments) makes fewer than
    (long - short) / 2 more torch operations than one call on `short` steps. A loop over the steps
    makes at least one operation per step (indexing a step is one), so its count grows by at
    least long - short; a scan of ceil(log2 T) levels, each a few whole-sequence operations, grows
    by a few operations per doubling and passes."""
    __tracebackhide__ = True
    counts = []
    for seq_len in (short, long):
        inputs = make_inputs(seq_len)
        with _CountOps() as count:
            function(*inputs)
        counts.append(count.calls)
    if counts[1] - counts[0] >= (long - short) / 2:
        raise AssertionError(
            f"{what} makes {counts[0]} torch operations for {short} steps and {counts[1]} for "
            f"{long} steps: it loops over the steps in Python; compute all the steps at once "
            "with operations on the whole sequence"
        )


def _float_outputs(out) -> list:
    """The floating-point tensors of a result, in order: the result itself, or every one inside a
    tuple or list of them (nested, as an LSTM's (h, c) state is)."""
    if isinstance(out, (tuple, list)):
        return [t for item in out for t in _float_outputs(item)]
    return [out] if isinstance(out, torch.Tensor) and out.is_floating_point() else []


def check_input_grads(name: str, function, inputs: dict, reference, atol: float = 1e-6, seed: int = 0) -> None:
    """The result of `function(**inputs)` must let gradients flow to every tensor of `inputs`
    exactly as `reference(**inputs)` does: every floating-point tensor of both results (all of a
    tuple's, such as (h, h_last)) is weighted by one random tensor and summed, then differentiated
    with respect to fresh leaf copies of the inputs (so a `.item()`, `.detach()` or
    `torch.no_grad()` inside, on any of the outputs, shows as a missing or wrong gradient)."""
    __tracebackhide__ = True
    grads, connected = [], []
    for label, fn in (("yours", function), ("reference", reference)):
        leaves = {
            k: v.detach().clone().requires_grad_() if isinstance(v, torch.Tensor) and v.is_floating_point() else v
            for k, v in inputs.items()
        }
        result = fn(**leaves)
        outs = _float_outputs(result)
        if label == "yours":
            check_tensor(name, result[0] if isinstance(result, (tuple, list)) and result else result)
        connected.append([o.requires_grad for o in outs])
        if label == "yours" and not any(connected[0]):
            raise AssertionError(
                f"{name} is not connected to its inputs: no gradient can flow back "
                "(no .item(), .detach(), torch.no_grad() or new tensors built from numbers)"
            )
        gen = torch.Generator().manual_seed(seed)
        total = sum(
            (o * torch.randn(o.shape, generator=gen, dtype=torch.float64).to(o.dtype)).sum()
            for o in outs
            if o.requires_grad
        )
        wrt = [k for k, v in leaves.items() if isinstance(v, torch.Tensor) and v.requires_grad]
        got = torch.autograd.grad(total, [leaves[k] for k in wrt], allow_unused=True)
        grads.append(dict(zip(wrt, got)))
    if len(connected[0]) == len(connected[1]) and len(connected[0]) > 1:
        for i, (mine_on, ref_on) in enumerate(zip(*connected)):
            if ref_on and not mine_on:
                raise AssertionError(
                    f"output {i} of {name} (counting from 0) is not connected to the inputs: no "
                    "gradient can flow back through it (a .detach(), .item() or torch.no_grad())"
                )
    mine, ref = grads
    for k, expected in ref.items():
        expected = torch.zeros_like(inputs[k]) if expected is None else expected
        got = mine[k]
        if got is None:
            got = torch.zeros_like(expected)
        check_close(f"the gradient of {name} with respect to {k}", got, expected, atol=atol)


def _from_here(frame: traceback.FrameSummary) -> bool:
    try:
        return Path(frame.filename).resolve() == _HERE
    except (OSError, ValueError):
        return False


HIDDEN_MARK = "BEGIN HIDDEN TESTS"  # in a test cell's source in the grading kernel only


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _cell_label(filename: str, shell) -> str | None:
    """ "Cell In[7]" for code of a notebook cell, as IPython's own tracebacks name it: its compiler
    maps the cells' file names (/tmp/ipykernel_<pid>/<hash>.py in a kernel) to their execution
    counts. None for any other file."""
    format_code_name = getattr(getattr(shell, "compile", None), "format_code_name", None)
    named = format_code_name(filename) if format_code_name is not None and filename else None
    return f"{named[0]} {named[1]}" if named else None


@functools.lru_cache(maxsize=1)
def _not_the_students() -> tuple[str, ...]:
    """Folders of code that a student did not write: Python's, installed packages', the course's."""
    import site
    import sysconfig

    roots = {sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.update(site.getsitepackages() if hasattr(site, "getsitepackages") else ())
    roots.add(site.getusersitepackages() if hasattr(site, "getusersitepackages") else None)
    roots.update((str(_HERE.parent), str(_HERE.parent.parent / "autograder")))
    return tuple(sorted({os.path.join(os.path.realpath(r), "") for r in roots if r}))


def _place(filename: str, shell) -> str | None:
    """How a traceback names code the student wrote: "Cell In[7]" for a notebook cell,
    'File "helpers.py"' for a file of their own; None for Python's, a library's or the course's."""
    label = _cell_label(filename, shell)
    if label is not None:
        return label
    if not filename or filename.startswith("<"):
        return None
    real = os.path.realpath(filename)
    if real.startswith(_not_the_students()) or any(
        f"{os.sep}{d}{os.sep}" in real for d in ("site-packages", "dist-packages")
    ):
        return None
    return f'File "{filename}"'


def _frame_lines(filename: str, lineno, qualname: str, name: str, shell) -> list[str] | None:
    """A frame of the student's code as IPython names it, then its line's text; None for a frame
    that is not the student's. Of a cell that holds hidden tests, only where."""
    place = _place(filename, shell)
    if place is None:
        return None
    where = f"  {place}" + (f", line {lineno}" if lineno else "") + ("" if name == "<module>" else f", in {qualname}")
    if HIDDEN_MARK in "".join(linecache.getlines(filename)):
        return [where + " (a hidden test)"]
    text = linecache.getline(filename, lineno).strip() if lineno else ""
    return [where] + ([f"    {text}"] if text else [])


def _called(frames) -> str:
    """What a run of frames that are not the student's is, as one name: the innermost public
    function of the package the student's code called into (torch.nn.modules.linear.Linear.forward,
    not Module._call_impl)."""
    names = [
        f"{f.f_globals.get('__name__') or '?'}.{getattr(f.f_code, 'co_qualname', f.f_code.co_name)}" for f in frames
    ]
    top = names[0].split(".")[0]
    public = [
        n for n in names if n.split(".")[0] == top and not any(part.startswith(("_", "<")) for part in n.split("."))
    ]
    return (public or names)[-1]


def short_failure(etype, value, tb) -> list[str] | None:
    """The lines to show for a failed check (None if the error did not come from a check):
    the message first, then, for forbid_calls, the student's line that made the forbidden call,
    then where in the test cell the check was made."""
    frames = traceback.extract_tb(tb)
    if not issubclass(etype, AssertionError) or not frames or not _from_here(frames[-1]):
        return None
    shell = _shell()
    # the innermost frame of a cell, not contextlib's (a `with forbid_calls(...)` block ends there)
    caller = next((f for f in reversed(frames) if _cell_label(f.filename, shell)), None) or next(
        (f for f in reversed(frames) if not _from_here(f)), None
    )
    lines = [f"{etype.__name__}: {value}"]
    for filename, lineno, qualname, name in getattr(value, "_rnnlab_callers", ()):
        # the innermost function of the student's that was running: what made the call
        shown = name != "<module>" and _frame_lines(filename, lineno, qualname, name, shell)
        if shown:
            lines += ["Your code called it here:"] + shown
            break
    if caller is not None and caller.lineno:
        lines.append(f"(the check at line {caller.lineno} of this cell)")
    return lines


def student_failure(etype, value, tb, shell=None) -> list[str] | None:
    """The lines to show for an error raised inside a function the student wrote (None for any
    other error): the frames of the student's code, outermost first, each with its line's text;
    one line naming what the last of them called, when the error came from there; then the error.
    Frames of the course, of torch and of Python are left out."""
    shell = shell if shell is not None else _shell()
    frames = []
    while tb is not None:
        frames.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    shown = [
        _frame_lines(
            f.f_code.co_filename, lineno, getattr(f.f_code, "co_qualname", f.f_code.co_name), f.f_code.co_name, shell
        )
        for f, lineno in frames
    ]
    if not any(s is not None and f.f_code.co_name != "<module>" for s, (f, _) in zip(shown, frames)):
        return None  # the cell's own line failed: IPython's one line says it
    lines = ["Where it failed in your code (run %xmode Context in a cell for the full traceback):"]
    k = next(k for k, s in enumerate(shown) if s is not None)  # IPython's own frames come first
    while k < len(frames):
        if shown[k] is not None:
            lines += shown[k]
            k += 1
            continue
        end = k
        while end < len(frames) and shown[end] is None:
            end += 1
        if end == len(frames):  # the error came from what the student's last line called
            lines.append(f"  inside {_called([f for f, _ in frames[k:]])}")
        k = end
    lines += "".join(traceback.format_exception_only(etype, value)).rstrip("\n").splitlines()
    return lines


def _short_errors(shell) -> bool:
    """Whether the shell shows errors in one line (setup()'s %xmode Minimal), with no debugger."""
    return getattr(getattr(shell, "InteractiveTB", None), "mode", None) == "Minimal" and not getattr(
        shell, "call_pdb", False
    )


# Which exercise the running visible test cell checks: execution count -> (set, exercise)
_NAMED: dict = {}
GRADING_ENV = "RNNLAB_RECHECK_FDS"  # set in a grading kernel, whose output never reaches a student


def name_mistakes(assignment: str, exercise: str) -> None:
    """Called first in a visible test cell: if a check of the cell then fails, the known mistake
    that the answer's behaviour matches (rnnlab.diagnose) is named under the error."""
    __tracebackhide__ = True
    shell = _shell()
    if shell is not None and GRADING_ENV not in os.environ:
        _NAMED.clear()
        _NAMED[shell.execution_count] = (assignment, exercise)


def diagnosis_lines(shell, etype, value=None) -> list[str]:
    """What to add under an error of the cell registered by name_mistakes: the catalogue's text
    for the matched mistake, or a plain sentence when none (or several) matched; nothing for an
    exercise not attempted yet, a rule broken (forbid_calls, switched_off: the message says
    which), another cell, or an exercise without a catalogue."""
    key = _NAMED.get(getattr(shell, "execution_count", None))
    if key is None or issubclass(etype, NotImplementedError) or getattr(value, "_rnnlab_rule", False):
        return []
    from rnnlab.diagnose import diagnose

    found = diagnose(key[0], key[1], shell.user_ns)
    return ["", found.text()] if found.probes else []


def _show(shell, etype, value, tb, tb_offset=None):
    lines, ran = None, True
    try:
        lines = short_failure(etype, value, tb)
        if lines is None and _short_errors(shell) and not issubclass(etype, SyntaxError):
            lines = student_failure(etype, value, tb, shell)
        # running_compiled_code, as IPython passes it: raised while the cell ran (a frame of a
        # cell), not while IPython parsed it
        ran = any(_cell_label(f.filename, shell) for f in traceback.extract_tb(tb))
    except Exception:  # a fault here must not hide the error: IPython shows it
        lines = None
    try:
        named = diagnosis_lines(shell, etype, value)
    except Exception:  # the diagnosis is a help: never in the way of the error
        named = []
    if lines is not None:
        lines += named
    elif named:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=ran)
        print("\n".join(named[1:]))
        return
    if lines is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=ran)
    else:
        sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # for %debug, %tb
        if sys.version_info >= (3, 12):
            sys.last_exc = value
        # one entry: JupyterLab joins entries with new lines, a terminal's Minimal mode without
        shell._showtraceback(etype, value, ["\n".join(lines)])


def install(shell=None) -> bool:
    """Show failed checks briefly, and errors in the student's functions with their own lines,
    in this IPython shell; False outside IPython."""
    shell = shell or _shell()
    if shell is None:
        return False
    shell.set_custom_exc((Exception,), _show)
    return True


install()
