"""Grading the graders, end to end through nbgrader and the sandboxed pipeline.

For every problem set: the instructor's solution scores full automatic marks, the untouched
release scores 0 without crashing, every known wrong solution loses points on its exercise
(and only there), every correct alternative gets full marks, and every right answer that breaks
its exercise's rule behind the tests' back (attacks/) loses them in the re-check. Feedback never shows hidden
tests, and tracebacks show no code.

Wrong and alternative answers of independent exercises share a submission (see
autograder.authoring.fixtures.bundles), which makes about a third as many submissions as answers; each
answer is still judged on its own exercise's tests, through nbgrader, in the sandbox.

Each submission starts a kernel of its own, as a student's does. `make test` grades, for every set,
the solution, the blank release, every right answer and attack, and one wrong answer per exercise;
the other wrong answers (about half of all submissions) and the library copies are
graded by `make test-more`, which CI runs after `make test` (the classes marked `sweep` below).
"""

import csv
import json
import re

import pytest

from autograder.authoring import fixtures as F
from autograder.course.folder import REPO, assignments
from autograder.course.leakscan import hidden_test_lines
from support import auto_points, notebooks

pytestmark = pytest.mark.grading

ASSIGNMENTS = assignments()


KINDS = ("mutants", "alternatives", "copies", "attacks")


def answers(assignment):
    return [fx for kind in KINDS for fx in F.fixtures_for(assignment, kind)]


def first_wrong_per_exercise(assignment):
    """A wrong answer for each exercise that has any: what `make test` grades of them."""
    covered, first = set(), []
    for fx in F.fixtures_for(assignment, "mutants"):
        touched = set(fx.cells) | set(fx.edits)
        if not touched <= covered:
            first.append(fx)
            covered |= touched
    return first


def later(assignment, fx):
    """A library copy (the package's own source pasted as the answer): `make test-more` grades them, as
    22 more submissions in `make test` cost it about 40 s of CPU (issue 78)."""
    return bool(fx.library)


def split(assignment):
    """The answers `make test` grades (MORE=False) and those `make test-more` grades (MORE=True)."""
    every = answers(assignment)
    now = {fx.name for fx in first_wrong_per_exercise(assignment)}
    now |= {fx.name for fx in every if fx not in F.fixtures_for(assignment, "mutants") and not later(assignment, fx)}
    return {False: [fx for fx in every if fx.name in now], True: [fx for fx in every if fx.name not in now]}


PARTS = {a: split(a) for a in ASSIGNMENTS}
BUNDLES = {
    (a, more): F.bundles(PARTS[a][more], notebooks(a)[1], prefix="more-bundle" if more else "bundle")
    for a in ASSIGNMENTS
    for more in (False, True)
}


def submissions(assignment, more=False):
    packed = {m.name for b in BUNDLES[assignment, more] for m in b.members}
    alone = [fx for fx in PARTS[assignment][more] if fx.name not in packed]
    return ([] if more else [F.SOLUTION, F.BLANK]) + [b.fixture for b in BUNDLES[assignment, more]] + alone


def graded(grade_batch, assignment, more=False):
    label = "fixtures-more" if more else "fixtures"
    batch = grade_batch(assignment, submissions(assignment, more), label, keep_workdir=True)
    keep = REPO / "test-artifacts" / "grading" / f"{assignment}-{label}-bundles.json"
    if not keep.exists():
        bundles = {b.name: [m.name for m in b.members] for b in BUNDLES[assignment, more]}
        keep.write_text(json.dumps(bundles, indent=1))
    return batch


def test_every_answer_is_in_exactly_one_submission():
    for a in ASSIGNMENTS:
        graded_as = []
        for more in (False, True):
            graded_as += [m.name for b in BUNDLES[a, more] for m in b.members]
            graded_as += [fx.name for fx in submissions(a, more) if fx in answers(a)]
        assert sorted(graded_as) == sorted(fx.name for fx in answers(a)), a


def test_make_test_grades_a_wrong_answer_of_every_exercise():
    for a in ASSIGNMENTS:
        wrong = F.fixtures_for(a, "mutants")
        exercises = {ex for fx in wrong for ex in (*fx.cells, *fx.edits)}
        now = {ex for fx in PARTS[a][False] if fx in wrong for ex in (*fx.cells, *fx.edits)}
        assert now == exercises, (a, exercises - now)
        assert not any(fx in PARTS[a][True] for fx in answers(a) if fx not in wrong and not later(a, fx)), a


def pytest_generate_tests(metafunc):
    if "fx" in metafunc.fixturenames:
        cls = metafunc.cls
        cases = ([] if cls.more else [F.SOLUTION, F.BLANK]) + PARTS[cls.assignment][cls.more]
        metafunc.parametrize("fx", cases, ids=[fx.name for fx in cases])


