"""Question statistics: how the class did on each graded item (a quiz question, a test cell, an answer
graded by hand) of a problem set, from the gradebook now: share right, mean, discrimination, the most
common wrong answer or named mistake, flags (docs/instructor.md, "Question statistics", says what each
is). `question_stats` derives them; the reports (at every write) and `make questions` call it."""

from __future__ import annotations

import ast
import math
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

MIN_STUDENTS = 5  # fewer graded students: no correlation is shown, it would mean nothing
QUIZ, VISIBLE, HIDDEN, HAND = "quiz", "visible test", "hidden test", "hand-graded"
NOBODY, EVERYBODY, NEGATIVE = "nobody got it", "everybody got it", "negative discrimination"
SHOWN_ANSWER = 40  # characters of a student's quiz answer kept (it is theirs: anything fits)


@dataclass
class Item:
    name: str  # the graded cell's id (notebook/id when the set has several notebooks)
    kind: str  # QUIZ, VISIBLE, HIDDEN or HAND
    points: float
    students: int = 0  # graded students counted for this item
    pending: int = 0  # answers still waiting for a hand grade (left out)
    right: int = 0  # of `students`, those with full points
    share_right: float | None = None
    mean_share: float | None = None
    discrimination: float | None = None
    no_discrimination: str = ""  # why there is none ('' when there is one)
    key: str = ""  # a quiz question's right letter
    wrong_answer: str = ""  # the most common wrong answer (ties: the first in sorted order)
    wrong_count: int = 0  # students who gave it
    wrong_tied: int = 0  # other wrong answers given as often
    wrong_total: int = 0  # students who answered something else than the key
    exercise: str = ""  # the code exercise a test belongs to, where mistakes were named
    mistake: str = ""  # the catalogue's id of the most common named mistake
    mistake_count: int = 0
    missed_diagnosed: int = 0  # students who missed it and whose exercise was diagnosed
    flags: list[str] = field(default_factory=list)


def point_biserial(got: list[int], rest: list[float]) -> tuple[float | None, str]:
    """(r, '') for 0/1 `got` against `rest`, or (None, why not)."""
    n = len(got)
    if n < MIN_STUDENTS:
        return None, f"fewer than {MIN_STUDENTS} students"
    mean_x, mean_y = sum(got) / n, sum(rest) / n
    sxx = sum((x - mean_x) ** 2 for x in got)
    syy = sum((y - mean_y) ** 2 for y in rest)
    if sxx == 0:
        return None, "no variance: " + (EVERYBODY if got[0] else NOBODY)
    if syy < 1e-12:
        return None, "no variance in the rest of the score"
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(got, rest))
    return sxy / math.sqrt(sxx * syy), ""


_READ: dict[Path, tuple[tuple[int, int], dict | None]] = {}  # notebook -> (its mtime and size, its answers)


def quiz_answers(notebook: Path) -> dict[str, str] | None:
    """A student's quiz answers, {"q1": "b", ...}, from the `quiz` cell of their graded notebook, read with
    ast and never run: every top-level `quiz_answers = {...}` and `quiz_answers["q1"] = ...` in order. An
    answer that is not a literal is '?'. None when the cell cannot be read (no cell, not Python, no literal
    dict). Kept while the file's time and size stay the same (each save of make hand-grade asks again)."""
    try:
        stat = os.stat(notebook)
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    if _READ.get(notebook, (None,))[0] != stamp:
        _READ[notebook] = (stamp, _read_quiz(notebook))
    answers = _READ[notebook][1]
    return None if answers is None else dict(answers)


