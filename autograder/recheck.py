"""Catch tampering that tests inside the student's kernel cannot see.

Student code runs before the tests, in the same kernel, so it can patch what the tests rely on
(torch.allclose, math.isclose, numpy's testing helpers, the course's check functions), swallow
exceptions (an input transformer that wraps every cell in try/except, a hijacked
showtraceback), or return objects whose __eq__ is always true. No check inside that kernel can
be trusted after the student's code has run. Two defences, both outside it:

1. Results re-checked by the grader. Before nbgrader executes a submission, InjectChecks adds a
   last cell that calls the student's functions on inputs chosen by the grader and prints the
   results, serialised with torch.save. ExtractChecks takes the cell out again after execution
   (it never reaches feedback) and stores its output. The grader process loads it with
   torch.load(weights_only=True), whose unpickler rebuilds only allowlisted types (tensors,
   numbers, strings, plain containers), and compares them with references it computes itself.
   That restriction is not a sandbox: CVE-2025-32434 ran code through weights_only=True in
   torch <= 2.5.1. Payloads come from a student's kernel, so the grader refuses to read them
   with a torch older than SAFE_TORCH (see check_torch). A test cell that passed in the kernel while the
   grader's re-check of the same exercise fails loses its points, with a flag.
2. A fingerprint. A first cell, run before any student code, prints the identity of the
   functions tests rely on and of IPython's execution machinery; the last cell prints them
   again. Differences are flagged for the instructor.

What remains possible is written in docs/grading.md: chiefly, code that behaves correctly
whenever it is called with the grader's inputs is indistinguishable from a correct solution.
"""
from __future__ import annotations

import base64
import importlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor as Preprocessor  # enabled by default

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


def load_cases(assignment: str) -> list[Case]:
    """The re-check cases of an assignment, from autograder/rechecks/<assignment>.py."""
    try:
        module = importlib.import_module(f"autograder.rechecks.{assignment}")
    except ModuleNotFoundError:
        return []
    return module.cases()


def harness_source(cases: list[Case]) -> str:
    import torch

    buf = io.BytesIO()
    torch.save({c.name: c.inputs for c in cases}, buf)
    blob = base64.b64encode(buf.getvalue()).decode()
    calls = {c.name: c.code for c in cases}
    return fingerprint_cell("after") + f'''
def _rnnlab_recheck():
    import base64, io, torch
    inputs = torch.load(io.BytesIO(base64.b64decode("{blob}")), weights_only=True)
    calls = {calls!r}
    import sys                                   # not print: a notebook may have rebound it
    for name, code in calls.items():
        scope = dict(globals())
        scope.update(inputs[name])
        try:
            exec(code, scope)
            value = scope.get("result")
        except BaseException as err:
            value = "error: " + type(err).__name__
        buf = io.BytesIO()
        try:
            torch.save(value, buf)               # each result on its own line, judged on its own
        except Exception:
            buf = io.BytesIO()
            torch.save("unserialisable result", buf)
        sys.stdout.write("{MARK}:result:" + name + ":" + base64.b64encode(buf.getvalue()).decode() + "\\n")
    sys.stdout.flush()
_rnnlab_recheck()
'''


class InjectChecks(Preprocessor):
    """nbgrader autograde preprocessor: add the fingerprint cell first and the harness last."""

    def preprocess(self, nb, resources):
        harness = os.environ.get(HARNESS_ENV)
        if not harness:
            return nb, resources
        first = nbformat.v4.new_code_cell(fingerprint_cell("before"))
        last = nbformat.v4.new_code_cell(Path(harness).read_text())
        for cell in (first, last):
            cell.metadata[MARK] = True
        nb.cells = [first] + nb.cells + [last]
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
                        printed.append(f"{MARK}:error:{out.get('ename')}")
            else:
                keep.append(cell)
        nb.cells = keep
        folder = os.environ.get(OUTPUT_ENV)
        student = resources.get("nbgrader", {}).get("student")
        if folder and student:
            Path(folder, f"{student}.txt").write_text("".join(printed))
        return nb, resources


def preprocessors() -> list[str]:
    """nbgrader's autograde preprocessors with the two of this module around Execute."""
    return ["autograder.recheck.InjectChecks", "nbgrader.preprocessors.Execute",
             "autograder.recheck.ExtractChecks", "nbgrader.preprocessors.IgnorePattern",
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


def parse_printed(text: str) -> tuple[dict | None, dict | None, dict]:
    """(fingerprint before, fingerprint after, results by case) from the stored output.

    Each result is loaded with torch.load(weights_only=True), which rebuilds only tensors,
    numbers, strings and plain containers. Anything else (a pickled object of the student's)
    becomes a string saying it was unreadable, for that case alone. The restriction is only as
    good as the installed torch: check_torch refuses versions with a known way around it."""
    import torch

    check_torch(torch.__version__)
    before = after = None
    results: dict = {}
    for line in text.splitlines():
        if line.startswith(f"{MARK}:before:"):
            before = _json(line.split(":", 2)[2])
        elif line.startswith(f"{MARK}:after:"):
            after = _json(line.split(":", 2)[2])
        elif line.startswith(f"{MARK}:result:"):
            _, _, name, payload = line.split(":", 3)
            try:
                results[name] = torch.load(io.BytesIO(base64.b64decode(payload)), weights_only=True)
            except Exception as err:                      # forged or unsafe payloads end here
                results[name] = f"unreadable ({type(err).__name__})"
    return before, after, results


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


def judge(cases: list[Case], printed: str, passed: set[str]) -> tuple[list[str], set[str]]:
    """Flags, and the test cells whose points are taken back, for one student."""
    before, after, results = parse_printed(printed)
    flags: list[str] = []
    if before is not None and after is not None:
        changed = sorted(k for k in before if after.get(k) != before[k])
        if changed:
            flags.append("the notebook replaced or hooked: " + ", ".join(changed))
    elif before is not None:
        flags.append("the grader's final check did not run to the end (output hidden or kernel stopped)")
    deducted: set[str] = set()
    for case in cases:
        got = results.get(case.name)
        if case.name in results and same(got, case.expected, case.atol):
            continue
        tests_that_passed = [t for t in case.tests if t in passed]
        if len(tests_that_passed) < len(case.tests):
            continue          # the tests caught it already: an honest mistake, not tampering
        why = ("no result" if case.name not in results else
               f"{got}" if isinstance(got, str) and got.startswith(("error", "unreadable", "unserialisable"))
               else "a wrong result")
        flags.append(f"re-check {case.name}: {why} outside the tests, although "
                     f"{', '.join(tests_that_passed)} passed in the kernel; their points are taken back")
        deducted.update(tests_that_passed)
    return flags, deducted


def recheck_all(run, students: list[str]) -> None:
    """Judge every graded student of a pipeline run (autograder.pipeline.Run)."""
    cases = run.cases
    if not cases:
        return
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{run.course / 'gradebook.db'}") as gb:
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
            try:
                flags, deducted = judge(cases, printed, passed)
            except Exception as err:                   # a bad payload must not stop the batch
                flags, deducted = [f"re-check could not be judged ({type(err).__name__}: {err})"], set()
            result.flags += flags
            result.failed_tests += sorted(deducted)
            result.score = max(0.0, result.score - sum(points[t] for t in deducted))
