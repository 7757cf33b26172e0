"""Which catalogued mistakes a student hears about before grading: each wrong solution (mutants/)
run against its exercise's visible test, as released, outside a kernel.

    python -m autograder.authoring.visible              # per set: the mutants the visible tests catch
    python -m autograder.authoring.visible ps11_parallel_recurrence --list    # and which they miss

A catalogue entry with `warned = "..."` names a mistake that the exercise's text, its hints or its
lecture warns about, in the words quoted (which must appear in that text): its wrong solutions must
fail the visible test (tests/problem_sets/test_visible_catches.py, docs/authoring.md).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import warnings
from dataclasses import dataclass

import nbformat

from ..course.folder import REPO
from ..course.problemsets import problem_sets
from . import fixtures as F
from .catalogue import _NoMagic, _python, answer_code, entries_of, source_notebook


def release_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "release" / assignment / f"{assignment}.ipynb", 4)


@dataclass
class Run:
    mutant: str
    exercise: str
    caught: bool  # the visible test (or the answer's own cell) raised
    error: str  # the error's type and first line, "" when it passed


def run_visible(
    fx: F.Fixture, exercise: str, source_nb: nbformat.NotebookNode, release_nb: nbformat.NotebookNode
) -> Run:
    """Run the release notebook's code cells in order up to `<exercise>_visible`, answers from `fx`:
    the setup cell without its setup() call, every answer cell, the cells that are no test; other
    tests are left out. The visible test's cell is the one whose error counts."""
    import numpy as np
    import torch

    target = f"{exercise}_visible"
    answers = F.answers(fx, source_nb)
    names: dict = {"get_ipython": _NoMagic, "__name__": "__main__"}
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    for cell in release_nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        code = answer_code(cell, answers)
        if code is None and (gid == target or not meta.get("grade")):
            code = cell.source  # the visible test itself, and the cells that are no test
        elif code is None:
            continue
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                exec(compile(_python(code), f"<{fx.name}:{gid}>", "exec"), names)
        except Exception as error:  # noqa: BLE001 - any error a student would see counts
            first = (str(error).splitlines() or [""])[0]
            return Run(fx.name, exercise, True, f"{type(error).__name__}: {first}"[:200])
        if gid == target:
            return Run(fx.name, exercise, False, "")
    raise ValueError(f"{fx.name}: the release notebook has no cell {target}")


def runs(assignment: str, only: set[str] | None = None) -> dict[str, Run]:
    """mutant name -> its run, for every catalogued mutant (or those in `only`)."""
    import torch

    entries, _ = entries_of(assignment)
    mutants = {fx.name: fx for fx in F.fixtures_for(assignment, "mutants")}
    source_nb, release_nb = source_notebook(assignment), release_notebook(assignment)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        found = {}
        for entry in entries:
            for name in entry["mutants"]:
                if only is None or name in only:
                    found[name] = run_visible(mutants[name], entry["exercise"], source_nb, release_nb)
        return found
    finally:
        torch.set_num_threads(threads)


def warned(assignment: str) -> dict[str, dict]:
    """id -> entry, for the entries marked `warned`."""
    entries, _ = entries_of(assignment)
    return {e["id"]: e for e in entries if e.get("warned")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="problem sets (default: every one with a catalogue)")
    parser.add_argument("--list", action="store_true", help="name the mutants each visible test misses")
    args = parser.parse_args(argv)
    chosen = [s.name for s in problem_sets() if s.catalogue.is_file() and (not args.sets or s.name in args.sets)]
    print("| set | mutants caught by the visible tests | warned mistakes caught |")
    print("|---|---|---|")
    missed_lines = []
    for name in chosen:
        found = runs(name)
        marked = {m for e in warned(name).values() for m in e["mutants"]}
        caught = sum(r.caught for r in found.values())
        warned_caught = sum(found[m].caught for m in marked)
        print(
            f"| {name} | {caught} of {len(found)} ({100 * caught / len(found):.0f}%) "
            f"| {warned_caught} of {len(marked)} |"
        )
        missed_lines += [
            f"{name}: {r.exercise}: {m}{' (warned)' if m in marked else ''}" for m, r in found.items() if not r.caught
        ]
    if args.list:
        print("\nmissed:\n" + "\n".join(missed_lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
