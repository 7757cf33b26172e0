"""What the verdict says beyond the points: flags for a cell that names a way around the watch, and
the mistake named under a failed answer (the catalogue's diagnoses)."""

from __future__ import annotations

import ast

from .cases import DIAGNOSIS, Case
from .judge import parse_printed

# names by which an answer reaches the re-check's frames or memory unseen; no honest answer uses one
REACHING_NAMES = frozenset(
    {"ctypes", "_ctypes", "cffi", "pythonapi", "_getframe", "f_locals", "f_back", "__defaults__", "currentframe"}
)


def reaching_names(source: str) -> list[str]:
    """The names of REACHING_NAMES, and `gc.` with its function, that a cell's code uses (names,
    attributes and imports, read with ast: a comment or a string does not count)."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names = [node.id]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        elif isinstance(node, (ast.alias, ast.ImportFrom)):
            names = (node.name if isinstance(node, ast.alias) else node.module or "").split(".")
        else:
            names = []
        found.update(name for name in names if name in REACHING_NAMES)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "gc":
            found.add("gc." + node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module == "gc":
            found.update("gc." + alias.name for alias in node.names)
    return sorted(found)


def reaching_flags(cells: list[str]) -> list[str]:
    """A flag for each of the student's cells that names a way around the watch (no points taken):
    the instructor reads that answer (docs/grading.md, What remains possible)."""
    return [
        f"re-check: a cell uses {', '.join(names)}, by which an answer can switch the grader's watch off "
        f"unseen; read it (it begins {first_line(cell)!r})"
        for cell in cells
        if (names := reaching_names(cell))
    ]


def first_line(source: str) -> str:
    line = next((text.strip() for text in source.splitlines() if text.strip()), "")
    return line[:60] + " ..." if len(line) > 60 else line


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


NOT_RECOGNISED = (
    "The course's catalogue of common mistakes does not recognise what this answer does; "
    "compare it with the exercise's description and its visible test."
)


def diagnoses(assignment: str, cases: list[Case], printed: str, failed: set[str]):
    """exercise -> rnnlab.diagnose.Diagnosis for each failed exercise (`failed`: answer cells' grade
    ids) whose diagnostic case returned the probes' fingerprints."""
    from rnnlab.diagnose import catalogue, match

    got, entries, out = parse_printed(printed), catalogue(assignment), {}
    for case in cases:
        exercise = case.name[len(DIAGNOSIS) :]
        if not case.diagnostic or exercise not in failed:
            continue
        value = got.results.get(case.name)
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            continue  # not attempted (NotImplementedError), undefined, or no result
        out[exercise] = match(exercise, value, entries.get(exercise, []))
    return out
