"""Name the mistake behind a failing answer, by what the answer does.

    from rnnlab.diagnose import diagnose
    diagnose("ps03_lstm_gates", "lstm_step_backward", globals())      # a Diagnosis; .text() for a student

Each set's probes (`rnnlab.probes.<set>`) call an exercise's function on fixed float64 inputs; each
result is hashed (`fingerprint`) after rounding to DIGITS digits of each tensor's scale, the same on
every CPU (a float32 result, or float32 numbers cast back, counts by its dtype and shape only, unless a
probe made its values exact: multiples of GRID). The catalogue (`rnnlab/data/diagnoses/<set>.json`)
holds each known mistake's explanation and the fingerprints of wrong solutions that make it; an answer
that matches exactly one entry on every probe is that mistake (`match`).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import importlib
import io
import json
import math
import re
import signal
import textwrap
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch

DATA = Path(__file__).resolve().parent / "data" / "diagnoses"
DIGITS = 6
GRID = 2.0**-12
SALT = b"rnnlab-diagnose-1:"


def _number(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x:.{DIGITS}g}"
    return "0" if float(text) == 0 else text


def _on_grid(flat: torch.Tensor) -> bool:
    """Whether every value is a multiple of GRID: values a probe chose to be exact in float32."""
    scaled = flat.double() / GRID
    return bool((scaled == scaled.round()).all())


def _float32_numbers(flat: torch.Tensor) -> bool:
    """Whether every finite value of a float64 tensor is a float32 number (a float32 computation cast back)."""
    finite = flat[torch.isfinite(flat)]
    return finite.numel() > 0 and bool((finite.float().double() == finite).all())


def canonical(value):
    """A JSON-able form of a probe's result: tensors as dtype, shape and rounded values; numbers
    rounded; containers kept; anything else by its type's name."""
    if isinstance(value, torch.Tensor):
        flat = value.detach().cpu().reshape(-1)
        if value.is_floating_point() and value.dtype != torch.float64 and not _on_grid(flat):
            return {"tensor": str(value.dtype), "shape": list(value.shape)}
        if value.dtype == torch.float64 and not _on_grid(flat) and _float32_numbers(flat):
            return {"tensor": str(value.dtype), "shape": list(value.shape), "precision": "float32"}
        if value.is_floating_point():  # on the tensor's own scale: rounding noise around 0 is 0
            flat = flat.double()
            finite = flat[torch.isfinite(flat)]
            scale = float(finite.abs().max()) if finite.numel() else 0.0
            values = [
                _number(float(v)) if not math.isfinite(v) or scale == 0 else round(v / scale * 10**DIGITS)
                for v in flat.tolist()
            ]
            return {"tensor": str(value.dtype), "shape": list(value.shape), "scale": _number(scale), "values": values}
        return {"tensor": str(value.dtype), "shape": list(value.shape), "values": [int(v) for v in flat.tolist()]}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return {"float": _number(value)}
    if isinstance(value, dict):
        return {"dict": [[canonical(k), canonical(v)] for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))]}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [canonical(v) for v in value]}
    return {"type": type(value).__name__}


def fingerprint(probe: str, value, form: Callable = canonical) -> str:
    text = json.dumps(form(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(SALT + probe.encode() + b":" + text.encode()).hexdigest()[:24]


def skeleton(value):
    """The form of a probe's record without its values (dtypes and shapes, types, an error's type and kind,
    whether an input changed), which a `match = "structure"` entry is told by."""
    if isinstance(value, dict) and "result" in value and "inputs changed" in value:
        return {"result": skeleton(value["result"]), "inputs changed": value["inputs changed"]}
    if isinstance(value, dict) and set(value) == {"raised", "kind"}:
        return value
    if isinstance(value, torch.Tensor):
        return {"tensor": str(value.dtype), "shape": list(value.shape)}
    if value is None:
        return None
    if isinstance(value, (bool, int, float, str)):
        return type(value).__name__
    if isinstance(value, dict):
        return {"dict": [[repr(k), skeleton(v)] for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))]}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [skeleton(v) for v in value]}
    return {"type": type(value).__name__}


