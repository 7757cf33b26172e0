"""The re-check's cases: `load_cases` reads `cases(course)` of source/<set>/recheck.py, adds one
diagnostic case per exercise (rnnlab.diagnose's probes); `graded_quiz_cases` reads the quiz's keys."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ...course.folder import REPO
from ...course.problemsets import problem_set


@dataclass
class Case:
    """One call of a student's function: `code` runs with `inputs` bound and sets `result`, which must
    equal `expected` (plain data); else the passed tests among `tests` (grade ids) lose their points."""

    name: str
    tests: list[str]
    code: str
    inputs: dict = field(default_factory=dict)
    expected: object = None
    atol: float = 1e-5
    # the exercise's "without X" rules: functions (dotted names) the call must not reach; autograd allowed
    forbid: tuple = ()
    autograd: bool = True
    # no grade depends on it: the probes that name a failed answer's mistake (rnnlab.diagnose)
    diagnostic: bool = False


DIAGNOSIS = "diagnosis__"  # the name of an exercise's diagnostic case: DIAGNOSIS + its grade id


def diagnostic_cases(assignment: str) -> list[Case]:
    """One case per exercise of the assignment's catalogue of misconceptions, run in the re-check."""
    from rnnlab.diagnose import catalogue

    code = (
        "result = __import__('rnnlab.diagnose', fromlist=['run_probes'])"
        ".run_probes({assignment!r}, {exercise!r}, globals())"
    )
    return [
        Case(DIAGNOSIS + exercise, [], code.format(assignment=assignment, exercise=exercise), diagnostic=True)
        for exercise in sorted(catalogue(assignment))
    ]


def load_cases(assignment: str, course: Path = REPO) -> list[Case]:
    """The re-check cases of `assignment` in the course folder `course`."""
    path = problem_set(assignment, course).recheck
    if not path.is_file():
        return diagnostic_cases(assignment)
    spec = importlib.util.spec_from_file_location(f"recheck_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.cases(Path(course)) + diagnostic_cases(assignment)


_KEY_CALL = r'check_choice\(quiz_answers, "(q\d+)", "([a-z])"\)'


def graded_quiz_cases(assignment: str, course: Path) -> list[Case]:
    """One case per question of the graded quiz, its key read from the `check_choice(quiz_answers,
    "q1", "b")` of each hidden `quiz_qN` cell in `course`'s source/ (the only place the keys exist)."""
    path = course / "source" / assignment / f"{assignment}.ipynb"
    out = []
    for cell in nbformat.read(path, 4).cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if re.fullmatch(r"quiz_q\d+", gid):
            calls = re.findall(_KEY_CALL, cell.source)
            if len(calls) != 1 or calls[0][0] != gid[len("quiz_") :]:
                raise ValueError(f"{assignment}:{gid} should hold one check_choice call for its question")
            qid, key = calls[0]
            out.append(Case(f"quiz_{qid}", [gid], f"result = quiz_answers.get({qid!r})", {}, key))
    return out
