"""A mistake the exercise warns about fails its visible test, so the student hears of it before grading
(issue 78, the class "a known mistake the visible tests pass": ps11's linear-space scan printed
"the visible test passed" although the exercise says "Stay in log space" and the catalogue names it).

A catalogue entry marked `warned = "<the exercise's words>"` quotes where the exercise's text, its
hints or its chapter's lecture warn of it: the quote must be in that text as students read it, and
each of the entry's wrong solutions must fail the exercise's visible test as released. The
requirements every exercise shares (dtype, arguments left unchanged, sizes of 1, gradients) are left
unmarked: the introduction says the graded tests check them. `python -m autograder.authoring.visible`
prints the share of all wrong solutions the visible tests catch (docs/grading.md).
"""

import re

import nbformat
import pytest

from autograder.authoring import fixtures as F
from autograder.authoring import visible as V
from autograder.authoring.catalogue import entries_of, source_notebook
from autograder.course.folder import REPO
from autograder.course.problemsets import problem_sets

SETS = [s.name for s in problem_sets() if s.catalogue.is_file()]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _student_text(assignment: str) -> str:
    """The markdown a student reads for the set: the release notebook's and its chapter's lecture's."""
    number = re.match(r"ps(\d+)_", assignment).group(1)
    paths = [
        REPO / "release" / assignment / f"{assignment}.ipynb",
        *sorted((REPO / "notebooks").glob(f"{number}_*.ipynb")),
    ]
    return _flat("\n".join(c.source for p in paths for c in nbformat.read(p, 4).cells if c.cell_type == "markdown"))


@pytest.mark.parametrize("assignment", SETS)
def test_each_warned_mistake_fails_a_visible_test(assignment):
    entries, _ = entries_of(assignment)
    marked = [e for e in entries if "warned" in e]
    text = _student_text(assignment)
    for e in marked:
        assert isinstance(e["warned"], str) and e["warned"].strip(), f"{e['id']}: warned quotes the exercise's words"
        assert _flat(e["warned"]) in text, (
            f"{assignment}, {e['id']}: warned = {e['warned']!r} is not in the exercise's text nor its lecture's"
        )
    source_nb, release_nb = source_notebook(assignment), V.release_notebook(assignment)
    for exercise in sorted({e["exercise"] for e in marked}):
        # the solution passes, so a wrong solution's failure is its own
        right = V.run_visible(F.SOLUTION, exercise, source_nb, release_nb)
        assert not right.caught, f"{assignment}: the solution fails {exercise}_visible: {right.error}"
    mutants = {fx.name: fx for fx in F.fixtures_for(assignment, "mutants")}
    missed = [
        f"{e['id']} ({name}, warned: {e['warned']!r})"
        for e in marked
        for name in e["mutants"]
        if not V.run_visible(mutants[name], e["exercise"], source_nb, release_nb).caught
    ]
    assert not missed, f"{assignment}: the visible tests pass these mistakes the exercise warns about: {missed}"
    # and the grading tests expect it: a `lose` of the hidden test alone would call the visible failure a fault
    hidden_only = [
        name
        for e in marked
        for name in e["mutants"]
        if not any(f"{e['exercise']}_visible".startswith(p) for p in mutants[name].expect.get("lose", []))
    ]
    assert not hidden_only, (
        f"{assignment}: EXPECT of {hidden_only} should lose the whole exercise, its visible test too"
    )
