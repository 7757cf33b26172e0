"""Problem sets are well formed, and release/ is exactly what nbgrader makes of source/."""

import ast
import re
import shutil

import nbformat
import pytest

from autograder.authoring import fixtures as F
from autograder.authoring.release import release
from autograder.course.folder import REPO, assignments
from autograder.course.leakscan import hidden_test_lines, secret_lines
from autograder.course.problemsets import INSTRUCTOR_ONLY
from autograder.grading.recheck import load_cases
from quiz_cells import KEY_CALL, graded_quiz, is_test, source_nb
from rnnlab.quiz import load_quiz

ASSIGNMENTS = assignments()


def release_path(a):
    return REPO / "release" / a / f"{a}.ipynb"


def graded_cells(nb):
    return [c for c in nb.cells if "nbgrader" in c.metadata]


def code_exercises(nb):
    """Solution code cells other than the quiz answers."""
    return [
        c.metadata.nbgrader["grade_id"]
        for c in nb.cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("solution")
        and c.metadata.nbgrader["grade_id"] != "quiz"
    ]


def test_every_chapter_problem_set_is_found():
    assert "ps03_lstm_gates" in ASSIGNMENTS
    for a in ASSIGNMENTS:
        assert re.fullmatch(r"ps\d\d_[a-z0-9_]+", a)
        assert release_path(a).exists(), f"{a}: run make assignments"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """Every assignment generated afresh, the way `make assignments` does it."""
    course = F.make_course(tmp_path_factory.mktemp("regenerated"), ASSIGNMENTS)
    release(ASSIGNMENTS, course, log=lambda *a: None)
    return course


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_regenerating_release_changes_nothing(a, regenerated):
    fresh = (regenerated / "release" / a / f"{a}.ipynb").read_text()
    assert fresh == release_path(a).read_text(), f"release/{a} is stale: run make assignments"


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_release_gets_nothing_of_the_instructors_folder(a, regenerated):
    """A problem set's folder holds the instructor's files beside the notebook (mutants, the
    catalogue, the re-check...); nbgrader releases none of them, and release/ is what it writes."""
    assert [name for name in INSTRUCTOR_ONLY if (REPO / "source" / a / name).exists()], "nothing to keep back?"
    files = {
        folder: sorted(
            p.relative_to(folder / "release" / a).as_posix() for p in (folder / "release" / a).rglob("*") if p.is_file()
        )
        for folder in (regenerated, REPO)
    }
    assert files[regenerated] == files[REPO], f"release/{a} is stale: run make assignments"
    assert not [f for f in files[REPO] if f.split("/")[0] in INSTRUCTOR_ONLY], files[REPO]


def test_nbgrader_releases_none_of_the_instructors_names():
    from autograder.course.folder import course_config

    assert set(INSTRUCTOR_ONLY) <= set(course_config().CourseDirectory.ignore)


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_release_holds_no_solution_and_no_hidden_test(a):
    text = release_path(a).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    release = nbformat.read(release_path(a), 4)
    body = "\n".join(c.source for c in release.cells)
    leaked = [line for line in hidden_test_lines(source_nb(a)) if line in body]
    assert not leaked, leaked
    leaked = [line for line in secret_lines(source_nb(a), "SOLUTION") if line in body]
    assert not leaked, f"solution lines in release: {leaked[:3]}"
    assert all(not c.get("outputs") for c in release.cells if c.cell_type == "code")


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_metadata_is_valid(a):
    nb = source_nb(a)
    nbformat.validate(nb)
    cells = graded_cells(nb)
    ids = [c.metadata.nbgrader["grade_id"] for c in cells]
    assert len(ids) == len(set(ids)), "grade ids must be unique"
    assert len({c["id"] for c in nb.cells}) == len(nb.cells)
    for cell in cells:
        m = cell.metadata.nbgrader
        where = f"{a}:{m['grade_id']}"
        assert m["schema_version"] == 3, where
        assert re.fullmatch(r"[a-z0-9_]+", m["grade_id"]), where
        if m.get("grade"):
            assert float(m["points"]) > 0, where
        if m.get("solution"):
            assert not m.get("locked"), where
        if is_test(cell):
            assert m.get("locked"), f"{where}: test cells must be locked"
    explain = [
        c
        for c in cells
        if c.cell_type == "markdown" and c.metadata.nbgrader.get("solution") and c.metadata.nbgrader.get("grade")
    ]
    assert explain, f"{a} needs an 'explain' answer graded by hand"
    assert nb.cells[1].metadata.get("nbgrader", {}).get("locked"), "the setup cell comes first and is locked"


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_each_exercise_has_visible_and_hidden_tests(a):
    nb = source_nb(a)
    # the quiz's visible check (quiz_format) is locked and carries no points: right answers score
    tests = [c for c in nb.cells if is_test(c) or c.metadata.get("nbgrader", {}).get("grade_id") == "quiz_format"]
    for ex in code_exercises(nb) + ["quiz"]:
        mine = [c for c in tests if c.metadata.nbgrader["grade_id"].startswith(ex + "_")]
        visible = [c for c in mine if "BEGIN HIDDEN TESTS" not in c.source]
        hidden = [c for c in mine if "BEGIN HIDDEN TESTS" in c.source]
        assert visible and hidden, f"{a}:{ex} needs a visible and a hidden test cell"


