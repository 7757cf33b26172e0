"""What students must never get: every line of a solution, a hidden test or a graded key in `source/`
(`secrets`, found by `leaks`) and the instructor's folders (`FORBIDDEN`, found by `forbidden_paths`).
The student distribution and the website are scanned with it before they are written."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..course.folder import REPO
from ..course.leakscan import finder, normalise, secret_lines
from ..course.problemsets import problem_sets
from ..course.student_files import readable_text, skipped, taught_text

FORBIDDEN = tuple(
    "source autograder tests docs deploy bench scripts .github .ci nbgrader_config.py gradebook.db submitted "
    "autograded staged feedback exchange reports grading-runs demo-class test-artifacts .hub".split()
)

MIN_CHARS = 12  # a normalised line shorter than this is not counted as a secret
# a hidden test's line that holds a graded quiz's key: check_choice(quiz_answers, "q1", "c")
GRADED_KEY = re.compile(r"\bcheck_choice\s*\(")
# a hidden test that reads a key from the shipped package (rnnlab/data/quiz_NN.json)
PACKAGE_KEY_CALL = re.compile(r"\b(load_quiz|check_quiz_answer)\s*\(|quiz_\d\d\.json")


@dataclass(frozen=True)
class Secret:
    assignment: str
    kind: str  # "solution", "hidden test" or "graded key"
    line: str  # as written in source/
    norm: str  # normalised: what is searched for


@dataclass(frozen=True)
class Leak:
    path: str  # relative to the distribution
    secret: Secret

    def __str__(self) -> str:
        return f"{self.path}: {self.secret.kind} of {self.secret.assignment}: {self.secret.line.strip()}"


def _unmarked_solution_lines(nb) -> set[str]:
    """Lines of solution cells without `### BEGIN SOLUTION` (nbgrader replaces such a cell whole)."""
    return {
        line
        for cell in nb.cells
        if cell.metadata.get("nbgrader", {}).get("solution") and "BEGIN SOLUTION" not in cell.source
        for line in cell.source.splitlines()
    }


def secrets(course: Path = REPO) -> list[Secret]:
    """The lines of every problem set in `source/` that must not reach a student: its solutions,
    hidden tests and graded quiz keys. Lines shorter than MIN_CHARS once normalised, and lines the
    teaching material already holds (`taught_text`), are not counted, but a graded key always is."""
    candidates = []
    for path in (ps.notebook for ps in problem_sets(course) if ps.notebook.is_file()):
        name = path.parent.name
        nb = nbformat.read(path, 4)
        groups = (
            ("solution", secret_lines(nb, "SOLUTION", min_len=0) | _unmarked_solution_lines(nb)),
            ("hidden test", secret_lines(nb, "HIDDEN TESTS", min_len=0)),
        )
        candidates += [(name, kind, line, normalise(line)) for kind, lines in groups for line in sorted(lines)]
    taught = finder(norm for *_, norm in candidates)(taught_text(course))  # the lines it holds
    found: dict[str, Secret] = {}
    for name, kind, line, norm in candidates:
        key = kind == "hidden test" and GRADED_KEY.search(line)
        if not key and (len(norm) < MIN_CHARS or norm in taught):
            continue
        found.setdefault(norm, Secret(name, "graded key" if key else kind, line, norm))
    return list(found.values())


def keys_read_from_package(course: Path = REPO) -> list[str]:
    """Problem sets whose hidden tests take a graded answer's key from the package students get."""
    out = []
    for path in (ps.notebook for ps in problem_sets(course) if ps.notebook.is_file()):
        hidden = secret_lines(nbformat.read(path, 4), "HIDDEN TESTS", min_len=0)
        calls = sorted(line.strip() for line in hidden if PACKAGE_KEY_CALL.search(line))
        if calls:
            out.append(f"{path.parent.name}: {len(calls)} hidden test line(s) such as {calls[0]}")
    return out


def local(rel: Path) -> bool:
    """Part of a clone that is never published: git's own folder, the virtual environment, caches."""
    return rel.parts[0] in (".git", ".venv") or skipped(rel)


def files(root: Path) -> list[str]:
    """Every file below `root` (relative, as posix paths) but the `local` ones."""
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not local(p.relative_to(root))
    )


def leaks(
    root: Path, course: Path = REPO, found: list[Secret] | None = None, only: list[str] | None = None
) -> list[Leak]:
    """Every secret of `course` that some file below `root` (or the files `only`) holds, whitespace ignored."""
    wanted = found if found is not None else secrets(course)
    found_in = finder(s.norm for s in wanted)
    out = []
    for rel in files(root) if only is None else only:
        held = found_in(normalise(readable_text(root / rel)))
        out += [Leak(rel, s) for s in wanted if s.norm in held]
    return out


def forbidden(rel: Path) -> bool:
    tops = {Path(f).name for f in FORBIDDEN}
    return rel.parts[0] in tops or any(part in ("source", "autograder") for part in rel.parts[:-1])


def forbidden_paths(root: Path) -> list[str]:
    """Forbidden files and folders below `root`: at the top (FORBIDDEN), and `source/` or `autograder/` anywhere."""
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if local(rel):
            continue
        if len(rel.parts) == 1 and forbidden(rel) or path.is_dir() and rel.name in ("source", "autograder"):
            out.append(rel.as_posix())
    return out
