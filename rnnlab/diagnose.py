"""Name the mistake behind a failing answer, by what the answer does.

Each problem set has probes (`rnnlab.probes.<set>`): small fixed calls of an exercise's function,
in float64, whose result is reduced to a fingerprint, a hash of the result rounded to DIGITS
digits of each tensor's scale (and of whether the call changed its inputs). The course's catalogue of
misconceptions (`rnnlab/data/diagnoses/<set>.json`) holds, for each known mistake, its
explanation and the fingerprints of the wrong solutions that make it: never their code, and never
anything computed from the right answer. An answer whose fingerprints equal those of one entry on
every probe is that mistake; none or several entries: nothing is named.

    from rnnlab.diagnose import diagnose
    diagnose("ps03_lstm_gates", "lstm_step", globals())      # a Diagnosis; .text() for a student

Rounding float64 results to 6 digits of each tensor's largest value keeps a fingerprint the same
on every CPU (their results differ in the last few of float64's 16 digits, and a value that is
zero up to that noise becomes 0). A float32 result computed by arithmetic would not: its values are
left out and it counts by its dtype and shape. Float32 values a probe made exact (one-hot codes,
halves: multiples of GRID) are the same everywhere and are kept.
"""
from __future__ import annotations

import contextlib
import copy
import hashlib
import importlib
import io
import json
import math
import signal
import textwrap
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import torch

DATA = Path(__file__).resolve().parent / "data" / "diagnoses"
DIGITS = 6
GRID = 2.0 ** -12
SALT = b"rnnlab-diagnose-1:"


def _number(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x:.{DIGITS}g}"
    return "0" if float(text) == 0 else text


def _on_grid(flat: torch.Tensor) -> bool:
    """Whether every value is a multiple of GRID (one-hot codes, counts, halves): values a probe
    chose to be exact in float32, which no CPU rounds. A float32 value computed by arithmetic is
    practically never on it."""
    scaled = flat.double() / GRID
    return bool((scaled == scaled.round()).all())


def canonical(value):
    """A JSON-able form of a probe's result: tensors as dtype, shape and rounded values; numbers
    rounded; containers kept; anything else by its type's name."""
    if isinstance(value, torch.Tensor):
        flat = value.detach().cpu().reshape(-1)
        if value.is_floating_point() and value.dtype != torch.float64 and not _on_grid(flat):
            # float32's last digits differ from CPU to CPU (vector widths sum in other orders),
            # and so would any rounding of them: such a result counts by its dtype and shape
            return {"tensor": str(value.dtype), "shape": list(value.shape)}
        if value.is_floating_point():
            # on the tensor's own scale: a value that is zero up to rounding noise (1e-17 on
            # one CPU, -3e-18 on another) is 0 on both, where per-value digits would differ
            flat = flat.double()
            finite = flat[torch.isfinite(flat)]
            scale = float(finite.abs().max()) if finite.numel() else 0.0
            values = [_number(float(v)) if not math.isfinite(v) or scale == 0
                      else round(v / scale * 10 ** DIGITS) for v in flat.tolist()]
            return {"tensor": str(value.dtype), "shape": list(value.shape), "scale": _number(scale),
                    "values": values}
        else:
            values = [int(v) for v in flat.tolist()]
        return {"tensor": str(value.dtype), "shape": list(value.shape), "values": values}
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return {"float": _number(value)}
    if isinstance(value, dict):
        return {"dict": [[canonical(k), canonical(v)] for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))]}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [canonical(v) for v in value]}
    return {"type": type(value).__name__}