def _last_statement_is_bare_expression(source: str) -> bool:
    lines = [l for l in source.splitlines() if not l.strip().startswith(("###", "%"))]
    body = ast.parse("\n".join(lines)).body
    if not body or not isinstance(body[-1], ast.Expr):
        return False
    value = body[-1].value
    # print(...) and the rnnlab.checks helpers return None; any other value may be read as a score
    name = getattr(getattr(value, "func", None), "id", "")
    return not (isinstance(value, ast.Call) and (name == "print" or name.startswith("check_")))


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_no_test_cell_ends_in_a_bare_expression(a):
    for version in (source_nb(a), nbformat.read(release_path(a), 4)):
        for cell in version.cells:
            if is_test(cell) and cell.source.strip():
                assert not _last_statement_is_bare_expression(cell.source), (
                    f"{cell.metadata.nbgrader['grade_id']} ends in an expression nbgrader would read as a score"
                )


def test_the_bare_expression_check_can_fail():
    assert _last_statement_is_bare_expression("x = 1\nx == 1")
    assert _last_statement_is_bare_expression("check(x)")
    assert _last_statement_is_bare_expression("score(x)")
    assert not _last_statement_is_bare_expression("assert x\nprint('ok')")
    assert not _last_statement_is_bare_expression("check_close('h', h, ref)")


def test_check_helpers_return_none():
    import torch

    from rnnlab import checks

    t = torch.ones(2)
    assert checks.check_tensor("t", t, (2,)) is None
    assert checks.check_close("t", t, t) is None
    assert checks.check_shape("t", t, (2,)) is None
    assert checks.check_equal("n", 1, 1) is None
    assert checks.check_choices({"q1": "a"}, {"q1": "ab"}) is None
    assert checks.check_choice({"q1": "a"}, "q1", "a") is None


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_wrong_and_right_solutions_exist_for_every_exercise(a):
    nb = source_nb(a)
    mutants, alternatives = F.fixtures_for(a, "mutants"), F.fixtures_for(a, "alternatives")
    for ex in code_exercises(nb):
        assert sum(ex in fx.cells or ex in fx.edits for fx in mutants) >= 4, f"{a}:{ex} needs four wrong solutions"
        assert any(ex in fx.cells for fx in alternatives), f"{a}:{ex} needs a correct alternative"
        for fx in mutants:
            if ex in fx.cells or ex in fx.edits:
                assert fx.expect.get("lose"), f"{fx.name} must say which exercise loses points"


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_every_code_exercise_has_a_library_copy_that_must_lose_it(a):
    """Issue 78 §2, guard 1: for every code exercise, a copies/ fixture answers with the source of the
    student package's nearest function or class (LIBRARY: its dotted name -> the exercise's name, read
    with inspect.getsource on every run, pasted, not called) and expects that exercise to lose points;
    tests/autograder/grading/test_grading.py grades it."""
    nb = source_nb(a)
    library = [fx for fx in F.fixtures_for(a, "copies") if fx.library]
    for fx in library:
        assert not fx.copy, f"{fx.name}: a fixture pastes lecture code (COPY) or package code (LIBRARY), not both"
        assert all(dotted.startswith("rnnlab.") for dotted in fx.library), f"{fx.name}: LIBRARY names rnnlab's code"
        for dotted, name in fx.library.items():
            pasted = F.library_source(dotted, name)
            assert any(pasted in text for text in fx.cells.values()), f"{fx.name}: no answer holds {dotted}'s source"
            assert re.search(rf"^(def|class) {name}\b", pasted, re.M), f"{fx.name}: {dotted} is not renamed {name}"
        assert fx.expect.get("lose") and not fx.expect.get("full"), f"{fx.name}: a library copy must lose points"
    for ex in code_exercises(nb):
        mine = [fx for fx in library if ex in fx.cells]
        assert mine, f"{a}:{ex} has no library copy (copies/{ex}_library_copy.py: the package's nearest code)"
        for fx in mine:
            assert fx.expect["lose"] == [ex], f"{fx.name} should expect {ex} to lose points, not {fx.expect['lose']}"