def _read_quiz(notebook: Path) -> dict[str, str] | None:
    try:
        cells = nbformat.read(notebook, 4).cells
    except (OSError, ValueError):
        return None
    cell = next(
        (c for c in cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade_id") == "quiz"), None
    )
    if cell is None:
        return None
    try:
        tree = ast.parse(cell.source)
    except (SyntaxError, ValueError):
        return None
    answers = None
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            if _changes_answers(node):
                answers = None  # answers set by code: not read, so unknown
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "quiz_answers" and isinstance(node.value, ast.Dict):
            answers = {}
            for k, v in zip(node.value.keys, node.value.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    answers[k.value] = _literal(v)
        elif isinstance(target, ast.Name) and target.id == "quiz_answers":
            answers = None  # something not a dict literal: unknown
        elif (
            answers is not None
            and isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == "quiz_answers"
            and isinstance(target.slice, ast.Constant)
            and isinstance(target.slice.value, str)
        ):
            answers[target.slice.value] = _literal(node.value)
        elif _changes_answers(node):  # quiz_answers[key] = ..., x = quiz_answers.pop(...)
            answers = None
    return answers


def _changes_answers(node) -> bool:
    """Whether a top-level statement other than the two read may change quiz_answers: it names the dict
    anywhere except as a mere argument of a call (`check_choices(quiz_answers, ...)`)."""
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        call = node.value
        inside = (
            [call.func]
            + [k.value for k in call.keywords if not _is_answers(k.value)]
            + [a for a in call.args if not _is_answers(a)]
        )
        return any(_is_answers(n) for part in inside for n in ast.walk(part))
    return any(_is_answers(n) for n in ast.walk(node))


def _is_answers(node) -> bool:
    return isinstance(node, ast.Name) and node.id == "quiz_answers"


def _literal(node) -> str:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return "?"
    return (value if isinstance(value, str) else repr(value))[:SHOWN_ANSWER]


def _source_items(source: Path) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Of a source notebook: its grade cells in order, grade id -> QUIZ, VISIBLE, HIDDEN or HAND, and grade
    id -> key of each quiz question (the letter of its hidden test's `check_choice(quiz_answers, "qN", "c")`)."""
    order, kinds, keys = [], {}, {}
    try:
        cells = nbformat.read(source, 4).cells
    except (OSError, ValueError):
        return order, kinds, keys
    for cell in cells:
        grading = cell.metadata.get("nbgrader", {})
        gid = grading.get("grade_id", "")
        if cell.cell_type == "code" and gid.startswith("quiz_q") and (key := _quiz_key(cell.source, gid)) is not None:
            keys[gid] = key
        if not grading.get("grade") or not gid:
            continue
        order.append(gid)
        kinds[gid] = (
            HAND
            if cell.cell_type == "markdown" or grading.get("solution")
            else QUIZ
            if gid.startswith("quiz_q")
            else HIDDEN
            if "BEGIN HIDDEN TESTS" in cell.source
            else VISIBLE
        )
    return order, kinds, keys


def _quiz_key(source: str, gid: str) -> str | None:
    """The key that a quiz question's test cell gives in its (last) `check_choice(quiz_answers, "qN", "c")`."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = [
        str(node.args[2].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "check_choice"
        and len(node.args) == 3
        and all(isinstance(a, ast.Constant) for a in node.args[1:])
        and f"quiz_{node.args[1].value}" == gid
    ]
    return found[-1] if found else None


def _scores(gb, assignment: str, students: set[str]) -> list[tuple]:
    """(student, notebook, cell, score, max score, pending, cell type) of every grade of the
    assignment's submissions by `students`, in one query."""
    from nbgrader.api import Assignment, BaseCell, Grade, Notebook, SubmittedAssignment, SubmittedNotebook

    columns = (SubmittedAssignment.student_id, Notebook.name, BaseCell.name, Grade.score, Grade.max_score)
    columns += (Grade.needs_manual_grade, Grade.manual_score, Grade.cell_type)
    query = (
        gb.db.query(*columns)
        .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
        .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
        .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
        .join(BaseCell, Grade.cell_id == BaseCell.id)
        .filter(Assignment.name == assignment)
    )
    return [
        (student, nb, cell, float(score or 0), float(top or 0), bool(needs) and manual is None, kind)
        for student, nb, cell, score, top, needs, manual, kind in query
        if student in students
    ]


def _exercise(name: str, exercises) -> str:
    """The code exercise a test cell belongs to: the longest of `exercises` its id starts with
    ('lstm_step_backward' of 'lstm_step_backward_hidden'); '' for none."""
    found = [ex for ex in exercises if name == ex or name.startswith(ex + "_")]
    return max(found, key=len) if found else ""


def _most_common(counts: Counter) -> tuple[str, int, int]:
    """(the most common answer, how often, how many others as often)."""
    if not counts:
        return "", 0, 0
    top = max(counts.values())
    tied = sorted(k for k, n in counts.items() if n == top)
    return tied[0], top, len(tied) - 1


def question_stats(course: Path, assignment: str, rows, gb) -> dict:
    """The statistics of every graded item of `assignment`, over the graded students of report.json's `rows`,
    from the open gradebook `gb`: {"students": how many, "items": [Item as a dict, ...], "unreadable":
    students whose quiz answers could not be read, "min_students": MIN_STUDENTS}."""
    course = Path(course)
    rows = [r for r in rows if isinstance(r, dict) and isinstance(r.get("student"), str)]
    students = {r["student"] for r in rows if r.get("status") == "graded" and not r.get("grader_error")}
    grades = _scores(gb, assignment, students)
    notebooks = sorted({nb for _, nb, *_ in grades})
    several = len(notebooks) > 1

    def label(nb, cell):
        return f"{nb}/{cell}" if several else cell

    by_student: dict[str, dict[str, tuple]] = {}
    meta: dict[str, tuple] = {}
    for student, nb, cell, score, top, pending, cell_type in grades:
        by_student.setdefault(student, {})[label(nb, cell)] = (score, top, pending)
        meta[label(nb, cell)] = (nb, cell, top, cell_type)
    counted = sorted(by_student)

    order, kinds, keys = [], {}, {}
    for nb in notebooks:
        cells, found, quiz = _source_items(course / "source" / assignment / f"{nb}.ipynb")
        order += [label(nb, c) for c in cells]
        kinds.update({label(nb, c): kind for c, kind in found.items()})
        keys.update({label(nb, c): key for c, key in quiz.items()})
    names = [n for n in order if n in meta] + sorted(set(meta) - set(order))

    answers, unreadable = {}, []
    quiz_notebooks = {meta[n][0] for n in names if n in keys}
    for student in counted:
        for nb in sorted(quiz_notebooks):
            got = quiz_answers(course / "autograded" / student / assignment / f"{nb}.ipynb")
            if got is None:
                unreadable.append(student)
            else:
                answers.setdefault(student, {}).update({label(nb, f"quiz_{q}"): a for q, a in got.items()})

    diagnoses = {
        r["student"]: r["diagnoses"]
        for r in rows
        if r.get("student") in students and isinstance(r.get("diagnoses"), dict)
    }
    exercises = {ex for d in diagnoses.values() for ex in d if isinstance(ex, str)}
    totals = {s: sum(score for score, _, _ in got.values()) for s, got in by_student.items()}

    items = []
    for name in names:
        nb, cell, top, cell_type = meta[name]
        kind = kinds.get(name) or (HAND if cell_type == "markdown" else VISIBLE)
        item = Item(name, kind, top, key=keys.get(name, ""))
        here = [s for s in counted if name in by_student[s]]
        item.pending = sum(by_student[s][name][2] for s in here)
        here = [s for s in here if not by_student[s][name][2]]
        item.students = len(here)
        if here and top > 0:
            scores = [by_student[s][name][0] for s in here]
            got = [int(score >= top - 1e-9) for score in scores]
            item.right = sum(got)
            item.share_right = item.right / len(here)
            item.mean_share = sum(min(max(score / top, 0.0), 1.0) for score in scores) / len(here)
            item.discrimination, item.no_discrimination = point_biserial(
                got, [totals[s] - score for s, score in zip(here, scores)]
            )
            missed = [s for s, g in zip(here, got) if not g]
            if item.key:
                wrong = Counter(answers[s].get(name, "") for s in missed if s in answers)
                wrong = Counter({a: n for a, n in wrong.items() if a.strip() and a != item.key})
                item.wrong_total = sum(wrong.values())
                item.wrong_answer, item.wrong_count, item.wrong_tied = _most_common(wrong)
            item.exercise = _exercise(cell, exercises) if kind in (VISIBLE, HIDDEN) else ""
            if item.exercise:
                named = [
                    diagnoses[s][item.exercise]
                    for s in missed
                    if s in diagnoses and isinstance(diagnoses[s].get(item.exercise), str)
                ]
                item.missed_diagnosed = len(named)
                item.mistake, item.mistake_count, _ = _most_common(Counter(n for n in named if n))
            if item.right == 0:
                item.flags.append(NOBODY)
            elif item.right == len(here):
                item.flags.append(EVERYBODY)
            if item.discrimination is not None and item.discrimination < 0:
                item.flags.append(NEGATIVE)
        items.append(item)
    return {
        "students": len(counted),
        "items": [asdict(i) for i in items],
        "unreadable": sorted(set(unreadable)),
        "min_students": MIN_STUDENTS,
    }
