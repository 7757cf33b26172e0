"""An exercise that says "without X" or "do not call X" checks it.

A restriction that no test enforces rewards the student who ignores it (ps09 said not to call
`rnnlab.language_model` and a wrapper around its `gru_step` got full marks). So every
restriction in a problem set's text is enforced by a hidden or visible test of the same
exercise that calls `rnnlab.checks.forbid_calls` (or switches the thing off with
`without_autograd` or `switched_off`), or by a sentence next to it that says how the
tests make it impossible, in the same cell ("a layer whose forward pass is switched off"). A restriction in the
set's introduction holds for every exercise: some test of the set must enforce it.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
RESTRICTION = re.compile(
    r"\b(?:do not|don't|must not|may not) (?:call|use)\b|\bwithout (?:calling|using|autograd)\b"
    r"|\bnot allowed\b",
    re.I,
)
ENFORCED_BY_DESIGN = re.compile(r"switched off", re.I)
# rnnlab.checks' ways of making a call fail or be seen while the tests run a student's function
ENFORCING = re.compile(r"\b(?:forbid_calls|without_autograd|switched_off)\(")
HEADING = re.compile(r"^##\s+Exercise\b", re.M)


def sections(nb) -> list[tuple[str, list]]:
    """(title, cells) of the introduction and of every exercise."""
    parts = [("introduction", [])]
    for cell in nb.cells:
        if cell.cell_type == "markdown" and HEADING.search(cell.source):
            parts.append((cell.source.splitlines()[0].lstrip("# "), []))
        parts[-1][1].append(cell)
    return parts


def unenforced(nb) -> list[str]:
    tests = lambda cells: [
        c
        for c in cells
        if c.cell_type == "code"
        and ENFORCING.search(c.source)  # noqa: E731
        and not c.metadata.get("nbgrader", {}).get("solution")
    ]
    problems = []
    for title, cells in sections(nb):
        for cell in cells:
            if cell.cell_type != "markdown":
                continue
            if ENFORCED_BY_DESIGN.search(cell.source):
                continue
            for sentence in re.split(r"(?<=[.!?:])\s+", " ".join(cell.source.split())):
                if RESTRICTION.search(sentence):
                    scope = nb.cells if title == "introduction" else cells
                    if not tests(scope):
                        problems.append(f"{title}: {sentence[:120]!r}")
    return problems


PROBLEM_SETS = sorted((REPO / "source").glob("ps*/ps*.ipynb"))


@pytest.mark.parametrize("path", PROBLEM_SETS, ids=[p.parent.name for p in PROBLEM_SETS])
def test_every_restriction_is_enforced(path):
    problems = unenforced(nbformat.read(path, 4))
    assert not problems, "a restriction no test enforces (use rnnlab.checks.forbid_calls):\n" + "\n".join(problems)


def test_the_detector_finds_an_unenforced_restriction():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(
        cells=[
            md("# ps99\n\nUse tensor operations; do not call `rnnlab.language_model`."),
            md("## Exercise 1: a step (3 points)\n\nWrite it without using autograd."),
            code("def step(x):\n    return x"),
            code("assert step(1) == 1"),
        ]
    )
    assert len(unenforced(nb)) == 2
    nb.cells.append(code("with forbid_calls('autograd', torch.autograd.grad):\n    step(1)"))
    assert unenforced(nb) == []