def fingerprint(probe: str, value) -> str:
    text = json.dumps(canonical(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(SALT + probe.encode() + b":" + text.encode()).hexdigest()[:24]


def _changed(before, after) -> bool:
    if isinstance(before, torch.Tensor):
        return not (before.shape == after.shape and before.dtype == after.dtype
                    and bool(torch.equal(before, after)))
    if isinstance(before, dict):
        return any(_changed(before[k], after[k]) for k in before)
    if isinstance(before, (list, tuple)):
        return any(_changed(a, b) for a, b in zip(before, after))
    if isinstance(before, torch.nn.Module):
        return _changed(before.state_dict(), after.state_dict())
    return False


def call(function: Callable, *args):
    """What a probe records: the function's result (or the name of the error it raised) and
    whether it changed any of its inputs."""
    kept = copy.deepcopy(args)
    try:
        result = function(*args)
    except NotImplementedError:                   # not attempted yet: nothing to name
        raise
    except Exception as err:                      # a wrong answer may fail on a probe: that is its behaviour
        result = {"raised": type(err).__name__}
    return {"result": result, "inputs changed": _changed(kept, args)}


@dataclass
class Entry:
    id: str
    exercise: str
    title: str
    explain: str
    section: str
    fingerprints: list[list[str]] = field(default_factory=list)     # one list per wrong solution

    def text(self, width: int = 92) -> str:
        """What a student reads, in lines of at most `width` characters (an error's output area
        wraps long lines anywhere, also inside a word)."""
        return "\n".join(textwrap.fill(part, width) for part in
                         (f"Looks like: {self.title}.", self.explain, f"See {self.section}."))


@dataclass
class Diagnosis:
    exercise: str
    entry: Entry | None = None
    candidates: list[str] = field(default_factory=list)            # entry ids that matched
    probes: int = 0

    def text(self) -> str:
        if self.entry is not None:
            return self.entry.text()
        return textwrap.fill(self._plain(), 92)

    def _plain(self) -> str:
        if self.candidates:
            return ("Your answer behaves like several known mistakes at once "
                    f"({', '.join(self.candidates)}); the message above says what differs.")
        return "This is not one of the mistakes the course knows; the message above says what differs."


def probes_for(assignment: str, exercise: str) -> list[tuple[str, Callable[[dict], object]]]:
    """(probe id, probe) pairs of one exercise: a probe takes the notebook's names and returns
    what `call` records."""
    module = importlib.import_module(f"rnnlab.probes.{assignment}")
    return [(f"{exercise}/{n}", probe) for n, probe in enumerate(module.PROBES.get(exercise, []))]


def run_probes(assignment: str, exercise: str, namespace: dict) -> list[str]:
    """The fingerprints of an answer (the functions in `namespace`) on each probe of `exercise`."""
    out = []
    with torch.random.fork_rng(devices=[]):           # the student's random state is left as it was
        for probe_id, probe in probes_for(assignment, exercise):
            torch.manual_seed(0)
            out.append(fingerprint(probe_id, probe(namespace)))
    return out


def catalogue(assignment: str, folder: Path = DATA) -> dict[str, list[Entry]]:
    """exercise -> its entries, from the shipped catalogue of `assignment`."""
    path = folder / f"{assignment}.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, list[Entry]] = {}
    for item in data["entries"]:
        out.setdefault(item["exercise"], []).append(Entry(**item))
    return out


def match(exercise: str, prints: list[str], entries: list[Entry]) -> Diagnosis:
    """The entry whose wrong solutions give `prints` on every probe, if exactly one does."""
    found = [e.id for e in entries
             if prints and any(len(fp) == len(prints) and fp == prints for fp in e.fingerprints)]
    entry = next(e for e in entries if e.id == found[0]) if len(found) == 1 else None
    return Diagnosis(exercise, entry, found, len(prints))


class TooSlow(Exception):
    """The probes did not finish in time (an answer that loops on some input)."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """SIGALRM after `seconds`, in the main thread of a Unix process (a kernel runs cells
    there); elsewhere no limit."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
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


def diagnose(assignment: str, exercise: str, namespace: dict, folder: Path = DATA,
             seconds: float = 3.0) -> Diagnosis:
    """Run the probes of `exercise` on the answer in `namespace` and match the catalogue. What the
    answer prints while probed is not shown; probes that take over `seconds` name nothing."""
    entries = catalogue(assignment, folder).get(exercise, [])
    if not entries:
        return Diagnosis(exercise)
    try:
        with _time_limit(seconds), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prints = run_probes(assignment, exercise, namespace)
    except (TooSlow, KeyError, NotImplementedError):   # too slow, not defined, or not attempted
        return Diagnosis(exercise)
    return match(exercise, prints, entries)
