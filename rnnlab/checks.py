"""Assertions the problem sets' tests use: strict about types, readable when they fail.

Every failure raises AssertionError with a sentence a student can act on ("h_new has shape (3, 4) but
should have (3, 6)"). Types are checked exactly (a tensor subclass does not pass as a tensor). Every
check returns None, which nbgrader does not read as a partial score. Imported in IPython, the module
installs rnnlab.failures' display of errors.
"""

from __future__ import annotations

import contextlib
import copy
import sys

import numpy
import torch

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
    """`got` must be a tensor of `expected`'s shape and dtype, within `atol` everywhere."""
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
    RuntimeError(message): what an answer must compute itself. Restored afterwards, even on errors."""
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
    """The code object a call of `function` finally runs, past functools.wraps' wrappers."""
    while getattr(function, "__wrapped__", None) is not None:
        function = function.__wrapped__
    code = getattr(function, "__code__", None)
    if code is None:
        raise TypeError(f"{function!r} is not a Python function: its calls cannot be seen")
    return code


@contextlib.contextmanager
def forbid_calls(what: str, *functions):
    """For an exercise that says "without calling X": AssertionError after the block if it called any of
    `functions`, directly or through other code, under any name (seen with sys.setprofile)."""
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
    """A copy of `value` that later changes to it cannot reach."""
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
    """The block (a call of the student's `what`) must leave every one of `inputs` as it was (tensors, a
    module's parameters and buffers, lists, dicts); AssertionError naming the first that changed."""
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
    """One case per dimension with that dimension 1 and the others as given (each larger than 1):
    size_one_cases(T=5, batch=3) == [{"T": 1, "batch": 3}, {"T": 5, "batch": 1}]."""
    small = [name for name, n in sizes.items() if n < 2]
    if small:
        raise ValueError(f"size_one_cases needs every size larger than 1, not {small}")
    return [{**sizes, name: 1} for name in sizes]


def both_calls(make, *values, names: tuple, seed: int | None = None):
    """(positional result, keyword result) of `make` called with `values` positionally and by keyword
    (`names`, in order); with `seed`, torch's random state is seeded before each call."""
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


def _operations(function, make_inputs, sizes) -> list[int]:
    """How many torch operations one call of `function` makes on `make_inputs(size)`, for each size."""
    counts = []
    for size in sizes:
        inputs = make_inputs(size)
        with _CountOps() as count:
            function(*inputs)
        counts.append(count.calls)
    return counts


def no_batch_loop(what: str, function, make_inputs, small: int = 2, large: int = 24) -> None:
    """`function` makes as many torch operations for a batch of `large` as for one of `small`
    (`make_inputs(batch)` gives its arguments): it has no Python loop over the batch."""
    __tracebackhide__ = True
    counts = _operations(function, make_inputs, (small, large))
    if counts[1] > counts[0]:
        raise AssertionError(
            f"{what} makes {counts[0]} torch operations for a batch of {small} and {counts[1]} "
            f"for a batch of {large}: it loops over the batch in Python; index the whole "
            "batch at once"
        )


def no_step_loop(what: str, function, make_inputs, short: int = 16, long: int = 256) -> None:
    """`function` makes fewer than (long - short) / 2 more torch operations on `long` steps than on `short`
    (`make_inputs(seq_len)` gives its arguments): it has no Python loop over the steps (which makes one
    per step at least), though a scan of log2 T levels passes."""
    __tracebackhide__ = True
    counts = _operations(function, make_inputs, (short, long))
    if counts[1] - counts[0] >= (long - short) / 2:
        raise AssertionError(
            f"{what} makes {counts[0]} torch operations for {short} steps and {counts[1]} for "
            f"{long} steps: it loops over the steps in Python; compute all the steps at once "
            "with operations on the whole sequence"
        )


def _float_outputs(out) -> list:
    """The floating-point tensors of a result, in order, also inside (nested) tuples and lists."""
    if isinstance(out, (tuple, list)):
        return [t for item in out for t in _float_outputs(item)]
    return [out] if isinstance(out, torch.Tensor) and out.is_floating_point() else []


def check_input_grads(name: str, function, inputs: dict, reference, atol: float = 1e-6, seed: int = 0) -> None:
    """The result of `function(**inputs)` must let gradients flow to every tensor of `inputs` exactly as
    `reference(**inputs)` does: both results' floating-point tensors, weighted by one random tensor and
    summed, are differentiated with respect to fresh leaf copies of the inputs."""
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


from .failures import install, name_mistakes  # noqa: E402

install()
