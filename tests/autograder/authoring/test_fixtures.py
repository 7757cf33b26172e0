"""Packing wrong answers of independent exercises into shared submissions (fixtures.bundles)."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from autograder.authoring import fixtures as F
from autograder.gradebook.rows import Result


def cell(source, grade_id=None, solution=False, grade=False):
    c = new_code_cell(source)
    if grade_id:
        c.metadata["nbgrader"] = {
            "grade_id": grade_id,
            "solution": solution,
            "grade": grade,
            "locked": not solution,
            "points": 1 if grade else 0,
        }
    return c


def notebook():
    """Three exercises: `twice` and `square` are independent; `total`'s test reads `data`, which
    the test of `square` makes."""
    return new_notebook(
        cells=[
            cell("import math"),
            cell(
                "def twice(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION", "twice", solution=True
            ),
            cell("assert twice(2) == 4", "twice_test", grade=True),
            cell(
                "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
                "square",
                solution=True,
            ),
            cell("data = [square(k) for k in range(3)]\nassert data == [0, 1, 4]", "square_test", grade=True),
            cell(
                "def total(xs):\n    ### BEGIN SOLUTION\n    return sum(xs)\n    ### END SOLUTION",
                "total",
                solution=True,
            ),
            cell("assert total(data) == 5", "total_test", grade=True),
        ]
    )


def fixture(name, gid, new, lose=True):
    return F.Fixture(name, {"lose": [gid]} if lose else {"full": True}, edits={gid: [("return", new)]})


def test_independent_answers_share_and_dependent_ones_do_not():
    fxs = [
        fixture("twice-wrong", "twice", "return 1 +"),
        fixture("twice-other", "twice", "return 0 +"),
        fixture("square-wrong", "square", "return 1 +"),
        fixture("total-wrong", "total", "return 1 +"),
        fixture("total-alt", "total", "return 0 +", lose=False),
    ]
    packed = F.bundles(fxs, notebook())
    groups = [sorted(m.name for m in b.members) for b in packed]
    assert sorted(n for g in groups for n in g) == sorted(fx.name for fx in fxs)  # each once
    for g in groups:
        assert not ("twice-wrong" in g and "twice-other" in g)  # same cell
        assert not ("square-wrong" in g and any(n.startswith("total") for n in g))  # total reads data
    assert any(len(g) > 1 for g in groups)
    assert len(packed) == 3  # square, total-wrong and total-alt exclude one another


def test_a_bundle_builds_every_members_answer_and_expects_their_losses():
    nb = notebook()
    fxs = [fixture("twice-wrong", "twice", "return 1 +"), fixture("total-alt", "total", "return 0 +", lose=False)]
    (bundle,) = F.bundles(fxs, nb)
    built = nbformat.reads(F.build(bundle.fixture, nb, nb), 4)
    sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in built.cells if "nbgrader" in c.metadata}
    assert "return 1 + 2 * x" in sources["twice"] and "return 0 + sum(xs)" in sources["total"]
    assert bundle.fixture.expect == {"lose": ["twice"]}


def test_each_member_is_judged_on_its_own_region():
    nb = notebook()
    fxs = [fixture("twice-wrong", "twice", "return 1 +"), fixture("total-wrong", "total", "return 1 +")]
    (bundle,) = F.bundles(fxs, nb)
    tests = ["twice_test", "square_test", "total_test"]
    both = Result("b", "graded", failed_tests=["twice_test", "total_test"])
    for fx in fxs:
        assert F.check(fx, bundle.view(fx, both), tests) == []
    # total's answer slipped through: twice-wrong is still fine, total-wrong is caught
    only_twice = Result("b", "graded", failed_tests=["twice_test"])
    assert F.check(fxs[0], bundle.view(fxs[0], only_twice), tests) == []
    assert F.check(fxs[1], bundle.view(fxs[1], only_twice), tests)
    # a failure outside every member's region is a failure for each of them
    stray = Result("b", "graded", failed_tests=["twice_test", "total_test", "square_test"])
    assert all(F.check(fx, bundle.view(fx, stray), tests) for fx in fxs)


def test_fixtures_that_do_more_than_replace_answers_stay_alone():
    odd = [
        F.Fixture("blank", {"score": 0}, blank=True),
        F.Fixture("flagged", {"flag": "x"}, edits={"twice": []}),
        F.Fixture("mutated", {"lose": ["twice"]}, edits={"twice": []}, mutate=lambda nb: None),
    ]
    assert F.bundles(odd, notebook()) == []
    # a flag that names the fixture's own re-check case cannot come from another member: it may share
    own = F.Fixture(
        "own-flag", {"lose": ["twice"], "flag": "twice_0: the exercise's rule was broken"}, edits={"twice": []}
    )
    other = F.Fixture("other", {"lose": ["square"]}, edits={"square": []})
    assert [sorted(m.name for m in b.members) for b in F.bundles([own, other], notebook())] == [["other", "own-flag"]]


def test_exercises_no_member_needs_are_left_unanswered_and_not_judged():
    """A bundle answers only what its members' tests need: an answer cell that nothing they read
    comes from (directly, or through a test cell run after it) is left unanswered, and the tests
    that read it are not judged. Those exercises were judged with the instructor's answers in the
    solution's submission."""
    nb = notebook()
    (alone,) = F.bundles([fixture("twice-wrong", "twice", "return 1 +")], nb)
    assert alone.idle == ("square", "total") and alone.unjudged == ("square_test", "total_test")
    built = nbformat.reads(F.build(alone.fixture, nb, nb), 4)
    sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in built.cells if "nbgrader" in c.metadata}
    assert sources["square"] == sources["total"] == F.IDLE_ANSWER
    assert "return 1 + 2 * x" in sources["twice"]
    tests = ["twice_test", "square_test", "total_test"]
    unanswered = Result("b", "graded", failed_tests=["twice_test", "square_test", "total_test"])
    assert F.check(alone.fixture, unanswered, tests) == []
    assert F.check(alone.members[0], alone.view(alone.members[0], unanswered), tests) == []
    # the member's own exercise is still judged: an answer that slipped through is caught
    assert F.check(alone.fixture, Result("b", "graded", failed_tests=["square_test"]), tests)
    # total's test reads `data`, which square's test makes from square: both stay answered
    (total,) = F.bundles([fixture("total-wrong", "total", "return 1 +")], nb)
    assert total.idle == ("twice",) and total.unjudged == ("twice_test",)
    stray = Result("b", "graded", failed_tests=["total_test", "square_test"])
    assert F.check(total.fixture, stray, tests)
