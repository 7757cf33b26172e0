"""Issue 53: the diagnosis measured on answers written blind (source/<set>/heldout/, by authors who
read neither the catalogues nor the hidden tests; autograder/authoring/heldout.py). Every name it
gives them has been judged by a reader, and none sends the student to the wrong place; most wrong
answers are named; right ones never; and no catalogue example copies a held-out answer."""

import pytest

from autograder.authoring import catalogue as C
from autograder.authoring import fixtures as F
from autograder.authoring import heldout as H
from autograder.course.problemsets import problem_set, problem_sets

SETS = [ps.name for ps in problem_sets() if ps.fixtures("heldout").is_dir()]
GOAL = 0.70  # of the wrong answers, the share that must be named


@pytest.fixture(scope="module")
def diagnosed():
    out = {}
    for assignment in SETS:
        answers = H.answers_of(assignment)
        H.diagnose_all(assignment, answers)
        out[assignment] = answers
    return out


def test_every_set_has_ten_wrong_answers_written_blind(diagnosed):
    missing = [ps.name for ps in problem_sets() if ps.name not in SETS]
    assert not missing, f"no held-out answers (heldout/) for {', '.join(missing)}"
    for assignment, answers in diagnosed.items():
        wrong = [a for a in answers if a.wrong]
        assert len(wrong) >= 10, (assignment, len(wrong))
        exercises = set(problem_set(assignment).exercises())
        assert {a.exercise for a in answers} <= exercises, assignment


def test_every_name_is_judged_and_none_is_wrong(diagnosed):
    unjudged, wrong = [], []
    for assignment, answers in diagnosed.items():
        judged = H.verdicts(assignment)
        for a in answers:
            if not a.named:
                continue
            v = judged.get(a.fixture.name, {})
            if v.get("entry") != a.named or v.get("verdict") not in H.VERDICTS:
                unjudged.append(f"{assignment}/{a.fixture.name}: {a.named} ({a.mistake})")
            elif v["verdict"] == "wrong":
                wrong.append(f"{assignment}/{a.fixture.name}: {a.named} ({a.mistake}): {v.get('why', '')}")
    assert not wrong, "named with the wrong story:\n" + "\n".join(wrong)
    assert not unjudged, (
        "named, and nobody has judged the name (add it to the set's heldout/verdicts.toml):\n" + "\n".join(unjudged)
    )


def rewritten(a) -> bool:
    """An answer of the batches written blind for the exercises issue 78 §2 rewrote (b78_*)."""
    return a.fixture.name.startswith("b78_")


def _named_share(diagnosed, keep) -> tuple[int, int]:
    wrong = [a for answers in diagnosed.values() for a in answers if a.wrong and keep(a)]
    return sum(1 for a in wrong if a.named), len(wrong)


def test_most_wrong_answers_are_named_and_right_ones_never(diagnosed):
    named, wrong = _named_share(diagnosed, lambda a: not rewritten(a))
    assert named >= GOAL * wrong, f"{named} of {wrong} wrong answers named"
    right_named = [
        f"{a.assignment}/{a.fixture.name}: {a.named}"
        for answers in diagnosed.values()
        for a in answers
        if not a.wrong and a.named
    ]
    assert not right_named, right_named


@pytest.mark.xfail(
    strict=True,
    reason="issue 78 §2: the diagnosis names 46 of the 82 wrong answers written blind for the rewritten "
    "exercises (56%): their catalogues and probes were written with the exercises and are not yet widened; "
    "this fails as soon as they reach the goal, and then joins the test above",
)
def test_most_wrong_answers_to_the_rewritten_exercises_are_named(diagnosed):
    named, wrong = _named_share(diagnosed, rewritten)
    assert named >= GOAL * wrong, f"{named} of {wrong} wrong answers to the rewritten exercises named"


def _normal(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip().splitlines() if line.strip())


@pytest.mark.parametrize("assignment", SETS)
def test_no_catalogue_example_copies_a_heldout_answer(assignment):
    source_nb = C.source_notebook(assignment)
    held = {(a.exercise, _normal(a.fixture.cells[a.exercise])): a.fixture.name for a in H.answers_of(assignment)}
    for kind in ("mutants", "alternatives"):
        for fx in F.fixtures_for(assignment, kind):
            for exercise, code in F.answers(fx, source_nb).items():
                found = held.get((exercise, _normal(code)))
                assert found is None, f"{kind}/{fx.name} is the held-out answer {found}"


def test_a_judged_wrong_name_fails(diagnosed, monkeypatch):
    """The check above can fail: judge one named answer wrong and it does."""
    assignment, a = next((s, a) for s, answers in diagnosed.items() for a in answers if a.named)
    real = H.verdicts
    monkeypatch.setattr(
        H,
        "verdicts",
        lambda s: {**real(s), a.fixture.name: {"entry": a.named, "verdict": "wrong"}} if s == assignment else real(s),
    )
    with pytest.raises(AssertionError, match="wrong story"):
        test_every_name_is_judged_and_none_is_wrong(diagnosed)
