"""The diagnosis (rnnlab.diagnose) measured on the held-out answers, written blind in
`source/<set>/heldout/` (docs/authoring.md, "Adding a problem set"):

    python -m autograder.authoring.heldout                # name each answer's mistake, print the table
    python -m autograder.authoring.heldout --grade        # grade them as make autograde does (minutes)
    python -m autograder.authoring.heldout ps03_lstm_gates --grade

Each file is a fixture with MISTAKE, its author's words ("" for a right answer); verdicts.toml
judges each name the diagnosis gives: `entry` (the id named), `verdict` (right | partly | wrong), `why`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..course.folder import REPO
from ..course.problemsets import problem_set, problem_sets
from . import catalogue as C
from . import fixtures as F

VERDICTS = ("right", "partly", "wrong")


@dataclass
class Answer:
    assignment: str
    fixture: F.Fixture
    exercise: str
    mistake: str  # the author's words; "" for a right answer
    named: str = ""  # the entry id the diagnosis named ("" none)
    lost: bool | None = None  # lost points when graded (None: not graded)
    graded_named: str | None = None  # what the grader's feedback named (None: not graded)

    @property
    def wrong(self) -> bool:
        return bool(self.mistake)


def answers_of(assignment: str) -> list[Answer]:
    out = []
    for fx in F.fixtures_for(assignment, "heldout"):
        ids = list(fx.expect.get("lose", [])) or list(fx.cells)
        if len(ids) != 1:
            raise ValueError(f"{fx.path}: a held-out answer answers exactly one exercise")
        mistake = _mistake(fx.path)
        if bool(mistake) == bool(fx.expect.get("full")):
            raise ValueError(f"{fx.path}: a wrong answer has a MISTAKE and loses; a right one neither")
        out.append(Answer(assignment, fx, ids[0], mistake))
    return out


def _mistake(path: Path) -> str:
    import runpy

    value = runpy.run_path(str(path)).get("MISTAKE")
    if not isinstance(value, str):
        raise ValueError(f"{path} has no MISTAKE (the author's words, '' for a right answer)")
    return value.strip()


def verdicts(assignment: str) -> dict[str, dict]:
    path = problem_set(assignment).fixtures("heldout") / "verdicts.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def diagnose_all(assignment: str, answers: list[Answer]) -> None:
    """Name each answer's mistake in this process, as a visible test cell would."""
    from rnnlab.diagnose import diagnose

    source_nb = C.source_notebook(assignment)
    for a in answers:
        try:
            names = C.namespace(a.fixture, source_nb)
        except Exception:  # an answer that fails while defined: nothing to probe
            continue
        found = diagnose(assignment, a.exercise, names)
        a.named = found.entry.id if found.entry else ""


def grade_all(assignment: str, answers: list[Answer], jobs: int = 2) -> None:
    """Grade every answer in its own submission, as `make autograde` grades a class."""
    from ..grading.run import Options, grade_class

    release = nbformat.read(REPO / "release" / assignment / f"{assignment}.ipynb", 4)
    source = C.source_notebook(assignment)
    with tempfile.TemporaryDirectory(prefix="heldout-") as tmp:
        base = Path(tmp)
        course = F.make_course(base / "course", [assignment])
        submissions = F.write_batch(base / "submissions", assignment, [a.fixture for a in answers], release, source)
        options = Options(jobs=jobs, cell_timeout=30, submission_timeout=300)
        results = grade_class(assignment, submissions, course=course, options=options, log=lambda *a: None).rows
    for a in answers:
        r = results[F.student_id(a.fixture)]
        a.lost = any(t.startswith(a.exercise) for t in r.failed_tests)
        a.graded_named = r.diagnoses.get(a.exercise, "") if a.lost else ""


@dataclass
class Tally:
    wrong: int = 0
    lost: int = 0
    right: int = 0
    kept: int = 0
    failing: int = 0
    named: int = 0
    judged: dict = field(default_factory=lambda: {v: 0 for v in (*VERDICTS, "unjudged")})

    def row(self, name: str) -> str:
        j = self.judged
        graded = f"{self.lost} of {self.wrong}" if self.lost >= 0 else "not graded"
        return (
            f"| {name} | {self.wrong} | {graded} | {self.kept if self.lost >= 0 else '-'} of {self.right} "
            f"| {self.named} of {self.failing} ({100 * self.named / max(1, self.failing):.0f}%) "
            f"| {j['right']} | {j['partly']} | {j['wrong']} | {j['unjudged']} |"
        )


def tally(answers: list[Answer]) -> Tally:
    judged = {name: verdicts(name) for name in {a.assignment for a in answers}}
    t = Tally()
    graded = all(a.lost is not None for a in answers)
    t.lost = 0 if graded else -1
    for a in answers:
        if not a.wrong:
            t.right += 1
            t.kept += graded and not a.lost
            continue
        t.wrong += 1
        if graded:
            t.lost += a.lost
        if graded and not a.lost:
            continue  # full marks: nothing is shown, nothing to name
        t.failing += 1
        name = a.graded_named if graded else a.named
        if name:
            t.named += 1
            v = judged[a.assignment].get(a.fixture.name, {})
            t.judged[v.get("verdict") if v.get("entry") == name and v.get("verdict") in VERDICTS else "unjudged"] += 1
    return t


HEADER = [
    "| set | wrong answers | lose points | right answers at full marks | failing ones named "
    "| rightly | partly | wrongly | not judged |",
    "|---|---|---|---|---|---|---|---|---|",
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.authoring.heldout",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--grade", action="store_true", help="grade every answer (sandboxed pipeline)")
    parser.add_argument("--list", action="store_true", help="one line per answer: named, lost, mistake")
    parser.add_argument("assignments", nargs="*")
    args = parser.parse_args(argv)
    sets = args.assignments or [ps.name for ps in problem_sets() if ps.fixtures("heldout").is_dir()]
    lines, every = list(HEADER), []
    started = time.monotonic()
    for assignment in sets:
        answers = answers_of(assignment)
        diagnose_all(assignment, answers)
        if args.grade:
            grade_all(assignment, answers)
        lines.append(tally(answers).row(assignment))
        every += answers
        if args.list:
            for a in answers:
                print(
                    f"{assignment} {a.fixture.name}: named {a.graded_named if args.grade else a.named!r}"
                    f"{'' if a.lost is None else ', lost' if a.lost else ', full marks'}; {a.mistake!r}"
                )
    lines.append(tally(every).row("all"))
    print("\n".join(lines))
    print(f"\n({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