def _package_names() -> dict[str, str]:
    """Every name the student package defines (a function or class at any depth, a module-level
    variable) -> the first file that defines it, read with ast (the package is not imported)."""
    found = {}
    for path in sorted((REPO / "rnnlab").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        names += [
            t.id
            for n in tree.body
            if isinstance(n, (ast.Assign, ast.AnnAssign))
            for target in (n.targets if isinstance(n, ast.Assign) else [n.target])
            for t in ast.walk(target)
            if isinstance(t, ast.Name)
        ]
        for name in names:
            found.setdefault(name, str(path.relative_to(REPO)))
    return found


PACKAGE_NAMES = _package_names()
ANSWER_CELLS = [(a, ex) for a in ASSIGNMENTS for ex in code_exercises(source_nb(a))]


@pytest.mark.parametrize("a, ex", ANSWER_CELLS)
def test_no_answer_defines_a_name_the_student_package_defines(a, ex):
    """Issue 78 §2, guard 2: a graded answer's functions and classes (top level of its solution cell)
    have names that rnnlab defines nowhere: a shared name is an answer a student reads with `name??`
    (rnnlab.metrics.confusion_counts was ps08's answer, signature and dict alike)."""
    cell = next(c for c in source_nb(a).cells if c.metadata.get("nbgrader", {}).get("grade_id") == ex)
    tree = ast.parse(F.solution_source(cell))
    defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    shared = {name: PACKAGE_NAMES[name] for name in defined if name in PACKAGE_NAMES}
    assert not shared, f"{a}:{ex} defines what the student package defines: {shared}"


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_every_code_exercise_has_a_lecture_copy_that_must_lose_it(a):
    """Issue 18's copy detector: for every code exercise, a copies/ fixture answers with the
    nearest lecture code (a cell of the lecture, read afresh, in the exercise's signature), and
    expects that exercise to lose points; tests/autograder/grading/test_grading.py grades it like any submission."""
    nb = source_nb(a)
    copies = [fx for fx in F.fixtures_for(a, "copies") if not fx.library]
    for fx in copies:
        assert fx.copy and {"lecture", "find"} <= set(fx.copy) <= {"lecture", "find", "definitions", "imports_only"}, (
            f"{fx.name}: a copy names its lecture cell in COPY"
        )
        lecture = F.lecture_cell(fx.copy["lecture"], fx.copy["find"], fx.copy.get("definitions", False))
        if fx.copy.get("imports_only"):
            lecture = F.imports_of(lecture)
        assert any(lecture in text for text in fx.cells.values()), f"{fx.name}: no answer holds the lecture cell"
        assert not fx.expect.get("full") and fx.expect.get("lose"), f"{fx.name}: a copy must lose points"
    for ex in code_exercises(nb):
        mine = [fx for fx in copies if ex in fx.cells]
        assert mine, f"{a}:{ex} has no copies/ fixture (the nearest lecture code wrapped into its signature)"
        for fx in mine:
            assert all(p == ex or p.startswith(ex + "_") for p in fx.expect["lose"]), (
                f"{fx.name} should expect {ex} (or one of its test cells) to lose points, not {fx.expect['lose']}"
            )


def _plain(text):
    return " ".join(re.sub(r"[`*_]", "", text).lower().split())


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_graded_quiz_asks_new_questions_whose_keys_only_hidden_tests_hold(a):
    import difflib

    nb = source_nb(a)
    questions = graded_quiz(nb)
    assert questions, f"{a} has no graded quiz: a locked markdown cell quiz_questions (docs/authoring.md)"
    assert len(questions) >= 3, f"{a}: a graded quiz of at least three questions"
    for qid, (text, letters) in questions.items():
        assert len(letters) >= 3 and letters == "abcdefgh"[: len(letters)], f"{a}:{qid} choices (a), (b), (c)..."
    # new questions on the chapter's ideas: none is (nearly) a question of the lecture quiz
    lecture = [_plain(q.text) for q in load_quiz(a[2:4]).questions]
    for qid, (text, _) in questions.items():
        near = max(difflib.SequenceMatcher(None, _plain(text), old).ratio() for old in lecture)
        assert near < 0.75, f"{a}:{qid} is the lecture quiz's question again ({near:.2f} alike)"
    # keys: one hidden check per question, and the solution's dict agrees with them
    keys = {}
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id", "")
        if is_test(c) and re.fullmatch(r"quiz_q\d+", gid):
            hidden = c.source.split("### BEGIN HIDDEN TESTS", 1)[-1].split("### END HIDDEN TESTS")[0]
            calls = KEY_CALL.findall(hidden)
            assert len(calls) == 1 and calls[0][0] == gid[5:], f"{a}:{gid} checks its question in hidden tests"
            assert KEY_CALL.findall(c.source) == calls, f"{a}:{gid}: the key must sit inside the hidden tests"
            keys[calls[0][0]] = calls[0][1]
    assert sorted(keys) == sorted(questions), f"{a}: one graded cell per question"
    assert all(keys[q] in questions[q][1] for q in keys)
    answer_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "quiz")
    solution = {}
    exec(F.solution_source(answer_cell), {}, solution)
    assert solution["quiz_answers"] == keys
    released = next(
        c for c in nbformat.read(release_path(a), 4).cells if c.metadata.get("nbgrader", {}).get("grade_id") == "quiz"
    )
    template = {}  # the template dict; nbgrader's stub (raise NotImplementedError) follows it
    exec(released.source.split("# YOUR CODE HERE")[0], {}, template)
    assert set(template["quiz_answers"]) == set(keys) and not any(template["quiz_answers"].values())
    fmt = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "quiz_format")
    assert fmt.metadata.nbgrader.get("locked") and not fmt.metadata.nbgrader.get("grade"), (
        f"{a}: quiz_format is a locked check worth no points (valid letters earn nothing)"
    )
    letters = ast.literal_eval(re.search(r"check_choices\(quiz_answers, (\{.*?\})\)", fmt.source, re.S).group(1))
    assert letters == {q: l for q, (_, l) in questions.items()}, f"{a}: quiz_format checks the questions' letters"
    # a fifth of the automatic points at most
    points = {c.metadata.nbgrader["grade_id"]: float(c.metadata.nbgrader["points"]) for c in nb.cells if is_test(c)}
    quiz = sum(p for g, p in points.items() if g.startswith("quiz"))
    assert quiz <= sum(points.values()) / 5, f"{a}: the quiz is {quiz:g} of {sum(points.values()):g} points"


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_recheck_cases_cover_every_exercise(a):
    nb = source_nb(a)
    cases = load_cases(a)
    protected = {t for c in cases for t in c.tests}
    for ex in code_exercises(nb):
        assert any(t.startswith(ex + "_") for t in protected), f"{a}:{ex} has no re-check case"
    tests = {c.metadata.nbgrader["grade_id"] for c in nb.cells if is_test(c)}
    assert protected <= tests, protected - tests
    # one record of the quiz keys: the re-checks expect what the hidden tests check
    keys = {
        c.metadata.nbgrader["grade_id"]: KEY_CALL.findall(c.source)[0][1]
        for c in nb.cells
        if is_test(c) and re.fullmatch(r"quiz_q\d+", c.metadata.nbgrader["grade_id"])
    }
    assert {c.name: c.expected for c in cases if c.name.startswith("quiz_")} == keys, f"{a}: re-check keys"