def _changed(before, after) -> bool:
    if isinstance(before, torch.Tensor):
        return not (before.shape == after.shape and before.dtype == after.dtype and bool(torch.equal(before, after)))
    if isinstance(before, dict):
        return any(_changed(before[k], after[k]) for k in before)
    if isinstance(before, (list, tuple)):
        return any(_changed(a, b) for a, b in zip(before, after))
    if isinstance(before, torch.nn.Module):
        return _changed(before.state_dict(), after.state_dict())
    return False


# The kinds of error a probe tells apart, by the words of their messages (first match wins)
ERROR_KINDS = (
    ("in-place", re.compile(r"modified by an inplace operation|inplace|in-place|version counter", re.I)),
    (
        "graph",
        re.compile(
            r"backward through the graph a second time|freed|does not require grad|"
            r"grad_fn|does not have a grad|leaf Variable",
            re.I,
        ),
    ),
    # torch names dtypes with a capital (Double, Float): "float division by zero" is no dtype error
    (
        "dtype",
        re.compile(
            r"(?i:dtype|scalar type|must have the same type)|"
            r"\b(Double|Float|Half|BFloat16|Long|Int|Bool)\b(?! object)"
        ),
    ),
    ("index", re.compile(r"index|out of range|out of bounds", re.I)),
    (
        "shape",
        re.compile(
            r"size|shape|dimension|\bdims?\b|mat1 and mat2|must match|broadcast|"
            r"cannot be multiplied|view|reshape|expected .*input",
            re.I,
        ),
    ),
)


def error_kind(err: BaseException) -> str:
    """A coarse, stable class of an error: "rule" (a switched-off function called), an ERROR_KINDS kind,
    "index", "type" (TypeError, AttributeError) or "other"."""
    if getattr(err, "_rnnlab_rule", False):  # a probe's switched-off function, called
        return "rule"
    message = str(err)
    for kind, pattern in ERROR_KINDS:
        if pattern.search(message):
            return kind
    if isinstance(err, IndexError):
        return "index"
    if isinstance(err, (TypeError, AttributeError)):
        return "type"
    return "other"


def call(function: Callable, *args):
    """What a probe records: the function's result (or the type and kind of the error it raised)
    and whether it changed any of its inputs."""
    kept = copy.deepcopy(args)
    try:
        result = function(*args)
    except NotImplementedError:  # not attempted yet: nothing to name
        raise
    except Exception as err:  # a wrong answer may fail on a probe: that is its behaviour
        result = {"raised": type(err).__name__, "kind": error_kind(err)}
    record = {"result": result, "inputs changed": _changed(kept, args)}
    if _has_float32(kept):
        record["float32 inputs"] = True  # a float32 result may then be right
    return record