class Graded:
    """The checks of every graded answer of one problem set's batch. One class per problem set and
    part (made below): with `pytest -n 2 --dist loadscope` a class runs in one worker, so each batch
    is graded once."""

    assignment = ""
    more = False

    @pytest.fixture
    def batch(self, grade_batch):
        return graded(grade_batch, self.assignment, self.more)

    def test_fixture_is_graded_as_expected(self, batch, fx):
        bundle = next((b for b in BUNDLES[self.assignment, self.more] if fx.name in b.regions), None)
        if bundle is None:
            result = batch.result(fx)
        else:
            whole = batch.result(bundle.fixture)
            problems = F.check(bundle.fixture, whole, batch.tests, batch.outputs(bundle.fixture))
            assert not problems, f"{bundle.name} {[m.name for m in bundle.members]}: " + "; ".join(problems)
            result = bundle.view(fx, whole)
        problems = F.check(fx, result, batch.tests, batch.outputs(bundle.fixture if bundle else fx))
        assert not problems, f"{fx.name}: " + "; ".join(problems)
        # every answer here is honest, right or wrong, and an attack here breaks a rule only: the
        # feedback scan accuses none of them
        whole = batch.result(bundle.fixture if bundle else fx)
        accused = [f for f in whole.flags if "feedback withheld" in f or "possibly encoded" in f]
        assert not accused, f"{fx.name}: an honest answer's feedback was withheld: {accused}"

    def test_feedback_shows_no_hidden_tests_and_no_code_in_tracebacks(self, batch):
        _, source = notebooks(self.assignment)
        secret = hidden_test_lines(source)
        assert secret, "the problem set should have hidden tests"
        own = [F.student_id(fx) for fx in submissions(self.assignment, self.more)]
        files = [batch.course / "feedback" / s / self.assignment / f"{self.assignment}.html" for s in own]
        assert all(html.exists() for html in files), [html.parent.parent.name for html in files if not html.exists()]
        for html in files:
            text = html.read_text()
            assert "BEGIN HIDDEN TESTS" not in text
            leaked = [line for line in secret if line in text]
            assert not leaked, f"{html.parent.parent.name}: {leaked[:3]}"
            assert "Traceback (most recent call last)" not in text and "Cell In[" not in text

    def test_reports_list_every_student(self, batch):
        reports = batch.course / "reports" / self.assignment
        rows = list(csv.DictReader(open(reports / "grades.csv", encoding="utf-8-sig")))
        assert {r["student_id"] for r in rows} == set(batch.results)
        for row in rows:
            assert float(row["score"]) == batch.results[row["student_id"]].score
        md = (reports / "report.md").read_text()
        assert all(f"| {s} |" in md for s in batch.results)

    def test_mistakes_are_named_as_catalogued(self, batch):
        """Issue 32: the grader names each catalogued wrong solution's mistake, as its own entry,
        in the result and in the feedback (the comment of its answer cell); the solution, the
        right alternatives and the wrong solutions marked `not_diagnosed` are never named."""
        import html

        from autograder.authoring import catalogue as C
        from rnnlab.diagnose import catalogue

        shipped = catalogue(self.assignment)
        entries, skipped = C.entries_of(self.assignment) if self.assignment in C.catalogued() else ([], {})
        named = {m: e for e in entries for m in e["mutants"]}
        if not self.more:
            assert batch.result(F.SOLUTION).diagnoses == {}
        checked = 0
        for fx in PARTS[self.assignment][self.more]:
            bundle = next((b for b in BUNDLES[self.assignment, self.more] if fx.name in b.regions), None)
            submission = bundle.fixture if bundle else fx
            whole = batch.result(submission)
            exercises = set(fx.edits) | set(fx.cells)
            if fx.name in named:
                e = named[fx.name]
                assert whole.diagnoses.get(e["exercise"]) == e["id"], (fx.name, whole.diagnoses)
                page = (
                    batch.course / "feedback" / F.student_id(submission) / self.assignment / f"{self.assignment}.html"
                ).read_text()
                shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
                title = next(x.title for x in shipped[e["exercise"]] if x.id == e["id"])
                assert f"Looks like: {title}." in shown, (fx.name, title)
                checked += 1
            elif fx in F.fixtures_for(self.assignment, "alternatives"):
                ids = {x.id for xs in shipped.values() for x in xs}
                assert not any(whole.diagnoses.get(ex) in ids for ex in exercises), (fx.name, whole.diagnoses)
            elif fx.name in skipped:
                # no story of the set's own; a shared one (rnnlab.diagnose.GENERIC) may name what
                # any answer shows, a dtype error for one
                ids = {x.id for xs in shipped.values() for x in xs if x.rule is None}
                assert not any(whole.diagnoses.get(ex) in ids for ex in exercises), (fx.name, whole.diagnoses)
        assert checked == len(set(named) & {fx.name for fx in PARTS[self.assignment][self.more]})


class GradedProblemSet(Graded):
    """What `make test` grades of a set: the solution, the blank release and the answers of PARTS."""

    def test_solution_full_and_blank_zero(self, batch):
        _, source = notebooks(self.assignment)
        solution, blank = batch.result(F.SOLUTION), batch.result(F.BLANK)
        assert solution.status == "graded" and solution.score == auto_points(source), solution
        assert not solution.flags, solution.flags
        assert blank.status == "graded" and blank.score == 0 and not blank.timeouts, blank
        assert solution.needs_manual, "the explain answer must be left for hand grading"

    def test_feedback_renders_offline_with_the_course_s_formulas(self, batch):
        """The page loads nothing (nbgrader's feedback loaded MathJax from a CDN: a student opening
        it offline saw the formulas' TeX), and the course's formulas are MathML."""
        release, _ = notebooks(self.assignment)
        formulas = sum(len(re.findall(r"\$[^$\n]+\$", c.source)) for c in release.cells if c.cell_type == "markdown")
        text = (batch.course / "feedback" / "solution" / self.assignment / f"{self.assignment}.html").read_text()
        fetched = re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?!data:)[^"]*"', text)
        assert not fetched, fetched
        assert not re.search(r"<script[^>]*(mathjax|x-mathjax-config)", text, re.I)
        assert text.count("<math ") >= min(formulas, 1), (formulas, text.count("<math "))


@pytest.mark.sweep
class MoreWrongAnswers(Graded):
    """The other wrong answers of a set, graded by `make test-more`."""

    more = True


for _a in ASSIGNMENTS:
    globals()[f"Test_{_a}"] = type(f"Test_{_a}", (GradedProblemSet,), {"assignment": _a})
    if PARTS[_a][True]:
        globals()[f"Test_more_{_a}"] = type(f"Test_more_{_a}", (MoreWrongAnswers,), {"assignment": _a})