def _rules_of_the_tests(nb):
    """What the problem set's test cells forbid, as the kernel's watch sees it: {(test grade id,
    the student's function): the code objects forbid_calls watches}, and the test ids that call
    without_autograd. Each cell's forbid_calls arguments are evaluated after the cell's own
    imports and the assignments they name (`_OFF_LIMITS = (...)`), the tests' own aliases."""
    import torch

    from rnnlab.checks import _innermost_code

    forbidden, no_autograd = {}, set()
    for cell in nb.cells:
        if not is_test(cell):
            continue
        gid = cell.metadata.nbgrader["grade_id"]
        tree = ast.parse(cell.source)
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
        rules = [c for c in calls if c.func.id == "forbid_calls"]
        if any(c.func.id == "without_autograd" for c in calls):
            no_autograd.add(gid)
        if not rules:
            continue
        used = {n.id for c in rules for a in c.args[1:] for n in ast.walk(a) if isinstance(n, ast.Name)}
        scope = {"torch": torch, "nn": torch.nn}
        for stmt in tree.body:
            if (
                isinstance(stmt, (ast.Import, ast.ImportFrom))
                or isinstance(stmt, ast.Assign)
                and all(isinstance(t, ast.Name) and t.id in used for t in stmt.targets)
            ):
                exec(compile(ast.Module([stmt], []), gid, "exec"), scope)
        for c in rules:
            functions = []
            for arg in c.args[1:]:
                value = eval(
                    compile(ast.Expression(arg.value if isinstance(arg, ast.Starred) else arg), gid, "eval"), scope
                )
                functions += list(value) if isinstance(arg, ast.Starred) else [value]
            key = (gid, ast.literal_eval(c.args[0]))
            forbidden.setdefault(key, set()).update(_innermost_code(f) for f in functions)
    return forbidden, no_autograd


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_recheck_rules_are_the_tests_rules(a):
    """Issue 29: the re-check process judges each exercise's "without X" rules itself (the tests'
    watch in the kernel can be switched off). Every case that calls a student's function guarded
    by forbid_calls in one of the case's test cells forbids exactly what those tests forbid (its
    dotted names resolved as the re-check process resolves them), every rule of the tests is kept
    by some case, and a case runs without autograd exactly when one of its tests does."""
    from autograder.grading.recheck.runner import _resolve

    forbidden, no_autograd = _rules_of_the_tests(source_nb(a))
    kept = set()
    for case in load_cases(a):
        want = set()
        for (gid, name), codes in forbidden.items():
            if gid in case.tests and re.search(rf"\b{name}\(", case.code):
                want |= codes
                kept.add((gid, name))
        got = {_resolve(f) for f in case.forbid}
        assert got == want, (
            f"{a}:{case.name} forbids {sorted(c.co_qualname for c in got)}, its tests "
            f"{sorted(c.co_qualname for c in want)}"
        )
        assert case.autograd == (not no_autograd & set(case.tests)), f"{a}:{case.name}: autograd={case.autograd}"
    assert kept == set(forbidden), f"{a}: rules no re-check case keeps: {sorted(set(forbidden) - kept)}"


