"""The grading run is its two lists of steps (autograder.grading.run), and each step keeps to what it
declares it reads and writes of the run's Context: read from its code, so a step that starts to use
another field of the context, or stops using one, fails here until its declaration says so."""

import ast
import dataclasses
import inspect
import textwrap

import pytest

from autograder.grading import run
from autograder.grading.context import Context

STEPS = run.CLASS_STEPS + run.STUDENT_STEPS
FIELDS = {f.name for f in dataclasses.fields(Context)}


def uses(fn, seen=None) -> tuple[set[str], set[str]]:
    """(fields of the context the function reads, fields it writes): `ctx.x = ...`, `ctx.x[k] = ...`,
    `ctx.x.y += ...` and `ctx.x[k].y.append(...)` write x; any other `ctx.x` reads it. A function of
    the same module that it hands `ctx` to counts as its own code."""
    seen = {fn} if seen is None else seen | {fn}
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    reads, writes = set(), set()

    def field_of(node):
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ctx":
                return node.attr
            node = node.value
        return None

    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            targets = [t for target in targets for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATING:
            targets = [node.func.value]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        writes |= {f for f in map(field_of, targets) if f}
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ctx":
            reads.add(node.attr)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            callee = fn.__globals__.get(node.func.id)
            handed = any(isinstance(a, ast.Name) and a.id == "ctx" for a in node.args)
            if handed and inspect.isfunction(callee) and callee.__module__ == fn.__module__ and callee not in seen:
                more_reads, more_writes = uses(callee, seen)
                reads |= more_reads
                writes |= more_writes
    return reads - writes, writes


MUTATING = {"append", "extend", "update", "pop", "setdefault", "clear", "add", "remove", "insert"}


def test_the_run_is_the_two_lists():
    assert run.CLASS_STEPS and run.STUDENT_STEPS and run.grade_students in run.CLASS_STEPS
    assert len(set(STEPS)) == len(STEPS)


@pytest.mark.parametrize("step", STEPS, ids=[s.__name__ for s in STEPS])
def test_each_step_declares_what_it_reads_and_writes(step):
    assert step.__doc__, f"{step.__name__} says what it does"
    declared = step.reads | step.writes
    assert declared <= FIELDS, f"{step.__name__} declares fields the Context has not: {declared - FIELDS}"
    reads, writes = uses(step)
    assert writes <= step.writes, f"{step.__name__} writes {sorted(writes - step.writes)} without declaring it"
    assert reads <= declared, f"{step.__name__} reads {sorted(reads - declared)} without declaring it"
    assert declared <= reads | writes, f"{step.__name__} declares {sorted(declared - reads - writes)} it does not use"


def test_the_check_finds_an_undeclared_field():
    @run.step(reads="course")
    def sloppy(ctx):
        """A step that writes what it does not declare."""
        ctx.rows["x"].flags.append(ctx.course)
        ctx.work = None

    reads, writes = uses(sloppy)
    assert reads == {"course"} and writes == {"rows", "work"}
    assert uses(run.autograde.autograde)[0] >= {"earlier", "cell_timeout"}  # through nbgrader_settings
