"""The verdicts back where every reader finds them (`recheck_all`): points taken back in the
gradebook with the reason in a comment, the mistake named under the answer (the catalogue's
diagnoses), flags for the instructor in the student's row.
"""

from __future__ import annotations

import ast
import json

from ...course.folder import gradebook_url
from .cases import DIAGNOSIS, Case
from .judge import GRADER_FAULT, MISSED, NOT_RUN, comment_text, judge, lose, note, parse_printed
from .kernel import clean_probe_answers

# what an answer names to reach the re-check's own frames or the interpreter's memory, where the watch
# cannot see it (ctypes writes memory with no audit event): no honest answer of the course names one
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
        names = (
            [node.id]
            if isinstance(node, ast.Name)
            else [node.attr]
            if isinstance(node, ast.Attribute)
            else node.name.split(".")
            if isinstance(node, ast.alias)
            else (node.module or "").split(".")
            if isinstance(node, ast.ImportFrom)
            else []
        )
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
    """exercise -> rnnlab.diagnose.Diagnosis, for each failed exercise (`failed`: answer cells'
    grade ids) that has a diagnostic case and fingerprints from the re-check process: what they
    match in the catalogue. An exercise whose probes did not run (not attempted, a function not
    defined) gets no diagnosis."""
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


def comment_on_answers(gb, assignment: str, student: str, said: dict[str, str]) -> None:
    """Add each text to the comment of its answer cell (grade id -> text), after what is there."""
    if not said:
        return
    submission = gb.find_submission(assignment, student)
    for nb in submission.notebooks:
        for comment in nb.comments:
            if comment.name in said:
                comment.auto_comment = "\n\n".join(
                    ([comment.auto_comment] if comment.auto_comment else []) + [said[comment.name]]
                )
    gb.db.commit()


def record_in_gradebook(
    gb, assignment: str, student: str, deducted: set[str], notes: dict, answers: dict[str, str]
) -> tuple[float, list[str]]:
    """Write the re-check's verdict where nbgrader keeps grades, so that the formgrader, feedback
    and export read the score the report gives: each test that lost its points gets an automatic
    score of 0, and the answer cell it checks a comment saying why (shown to the student in the
    feedback and to the instructor in the formgrader; a comment typed by hand there wins). A test
    whose answer could not be run again (NOT_RUN) is held for a hand grade, as its flag says: it
    needs manual grading in the gradebook, so the formgrader, grades.csv and the report count it
    until the instructor gives it a score (one given before a regrade stands). Grading the
    student again starts from nbgrader's own scores. Returns the new total and the tests held."""
    submission = gb.find_submission(assignment, student)
    grades = {g.name: g for nb in submission.notebooks for g in nb.grades}
    grouped: dict[str, dict] = {}  # answer cell -> (template, fields) -> its tests
    held: list[str] = []
    for test in sorted(deducted):
        grades[test].auto_score = 0.0
        if notes.get(test, ("",))[0] == NOT_RUN and grades[test].manual_score is None:
            grades[test].needs_manual_grade = True
            held.append(test)
        if test in answers:
            note = notes.get(test, (MISSED, (("did", "gave a wrong result"),)))
            grouped.setdefault(answers[test], {}).setdefault(note, []).append(test)
    said = {
        cell: [comment_text(template, tests, dict(fields)) for (template, fields), tests in notes_of.items()]
        for cell, notes_of in grouped.items()
    }
    for nb in submission.notebooks:
        for comment in nb.comments:
            if comment.name in said:
                comment.auto_comment = "\n\n".join(
                    ([comment.auto_comment] if comment.auto_comment else []) + said[comment.name]
                )
    gb.db.commit()
    gb.db.refresh(submission)
    return float(submission.score), held


def _cells_of(run, student: str) -> list[str]:
    """The cells the re-check process ran for `student` (its input file), or none."""
    try:
        return json.loads((run.work / f"recheck-{student}.json").read_text())["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def recheck_all(run, students: list[str]) -> None:
    """Judge every graded student of a pipeline run (autograder.grading.pipeline.Run)."""
    cases = run.cases
    if not cases:
        return
    from nbgrader.api import Gradebook

    clean = clean_probe_answers()
    answers = answer_cells(run.release_nb)
    with Gradebook(gradebook_url(run.course)) as gb:
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
            except Exception as err:  # fail closed: no point the re-check guards stays
                deducted = {t for case in cases for t in case.tests if t in passed}
                flags = [
                    f"re-check could not be judged ({type(err).__name__}: {err}); "
                    f"{lose(sorted(deducted)) if deducted else 'no test loses its points'}"
                ]
                note(notes, sorted(deducted), GRADER_FAULT)
            result.flags += flags + reaching_flags(_cells_of(run, student))
            result.failed_tests += sorted(deducted)
            if deducted:
                result.score, held = record_in_gradebook(gb, run.assignment, student, deducted, notes, answers)
                result.needs_manual += held
            failed = {answers[t] for t in points if t in answers and (t not in passed or t in deducted)}
            try:
                found = diagnoses(run.assignment, cases, printed, failed)
            except Exception as err:  # a help, never a grade: note it and go on
                found = {}
                result.flags.append(f"mistakes not named ({type(err).__name__}: {err})")
            result.diagnoses = {ex: (d.entry.id if d.entry else "") for ex, d in found.items()}
            comment_on_answers(
                gb,
                run.assignment,
                student,
                {ex: d.entry.text() if d.entry else NOT_RECOGNISED for ex, d in found.items()},
            )
