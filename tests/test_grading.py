"""Grading the graders, end to end through nbgrader and the sandboxed pipeline.

For every problem set: the instructor's solution scores full automatic marks, the untouched
release scores 0 without crashing, every known wrong solution loses points on its exercise
(and only there), and every correct alternative gets full marks. Feedback never shows hidden
tests, and tracebacks show no code.
"""
import csv

import pytest

from autograder import fixtures as F
from autograder.course import assignments
from autograder.pipeline import hidden_test_lines
from conftest import notebooks

pytestmark = pytest.mark.grading

ASSIGNMENTS = assignments()


def batch_fixtures(assignment):
    return [F.SOLUTION, F.BLANK] + F.fixtures_for(assignment, "mutants") + \
        F.fixtures_for(assignment, "alternatives")


CASES = [(a, fx) for a in ASSIGNMENTS for fx in batch_fixtures(a)]


@pytest.mark.parametrize("assignment,fx", CASES, ids=[f"{a[:4]}-{fx.name}" for a, fx in CASES])
def test_fixture_is_graded_as_expected(grade_batch, assignment, fx):
    batch = grade_batch(assignment, batch_fixtures(assignment), "fixtures")
    problems = F.check(fx, batch.result(fx), batch.tests, batch.outputs(fx))
    assert not problems, f"{fx.name}: " + "; ".join(problems)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_full_and_blank_zero(grade_batch, assignment):
    batch = grade_batch(assignment, batch_fixtures(assignment), "fixtures")
    _, source = notebooks(assignment)
    auto_points = sum(float(c.metadata["nbgrader"]["points"]) for c in source.cells
                      if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
                      and not c.metadata["nbgrader"].get("solution"))
    solution, blank = batch.result(F.SOLUTION), batch.result(F.BLANK)
    assert solution.status == "graded" and solution.score == auto_points, solution
    assert not solution.flags, solution.flags
    assert blank.status == "graded" and blank.score == 0 and not blank.timeouts, blank
    assert solution.needs_manual, "the explain answer must be left for hand grading"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_shows_no_hidden_tests_and_no_code_in_tracebacks(grade_batch, assignment):
    batch = grade_batch(assignment, batch_fixtures(assignment), "fixtures")
    _, source = notebooks(assignment)
    secret = hidden_test_lines(source)
    assert secret, "the problem set should have hidden tests"
    files = sorted((batch.course / "feedback").glob(f"*/{assignment}/{assignment}.html"))
    assert len(files) == len(batch_fixtures(assignment))
    for html in files:
        text = html.read_text()
        assert "BEGIN HIDDEN TESTS" not in text
        leaked = [line for line in secret if line in text]
        assert not leaked, f"{html.parent.parent.name}: {leaked[:3]}"
        assert "Traceback (most recent call last)" not in text and "Cell In[" not in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reports_list_every_student(grade_batch, assignment):
    batch = grade_batch(assignment, batch_fixtures(assignment), "fixtures")
    reports = batch.course / "reports" / assignment
    rows = list(csv.DictReader(open(reports / "grades.csv")))
    assert {r["student_id"] for r in rows} == set(batch.results)
    for row in rows:
        assert float(row["score"]) == batch.results[row["student_id"]].score
    md = (reports / "report.md").read_text()
    assert all(f"| {s} |" in md for s in batch.results)