def test_the_tests_rules_are_read_through_their_aliases():
    nb = nbformat.v4.new_notebook()
    test = nbformat.v4.new_code_cell(
        "from rnnlab import gates as _g\n_OFF = (_g.lstm_step,)\n"
        "with forbid_calls('f', *_OFF, _g.lstm_gates):\n    f(1)\n"
        "with without_autograd():\n    g(2)"
    )
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "f_hidden", "points": 1}
    nb.cells.append(test)
    forbidden, no_autograd = _rules_of_the_tests(nb)
    from rnnlab import gates
    from rnnlab.checks import _innermost_code

    # lstm_gates runs under torch.no_grad: the code watched is the function's own, not the wrapper's
    assert forbidden == {("f_hidden", "f"): {gates.lstm_step.__code__, _innermost_code(gates.lstm_gates)}}
    assert _innermost_code(gates.lstm_gates).co_name == "lstm_gates"
    assert no_autograd == {"f_hidden"}


def test_graded_quiz_keys_come_from_the_course_being_graded(tmp_path):
    # `grade --course DIR` (an instructor's course folder on a hub) reads DIR's keys, not those of
    # the repository the package happens to be imported from (a hub's servers have none)
    a = "ps03_lstm_gates"
    nb = source_nb(a)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "quiz_q1")
    key = re.search(r'check_choice\(quiz_answers, "q1", "([a-z])"\)', cell.source).group(1)
    other = "a" if key != "a" else "b"
    cell.source = cell.source.replace(f'"q1", "{key}")', f'"q1", "{other}")')
    (tmp_path / "source" / a).mkdir(parents=True)
    nbformat.write(nb, tmp_path / "source" / a / f"{a}.ipynb")
    shutil.copy(REPO / "source" / a / "recheck.py", tmp_path / "source" / a / "recheck.py")
    expected = {c.name: c.expected for c in load_cases(a, tmp_path) if c.name.startswith("quiz_")}
    assert expected["quiz_q1"] == other
    assert {c.name: c.expected for c in load_cases(a) if c.name.startswith("quiz_")}["quiz_q1"] == key


