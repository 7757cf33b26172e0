"""Hidden tests reach the inputs a careful tester tries (issue 28).

Each code exercise of every problem set declares in its folder's exercises.toml which classes of
input its hidden tests must reach, and the hidden test cells of that exercise must use the shared
helper of each class (`rnnlab.checks`): a new exercise cannot land without saying which apply.
Each class also has a wrong solution among the fixtures (`INPUT_CLASS = ...`) that the hidden
tests of that class catch, and `tests/autograder/grading/test_grading.py` grades it: it must lose its exercise, for
the reason the class gives.

And every hidden test cell runs on its own: it reads no name that only another hidden cell
defines (a cell that did would fail, or pass, depending on what the grader ran before it).
"""

import builtins
import inspect
import re
import symtable

import nbformat
import pytest
import torch

from autograder.authoring import catalogue as C
from autograder.authoring import fixtures as F
from autograder.course.folder import REPO, assignments
from autograder.course.problemsets import problem_sets

ASSIGNMENTS = assignments()

# What each class asks of an exercise's hidden cells, and how a reader of the cells sees it.
MARKERS = {
    "unchanged": ("every call leaves its arguments as they were", lambda src: "inputs_unchanged(" in src),
    "size_one": ("each size-1 dimension, the others larger", lambda src: "size_one_cases(" in src),
    "float64": (
        "a float64 case, the result's dtype compared",
        lambda src: ("float64" in src or ".double()" in src) and "check_close(" in src,
    ),
    "keyword": ("the constructor called positionally and by keyword", lambda src: "both_calls(" in src),
    "input_grads": ("gradients with respect to the inputs", lambda src: "check_input_grads(" in src),
    "ties": ("tied values where it ranks, prunes, thresholds or samples", lambda src: re.search(r"#.*\bties?\b", src)),
    "pad_eos": (
        "padding and end-of-sequence ids inside predictions",
        lambda src: re.search(r"#.*\bpad\b.*\beos\b", src),
    ),
}
# classes with no marker: a wrong solution in the fixtures shows the hidden tests reach them
FIXTURE_ONLY = {"batch": "a comparison over every element of a batch, not one"}

# Each problem set declares, in its folder's exercises.toml, the classes of input each code exercise's
# hidden tests reach (exercises whose arguments are numbers only, `arguments = "numbers"`, have
# nothing to change or shrink), and which exercises change an argument on purpose (the spec says so).
EXERCISES = {ps.name: ps.exercises() for ps in problem_sets()}
CLASSES = {a: {ex: set(spec.get("input_classes", [])) for ex, spec in table.items()} for a, table in EXERCISES.items()}
CHANGES_BY_DESIGN = {
    ex: spec["changes_arguments"]
    for table in EXERCISES.values()
    for ex, spec in table.items()
    if "changes_arguments" in spec
}


# what every problem set's introduction tells students about the classes above
RULE = (
    "Unless an exercise says otherwise, your functions leave their arguments as they were (work on "
    "copies, not on the tensors, lists or models they are given) and return tensors in the dtype of "
    "their inputs: the graded tests pass float32 and float64 data, and any size may be 1."
)


def _nb(a):
    return nbformat.read(REPO / "source" / a / f"{a}.ipynb", 4)


def _code_exercises(nb):
    return [
        c.metadata.nbgrader["grade_id"]
        for c in nb.cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("solution")
        and c.metadata.nbgrader["grade_id"] != "quiz"
    ]


def _is_hidden(cell):
    return cell.cell_type == "code" and "### BEGIN HIDDEN TESTS" in cell.source


def _hidden_source(nb, exercise):
    return "\n".join(
        c.source
        for c in nb.cells
        if _is_hidden(c) and c.metadata.get("nbgrader", {}).get("grade_id", "").startswith(exercise + "_")
    )


