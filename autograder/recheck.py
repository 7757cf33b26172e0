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
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor as Preprocessor  # enabled by default

from .course import REPO

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


def load_cases(assignment: str, course: Path = REPO) -> list[Case]:
    """The re-check cases of an assignment of the course folder `course`, from
    autograder/rechecks/<assignment>.py."""
    try:
        module = importlib.import_module(f"autograder.rechecks.{assignment}")
    except ModuleNotFoundError:
        return []
    return module.cases(Path(course))


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


def harness_source(cases: list[Case]) -> str:
    import inspect
    import torch

    buf = io.BytesIO()
    torch.save({c.name: c.inputs for c in cases}, buf)
    blob = base64.b64encode(buf.getvalue()).decode()
    calls = {c.name: c.code for c in cases}
    probes = inspect.getsource(probe_answers)
    return fingerprint_cell("after") + f'''
PROBES = {PROBES!r}
{probes}
def _rnnlab_recheck():
    import base64, io, torch
    inputs = torch.load(io.BytesIO(base64.b64decode("{blob}")), weights_only=True)
    calls = {calls!r}
    import sys                                   # not print: a notebook may have rebound it
    for name, code in calls.items():
        sys.stdout.write("{MARK}:case:" + name + "\\n")       # what the case's own call prints follows
        sys.stdout.flush()
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
    import json
    sys.stdout.write("{MARK}:probes:" + json.dumps(probe_answers(globals())) + "\\n")
    sys.stdout.write("{MARK}:end\\n")
    sys.stdout.flush()
_rnnlab_recheck()
del _rnnlab_recheck, probe_answers, PROBES
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


def preprocessors(execute: str = "nbgrader.preprocessors.Execute", rechecks: bool = True) -> list[str]:
    """nbgrader's autograde preprocessors, with `execute` for its Execute and the two of this
    module around it (when there are re-checks)."""
    around = ["autograder.recheck.InjectChecks", execute, "autograder.recheck.ExtractChecks"]
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
    ended: bool = False                      # the harness printed its last line
    problems: list[str] = field(default_factory=list)  # lines that break the format, no case to blame
    case_problems: dict = field(default_factory=dict)  # case name -> such lines printed during its call
    duplicated: set = field(default_factory=set)       # cases with more than one result line


def parse_printed(text: str) -> Printed:
    """Read the stored output of the added cells; never raises.

    Each result is loaded with torch.load(weights_only=True): plain tensors, numbers, strings
    and containers only. Anything else (a pickled object of the student's) becomes a string
    saying it was unreadable, for that case alone. The restriction is only as good as the
    installed torch: check_torch refuses versions with a known way around it. A line that starts like the harness's but
    breaks its format, or a second result for one case, is a problem: student code printed
    into the harness's output, so its results are not trusted (the caller fails closed)."""
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
            continue
        kind, _, rest = line[len(MARK) + 1:].partition(":")
        if kind == "case":
            if current is not None and current not in out.results:
                problem("its call printed another case's marker")
            current = rest
            continue
        if kind in ("probes", "end", "before", "after"):
            current = None                      # printed by the harness itself, after the calls
        if kind in ("before", "after"):
            value = _json(rest)
            if value is None or getattr(out, kind) is not None:
                problem(f"a malformed or repeated {kind} fingerprint")
            else:
                setattr(out, kind, value)
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
        elif kind == "probes":
            value = _json(rest)
            if value is None or out.probes is not None:
                problem("malformed or repeated probe answers")
            else:
                out.probes = value
        elif kind == "end" and not rest:
            out.ended = True
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


UNTRUSTED = ("The grader's own check of this answer, run after your notebook, could not be completed "
             "(its output was changed or cut short while the notebook ran), so the points of {tests} were "
             "not kept. Ask your instructor if you think this is wrong.")
MISSED = ("Your answer passed the tests in the notebook, but gave a wrong result when the grader called it "
          "on inputs of its own, so {tests} score 0. Try it on more cases (other sizes, a batch of one) "
          "and compare it with the lecture.")


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

    `notes`, if given, receives for each test that loses its points a sentence for the student
    (UNTRUSTED or MISSED), which the gradebook keeps as the comment of the exercise's answer.
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
    if not got.ended:
        broken.append("the grader's check did not run to its end (output hidden, redirected, or the "
                      "kernel stopped)")
    deducted: set[str] = set()
    for case in cases:
        value = got.results.get(case.name)
        tests_that_passed = [t for t in case.tests if t in passed]
        if case.name in got.case_problems:
            broken_here = broken + got.case_problems[case.name]
        else:
            broken_here = broken
        if broken_here or case.name in got.duplicated or case.name not in got.results:
            why = ("; ".join(broken_here) if broken_here else
                   "two results were printed for it" if case.name in got.duplicated else "no result")
            if tests_that_passed:
                flags.append(f"re-check {case.name}: the grader's check could not be trusted ({why}); "
                             f"{', '.join(tests_that_passed)} lose their points")
                deducted.update(tests_that_passed)
                _note(notes, tests_that_passed, UNTRUSTED)
            continue
        if same(value, case.expected, case.atol):
            continue
        if len(tests_that_passed) < len(case.tests):
            continue          # the tests caught it already: they judged it
        what = (f"({value})" if isinstance(value, str) and value.startswith(("error", "unreadable", "unserialisable"))
                else "")
        flags.append(f"re-check {case.name}: a wrong result {what}on the grader's inputs, which the tests "
                     f"missed: {', '.join(tests_that_passed)} lose their points (a plain failure; "
                     "consider extending the hidden tests)")
        deducted.update(tests_that_passed)
        _note(notes, tests_that_passed, MISSED)
    return flags, deducted


def _note(notes: dict | None, tests: list[str], template: str) -> None:
    if notes is not None:
        for test in tests:
            notes.setdefault(test, template.format(tests=", ".join(tests)))


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


def record_in_gradebook(gb, assignment: str, student: str, deducted: set[str], notes: dict,
                        answers: dict[str, str]) -> float:
    """Write the re-check's verdict where nbgrader keeps grades, so that the formgrader, feedback
    and export read the score the report gives: each test that lost its points gets an automatic
    score of 0, and the answer cell it checks a comment saying why (shown to the student in the
    feedback and to the instructor in the formgrader; a comment typed by hand there wins).
    Grading the student again starts from nbgrader's own scores. Returns the new total."""
    submission = gb.find_submission(assignment, student)
    grades = {g.name: g for nb in submission.notebooks for g in nb.grades}
    said: dict[str, list[str]] = {}
    for test in sorted(deducted):
        grades[test].auto_score = 0.0
        if test in answers:
            text = notes.get(test, MISSED.format(tests=test))
            if text not in said.setdefault(answers[test], []):
                said[answers[test]].append(text)
    for nb in submission.notebooks:
        for comment in nb.comments:
            if comment.name in said:
                comment.auto_comment = "\n\n".join(([comment.auto_comment] if comment.auto_comment else [])
                                                    + said[comment.name])
    gb.db.commit()
    gb.db.refresh(submission)
    return float(submission.score)


def recheck_all(run, students: list[str]) -> None:
    """Judge every graded student of a pipeline run (autograder.pipeline.Run)."""
    cases = run.cases
    if not cases:
        return
    from nbgrader.api import Gradebook

    clean = clean_probe_answers()
    answers = answer_cells(run.release_nb)
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
            notes: dict[str, str] = {}
            try:
                flags, deducted = judge(cases, printed, passed, clean, notes)
            except Exception as err:                   # fail closed: no point the re-check guards stays
                deducted = {t for case in cases for t in case.tests if t in passed}
                flags = [f"re-check could not be judged ({type(err).__name__}: {err}); "
                         f"{', '.join(sorted(deducted)) or 'no test'} lose their points"]
                _note(notes, sorted(deducted), UNTRUSTED)
            result.flags += flags
            result.failed_tests += sorted(deducted)
            if deducted:
                result.score = record_in_gradebook(gb, run.assignment, student, deducted, notes, answers)