def test_copy_fixtures_read_the_lecture_cell_they_name(tmp_path):
    cell = F.lecture_cell("03_lstm_gates", "import torch")  # any one-cell marker of lecture 03
    assert "import torch" in cell
    with pytest.raises(ValueError, match="exactly one"):
        F.lecture_cell("03_lstm_gates", "no lecture cell holds this text")
    copy_ = tmp_path / "copy_x.py"
    copy_.write_text(
        'COPY = {"lecture": "03_lstm_gates", "find": "import torch"}\n'
        'CELLS = {"ex": "{lecture}\\nanswer = 1"}\nEXPECT = {"lose": ["ex"]}\n'
    )
    fx = F.load(copy_)
    assert fx.cells["ex"].startswith(cell) and fx.cells["ex"].endswith("answer = 1")
    copy_.write_text(
        'COPY = {"lecture": "03_lstm_gates", "find": "import torch"}\n'
        'CELLS = {"ex": "answer = 1"}\nEXPECT = {"lose": ["ex"]}\n'
    )
    with pytest.raises(ValueError, match="no CELLS answer"):
        F.load(copy_)
    # definitions only: the class of lecture 04's model cell without the lines that use it
    model = F.lecture_cell("04_using_lstm", "class SpamClassifier(nn.Module):", definitions=True)
    assert model.startswith("class SpamClassifier(nn.Module):") and "print(" not in model
    assert "class SpamClassifier(nn.Module):" in F.lecture_cell("04_using_lstm", "class SpamClassifier(nn.Module):")
    with pytest.raises(ValueError, match="defines no function"):
        F.lecture_cell("03_lstm_gates", "import torch", definitions=True)


def test_a_copy_may_take_only_the_lecture_cells_imports(tmp_path):
    assert (
        F.imports_of("import torch\nx = 1\nfrom a import (b,\n    c)\nprint(x)")
        == "import torch\nfrom a import (b,\n    c)"
    )
    with pytest.raises(ValueError, match="imports nothing"):
        F.imports_of("x = 1")
    copy_ = tmp_path / "copy_y.py"
    copy_.write_text(
        'COPY = {"lecture": "07_gradient_flow", "find": "from rnnlab.gradients import hidden_grad_norms", '
        '"imports_only": True}\nCELLS = {"ex": "{lecture}"}\nEXPECT = {"lose": ["ex"]}\n'
    )
    fx = F.load(copy_)
    assert "from rnnlab.gradients import hidden_grad_norms, make_layer" in fx.cells["ex"]
    assert "grad_norms = {" not in fx.cells["ex"]


def _code_width() -> int:
    import tomllib

    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]["line-length"]


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_no_line_a_student_reads_runs_past_the_course_width(a):
    """Every line of a code cell as released (setup, the answer cells' stubs, the visible tests) fits
    the width the course's Python keeps, ruff's line-length in pyproject.toml (120). Issue 78's walk
    in JupyterLab found a test line of 128 characters running past the cell's edge (ps11's
    no_step_loop call); a student has to scroll sideways to read a line wider than the editor."""
    width = _code_width()
    long = [
        f"{c.metadata.get('nbgrader', {}).get('grade_id', 'a cell without grade id')}: {len(line)} characters: "
        f"{line.strip()[:60]}..."
        for c in nbformat.read(release_path(a), 4).cells
        if c.cell_type == "code"
        for line in c.source.splitlines()
        if len(line) > width
    ]
    assert not long, f"{a}: wrap these lines of source/{a} at {width} characters: {long}"