def _missing_classes(nb, table):
    problems = []
    for exercise, classes in table.items():
        source = _hidden_source(nb, exercise)
        for name in sorted(classes):
            if name in MARKERS and not MARKERS[name][1](source):
                problems.append(f"{exercise}: no hidden test reaches {name} ({MARKERS[name][0]})")
    return problems


def test_every_code_exercise_declares_its_input_classes():
    assert all(CLASSES[a] for a in ASSIGNMENTS), "a problem set without exercises.toml"
    for a in ASSIGNMENTS:
        nb = _nb(a)
        assert set(CLASSES[a]) == set(_code_exercises(nb)), (
            f"{a}: exercises.toml should list exactly its code exercises"
        )
        for exercise, classes in CLASSES[a].items():
            assert classes <= set(MARKERS), f"{a}:{exercise}: unknown classes {classes - set(MARKERS)}"
            solution = next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == exercise)
            if re.search(r"^class \w+\(", solution, re.M):
                assert "keyword" in classes, f"{a}:{exercise} defines a class: call it positionally and by keyword"
            takes_data = EXERCISES[a][exercise].get("arguments") != "numbers"
            if takes_data and exercise not in CHANGES_BY_DESIGN:
                assert "unchanged" in classes, f"{a}:{exercise}: check that the inputs are unchanged"


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_the_problem_set_says_what_its_hidden_tests_try(a):
    """A hidden test may not demand what the text never asks: unchanged arguments, the inputs'
    dtype and size-1 dimensions are promised in the introduction of every problem set."""
    intro = " ".join(line.lstrip("- ").strip() for line in _nb(a).cells[0].source.splitlines())
    assert RULE in intro, f"{a}: the introduction should say: {RULE}"


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_hidden_tests_reach_the_declared_input_classes(a):
    problems = _missing_classes(_nb(a), CLASSES[a])
    assert not problems, "\n".join(problems)


def test_the_class_check_sees_a_missing_class():
    nb = _nb("ps09_language_models")
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "sample_tokens_hidden":
            cell.source = re.sub(r"#.*\bties\b.*", "", cell.source)
    assert _missing_classes(nb, {"sample_tokens": {"ties"}}) == [
        "sample_tokens: no hidden test reaches ties (tied values where it ranks, prunes, thresholds or samples)"
    ]


def test_each_class_has_a_wrong_solution_that_only_it_catches():
    found = {}
    for a in ASSIGNMENTS:
        for fx in F.fixtures_for(a, "mutants"):
            if fx.input_class:
                assert fx.input_class in set(MARKERS) | set(FIXTURE_ONLY), f"{fx.name}: unknown class {fx.input_class}"
                assert fx.expect.get("lose") and fx.expect.get("output_has"), (
                    f"{fx.name}: a class fixture loses its exercise, with the message that class gives (output_has)"
                )
                found.setdefault(fx.input_class, []).append(fx.name)
    missing = sorted((set(MARKERS) | set(FIXTURE_ONLY)) - set(found))
    assert not missing, f"no wrong solution in the fixtures of source/ for the classes {missing}"


def _free_names(source):
    """Names a cell reads that it does not define itself (builtins excluded)."""
    top = symtable.symtable(source, "cell", "exec")
    defined = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    free = {s.get_name() for s in top.get_symbols() if s.is_referenced() and s.get_name() not in defined}

    def walk(table):
        for child in table.get_children():
            free.update(
                s.get_name()
                for s in child.get_symbols()
                if s.is_referenced() and s.is_global() and s.get_name() not in defined
            )
            walk(child)

    walk(top)
    return free - set(dir(builtins))


def _defined_names(source):
    top = symtable.symtable(source, "cell", "exec")
    return {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}


def _hidden_cells_lean_on_each_other(nb):
    problems, visible = [], set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if _is_hidden(cell):
            other = _free_names(cell.source) - visible
            if other:
                problems.append(
                    f"{cell.metadata.nbgrader['grade_id']} reads {sorted(other)}, which no cell but "
                    "a hidden one defines: define or import it in this cell"
                )
        else:
            visible |= _defined_names(cell.source)
    return problems


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_every_hidden_cell_runs_on_its_own(a):
    problems = _hidden_cells_lean_on_each_other(_nb(a))
    assert not problems, "\n".join(problems)