def _has_float32(value) -> bool:
    if isinstance(value, torch.Tensor):
        return value.dtype in (torch.float32, torch.float16, torch.bfloat16)
    if isinstance(value, torch.nn.Module):
        return any(_has_float32(t) for t in value.state_dict().values())
    if isinstance(value, dict):
        return any(_has_float32(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_float32(v) for v in value)
    return False


def tagged(probe: Callable, *tags: str) -> Callable:
    """Mark a probe with what its call leaves out or shrinks ("no_state", "size_one") or must do ("refuse":
    raise ValueError), for the shared mistakes (`GENERIC`) that show only on such calls."""
    probe.tags = frozenset(tags)
    return probe


def refusal(record, tags) -> list[str]:
    """On a probe the exercise's text says to refuse with ValueError: "no-error" if the answer
    returned, "wrong-error" if it raised another type of error."""
    if "refuse" not in tags or not isinstance(record, dict):
        return []
    result = record.get("result")
    if isinstance(result, dict) and set(result) == {"raised", "kind"}:
        return [] if result["raised"] == "ValueError" else ["wrong-error"]
    return ["no-error"]


def signs(record) -> list[str]:
    """What an answer's own behaviour on one probe shows, whatever the right result is: the kind of error it
    raised, a float32 or 0-d tensor, a torch.Size or numpy value in its result, a changed input."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, torch.Tensor):
            if value.dtype in (torch.float32, torch.float16, torch.bfloat16):
                found.add("float32")
            if value.dim() == 0:
                found.add("tensor0d")
        elif isinstance(value, torch.Size):
            found.add("size")
        elif type(value).__module__ == "numpy":
            found.add("numpy")
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    if isinstance(record, dict) and "result" in record:
        result = record["result"]
        if isinstance(result, dict) and set(result) == {"raised", "kind"}:
            found.add(f"raised:{result['kind']}")
        else:
            walk(result)
        if record.get("float32 inputs"):
            found.discard("float32")
        if record.get("inputs changed"):
            found.add("changed")
    return sorted(found)


@dataclass
class Entry:
    id: str
    exercise: str
    title: str
    explain: str
    section: str
    fingerprints: list[list[str]] = field(default_factory=list)  # one list per wrong solution
    rule: str | None = None  # a shared mistake (GENERIC) told by signs, not fingerprints
    match: str = "values"  # "structure": its fingerprints are of `skeleton`s

    def text(self, width: int = 92) -> str:
        """What a student reads, in lines of at most `width` characters."""
        return "\n".join(
            textwrap.fill(part, width) for part in (f"Looks like: {self.title}.", self.explain, f"See {self.section}.")
        )


@dataclass
class Diagnosis:
    exercise: str
    entry: Entry | None = None
    candidates: list[str] = field(default_factory=list)  # entry ids that matched
    probes: int = 0

    def text(self) -> str:
        if self.entry is not None:
            return self.entry.text()
        if self.candidates:
            plain = f"Your answer behaves like several known mistakes at once ({', '.join(self.candidates)}); "
        else:
            plain = "This is not one of the mistakes the course knows; "
        return textwrap.fill(plain + "the message above says what differs.", 92)


def probes_for(assignment: str, exercise: str) -> list[tuple[str, Callable[[dict], object]]]:
    """(probe id, probe) pairs of one exercise: a probe takes the notebook's names and returns `call`'s record."""
    module = importlib.import_module(f"rnnlab.probes.{assignment}")
    return [(f"{exercise}/{n}", probe) for n, probe in enumerate(module.PROBES.get(exercise, []))]


def run_probes(assignment: str, exercise: str, namespace: dict) -> list[str]:
    """What an answer (the functions in `namespace`) does on each probe of `exercise`: the fingerprints of
    its record and of its skeleton, then its tags and signs: "<24 hex>/<24 hex> tag:no_state,raised:dtype"."""
    out = []
    with torch.random.fork_rng(devices=[]):  # the student's random state is left as it was
        for probe_id, probe in probes_for(assignment, exercise):
            torch.manual_seed(0)
            record = probe(namespace)
            tags = getattr(probe, "tags", frozenset())
            marks = [f"tag:{t}" for t in sorted(tags)] + signs(record) + refusal(record, tags)
            out.append(
                fingerprint(probe_id, record)
                + "/"
                + fingerprint(probe_id, record, skeleton)
                + (" " + ",".join(marks) if marks else "")
            )
    return out


def fingerprints_only(prints: list[str], form: str = "values") -> list[str]:
    """The values' fingerprints of `run_probes`'s results, or (form "structure") the skeletons'."""
    heads = [p.split(" ", 1)[0].split("/") for p in prints]
    return [h[1] if form == "structure" and len(h) > 1 else h[0] for h in heads]


def catalogue(assignment: str) -> dict[str, list[Entry]]:
    """exercise -> its entries in the catalogue of `assignment`, then the shared mistakes (`GENERIC`) it can tell."""
    path = DATA / f"{assignment}.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, list[Entry]] = {}
    for item in data["entries"]:
        out.setdefault(item["exercise"], []).append(Entry(**item))
    for exercise, facts in data.get("exercises", {}).items():
        out.setdefault(exercise, []).extend(generic_entries(exercise, facts))
    return out


def match(exercise: str, prints: list[str], entries: list[Entry]) -> Diagnosis:
    """The entry whose wrong solutions give `prints` on every probe, if exactly one does (by the values, else
    by the skeletons); else the first shared mistake (`GENERIC`) that the answer's signs show."""
    found = []
    for form in ("values", "structure"):  # a story told by the values first
        hashes = fingerprints_only(prints, form)
        found = [
            e.id
            for e in entries
            if e.rule is None and e.match == form
            if hashes and any(len(fp) == len(hashes) and fp == hashes for fp in e.fingerprints)
        ]
        if len(found) == 1:
            return Diagnosis(exercise, next(e for e in entries if e.id == found[0]), found, len(prints))
        if found:
            break
    if not found:
        marks = [set(p.split(" ", 1)[1].split(",")) if " " in p else set() for p in prints]
        for e in entries:
            if e.rule is not None and GENERIC[e.rule][0](marks):
                return Diagnosis(exercise, e, [e.id], len(prints))
    return Diagnosis(exercise, None, found, len(prints))


def _raised(marks: set[str], kind: str | None = None) -> bool:
    return any(m.startswith("raised:") and (kind is None or m == f"raised:{kind}") for m in marks)


def _only_where(tag: str, kinds=None):
    """An answer that raises (an error of `kinds`, if given) on some probe tagged `tag` and on no other."""

    def rule(marks: list[set[str]]) -> bool:
        marks = [m for m in marks if "tag:refuse" not in m]  # where an error is the right answer
        hit = [m for m in marks if _raised(m) and (kinds is None or any(_raised(m, k) for k in kinds))]
        return (
            bool(hit)
            and all(f"tag:{tag}" in m for m in hit)
            and not any(_raised(m) for m in marks if f"tag:{tag}" not in m)
        )

    return rule


# The mistakes that recur across exercises, told by the answer's own `signs`: rule, title, explanation,
# section ({ex}: the exercise's name). Named only when no entry of the exercise's own catalogue matches.
INTRO = "the problem set's introduction (the rules every function follows)"
GENERIC = {
    "changes-inputs": (
        lambda marks: any("changed" in m for m in marks),
        "{ex} changes a tensor (or list, or model) it was given",
        "After a call of {ex}, one of its arguments holds other values than before, and the caller, "
        "who still needs them, cannot tell. An in-place operation on an argument (x += ..., "
        "x[...] = ..., a method ending in _ such as .add_() or .zero_(), or a list's .append) "
        "changes the caller's object; work on a copy (.clone(), list(...)) or build a new result.",
        INTRO,
    ),
    "state-float32": (
        _only_where("no_state", ["dtype"]),
        "{ex} makes its start state in float32 when none is given",
        "With float64 inputs and no initial state, {ex} stops with a dtype error: the zeros you "
        "make for the missing state are float32 (torch.zeros(...) uses the default dtype), and "
        "float32 cannot be multiplied with float64 weights. Make them with the inputs' dtype, "
        "for example torch.zeros(..., dtype=x.dtype) or x.new_zeros(...).",
        INTRO,
    ),
    "dtype-mix": (
        lambda marks: any(_raised(m, "dtype") for m in marks),
        "{ex} mixes float32 and float64 tensors in one operation",
        "With float64 inputs, {ex} stops with a dtype error: somewhere a tensor you make yourself "
        "(torch.zeros, torch.tensor, torch.ones, torch.arange of floats) has the default float32 "
        "and meets a float64 one. Make new tensors with the inputs' dtype (dtype=x.dtype, "
        "x.new_zeros(...), torch.zeros_like(x)).",
        INTRO,
    ),
    "float32-result": (
        lambda marks: any("float32" in m for m in marks),
        "{ex} returns float32 for float64 inputs",
        "Given float64 inputs, {ex} hands back a float32 tensor, so its values agree with the "
        "right ones to about 7 significant digits at best. A tensor made without dtype= or a "
        ".float() somewhere turns the result into float32; keep the inputs' dtype throughout. This looks at the "
        "dtype only: if a check reports wrong values, that is a second mistake.",
        INTRO,
    ),
    "numpy": (
        lambda marks: any("numpy" in m for m in marks),
        "{ex} returns numpy values",
        "What {ex} returns holds numpy numbers or arrays (np.prod, np.mean, .numpy() and "
        "arithmetic on them give numpy types), where the exercise asks for Python numbers or "
        "tensors. Convert with int(...) or float(...), or stay with torch.",
        "the exercise's description (what it returns)",
    ),
    "number-tensor": (
        lambda marks: any("tensor0d" in m for m in marks),
        "{ex} returns tensors where Python numbers are asked",
        "What {ex} returns holds a 0-d tensor (torch.tensor(3.0), or the result of .sum(), .mean() "
        "or indexing a tensor) where the exercise asks for a Python int, float or bool. Such a "
        "tensor can look like a number in an f-string, but it is not one: print shows "
        "tensor(3.), == gives a tensor, and json cannot store it. Convert it with .item(), "
        "int(...) or float(...).",
        "the exercise's description (what it returns)",
    ),
    "torch-size": (
        lambda marks: any("size" in m for m in marks),
        "{ex} returns a torch.Size where a tuple of ints is asked",
        "What {ex} returns holds a torch.Size (what .shape and .size() give), a subclass of tuple "
        "that prints as torch.Size([...]) and is not the plain tuple of Python ints the exercise "
        "asks for. Convert it with tuple(...).",
        "the exercise's description (what it returns)",
    ),
    "wrong-error": (
        lambda marks: any("wrong-error" in m for m in marks),
        "{ex} refuses a bad input with another error than ValueError",
        "Given an input the exercise says to refuse, {ex} stops, but with another type of error "
        "(an AssertionError from assert, an IndexError or a RuntimeError from the computation) "
        "where it asks for ValueError. A caller catches ValueError to tell a bad argument from "
        "a bug; check the input first and raise ValueError with a message that says what is wrong.",
        "the exercise's description (the inputs it refuses)",
    ),
    "no-error": (
        lambda marks: any("no-error" in m for m in marks),
        "{ex} accepts an input the exercise says to refuse",
        "Given an input that the exercise says to refuse with ValueError, {ex} returns a result "
        "instead. Read the exercise's list of bad inputs again and check each one before "
        "computing (an empty result, a length or size that does not fit, an unknown symbol).",
        "the exercise's description (the inputs it refuses)",
    ),
    "size-one": (
        _only_where("size_one", ["shape", "index"]),
        "{ex} fails when a dimension has size 1",
        "{ex} raises a shape or index error only on the calls where the batch, the sequence or "
        "another dimension has size 1. The usual cause is .squeeze() without a dimension, which "
        "removes every dimension of size 1, not only the one you meant (squeeze(dim) or indexing "
        "keeps the others), or a reshape or view written with the sizes of the larger cases.",
        "the problem set's introduction (any size may be 1)",
    ),
    "no-state": (
        _only_where("no_state"),
        "{ex} fails when the optional argument is not given",
        "{ex} works when every argument is given but raises an error when the optional one (the "
        "initial state, or another argument with a default) is left out: that case needs its "
        "own code, computing the default the exercise describes (zeros for a missing state, "
        "for example).",
        "the exercise's description (what happens when an argument is left out)",
    ),
}


# the fact of an exercise's catalogue without which a shared mistake does not apply to it
NEEDS = {
    "changes-inputs": "keeps_inputs",
    "float32-result": "keeps_dtype",
    "number-tensor": "python_numbers",
    "torch-size": "python_numbers",
}


def generic_entries(exercise: str, facts: dict) -> list[Entry]:
    """The shared mistakes that apply to `exercise`, by the facts of its catalogue."""
    return [
        Entry(f"shared-{rule}", exercise, title.format(ex=exercise), explain.format(ex=exercise), section, rule=rule)
        for rule, (_, title, explain, section) in GENERIC.items()
        if rule not in NEEDS or facts.get(NEEDS[rule])
    ]


class TooSlow(Exception):
    """The probes did not finish in time (an answer that loops on some input)."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """SIGALRM after `seconds`, in the main thread of a Unix process; elsewhere no limit."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise TooSlow(f"the probes took more than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def diagnose(assignment: str, exercise: str, namespace: dict, seconds: float = 3.0) -> Diagnosis:
    """Run the probes of `exercise` on the answer in `namespace`, silently, and match the catalogue; probes
    that take over `seconds` name nothing."""
    entries = catalogue(assignment).get(exercise, [])
    if not entries:
        return Diagnosis(exercise)
    try:
        with (
            _time_limit(seconds),
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")
            prints = run_probes(assignment, exercise, namespace)
    except (TooSlow, KeyError, NotImplementedError):  # too slow, not defined, or not attempted
        return Diagnosis(exercise)
    return match(exercise, prints, entries)
