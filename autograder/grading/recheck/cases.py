"""The re-check's cases: each problem set's `source/<set>/recheck.py` defines `cases(course)`, calls
of the student's functions on inputs the grader chose, with the expected results; the graded
quiz's keys come from the course's own source notebook; one diagnostic case per exercise runs
the catalogue's probes (rnnlab.diagnose) on the student's answer.
"""

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


DIAGNOSIS = "diagnosis__"  # the name of an exercise's diagnostic case: DIAGNOSIS + its grade id


def diagnostic_cases(assignment: str) -> list[Case]:
    """One case per exercise of the assignment's catalogue of misconceptions: the probes run in
    the re-check process, on the student's answer (never in the kernel, whose output does not
    reach the student); the grader matches what they return (`diagnoses`)."""
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
            if len(calls) != 1 or calls[0][0] != gid[len("quiz_") :]:
                raise ValueError(f"{assignment}:{gid} should hold one check_choice call for its question")
            qid, key = calls[0]
            out.append(Case(f"quiz_{qid}", [gid], f"result = quiz_answers.get({qid!r})", {}, key))
    return out