def test_the_running_alone_check_sees_a_name_from_another_hidden_cell():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("import torch\nx = 1"),
            nbformat.v4.new_code_cell(
                "### BEGIN HIDDEN TESTS\nimport random as _random\n### END HIDDEN TESTS",
                metadata={"nbgrader": {"grade_id": "a_hidden"}},
            ),
            nbformat.v4.new_code_cell(
                "### BEGIN HIDDEN TESTS\ndef f():\n    return _random.random() + x + len([])\n### END HIDDEN TESTS",
                metadata={"nbgrader": {"grade_id": "b_hidden"}},
            ),
        ]
    )
    assert _hidden_cells_lean_on_each_other(nb) == [
        "b_hidden reads ['_random'], which no cell but a hidden one defines: define or import it in this cell"
    ]


def _float64(value) -> bool:
    if isinstance(value, torch.Tensor):
        return value.dtype == torch.float64
    if isinstance(value, torch.nn.Module):
        return any(p.dtype == torch.float64 for p in value.parameters())
    if isinstance(value, (list, tuple)):
        return any(_float64(v) for v in value)
    if isinstance(value, dict):
        return any(_float64(v) for v in value.values())
    return False


def float64_paths(nb, exercise: str) -> dict[str, set[str]]:
    """For each optional parameter of the exercise's function, whether the float64 calls its test
    cells make (the visible one, then the hidden ones, on the instructor's answer) leave it out
    (or pass its default) and whether they give it: {"h0": {"given", "left out"}}."""
    names = C.namespace(F.SOLUTION, nb)
    function = names.get(exercise)
    if not inspect.isfunction(function):
        return {}
    signature = inspect.signature(function)
    optional = [p for p in signature.parameters.values() if p.default is not inspect.Parameter.empty]
    seen: dict[str, set[str]] = {p.name: set() for p in optional}

    def recorded(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        if _float64(list(bound.arguments.values())):
            for p in optional:
                value = bound.arguments.get(p.name, p.default)
                seen[p.name].add("left out" if value is None or value is p.default or value == p.default else "given")
        return function(*args, **kwargs)

    names[exercise] = recorded
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type == "code" and gid.startswith(exercise + "_") and not cell.metadata.nbgrader.get("solution"):
            exec(compile(C._python(cell.source), f"<{gid}>", "exec"), names)
    return seen


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_the_float64_class_reaches_every_path(a):
    """Issue 53: a float64 case counts only if it reaches every path: each optional argument (an
    initial state, a flag) both left out and given in some float64 call. An answer whose start
    state is float32 when none is given kept full marks where no float64 call left it out."""
    nb = _nb(a)
    problems = [
        f"{exercise}: no float64 call {'gives' if 'given' not in ways else 'leaves out'} {name}"
        for exercise, classes in CLASSES[a].items()
        if "float64" in classes
        for name, ways in float64_paths(nb, exercise).items()
        if ways != {"given", "left out"}
    ]
    assert not problems, "\n".join(problems)


def test_the_path_check_sees_a_missing_path():
    """The check above can fail: a test cell whose float64 call always gives the state."""

    def cell(source, **nbgrader):
        return nbformat.v4.new_code_cell(source, metadata={"nbgrader": nbgrader})

    nb = nbformat.v4.new_notebook(
        cells=[
            cell("import torch", grade_id="setup"),
            cell("def f(x, h=None):\n    return x if h is None else x + h", grade_id="f", solution=True),
            cell("x = torch.zeros(2, dtype=torch.float64)\nf(x, x)\nf(x.float())", grade_id="f_hidden", grade=True),
        ]
    )
    assert float64_paths(nb, "f") == {"h": {"given"}}
    nb.cells[2].source += "\nf(x)"
    assert float64_paths(nb, "f") == {"h": {"given", "left out"}}
