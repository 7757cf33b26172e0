"""A problem set's source notebook and its graded quiz cells."""

import re

import nbformat

from autograder.course.folder import REPO


def source_nb(a):
    return nbformat.read(REPO / "source" / a / f"{a}.ipynb", 4)


def is_test(cell):
    m = cell.metadata.get("nbgrader", {})
    return m.get("grade") and not m.get("solution") and cell.cell_type == "code"


QUESTION = re.compile(r"^\*\*(q\d+)\.\*\*\s*(.+)$")  # **q1.** the question


CHOICE = re.compile(r"^\s*-\s*\(([a-z])\)\s*\S")  # - (a) a choice


KEY_CALL = re.compile(r'check_choice\(quiz_answers, "(q\d+)", "([a-z])"\)')


def graded_quiz(nb):
    """{question id: (question text, letters of its choices)} from the problem set's
    `quiz_questions` markdown cell; {} without one."""
    cell = next((c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "quiz_questions"), None)
    if cell is None:
        return {}
    assert cell.cell_type == "markdown" and cell.metadata.nbgrader.get("locked"), (
        "quiz_questions: a locked markdown cell"
    )
    found, qid = {}, None
    for line in cell.source.splitlines():
        if m := QUESTION.match(line):
            qid = m.group(1)
            found[qid] = [m.group(2), ""]
        elif qid and (m := CHOICE.match(line)):
            found[qid][1] += m.group(1)
        elif qid and line.strip() and not found[qid][1]:
            found[qid][0] += " " + line.strip()
    return {q: (text, letters) for q, (text, letters) in found.items()}
