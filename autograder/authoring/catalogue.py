"""The catalogue of misconceptions: written beside each problem set's wrong solutions, built into
the fingerprints that `rnnlab.diagnose` matches a student's answer against on the set's probes
(`rnnlab/probes/<set>.py`, written by the author), and shipped to students.

    python -m autograder.authoring.catalogue            # ship every set's diagnoses
    python -m autograder.authoring.catalogue --check    # exit 1 if a shipped file is not what its set builds
    python -m autograder.authoring.catalogue ps01_sequence_data    # one set only

`make assignments` runs it after nbgrader: it writes `rnnlab/data/diagnoses/<set>.json` (the entries'
text and fingerprints), and fails on an entry that cannot work (docs/authoring.md, "Adding a problem
set", step 4).
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
import warnings
from pathlib import Path

import nbformat

from ..course.folder import REPO
from ..course.problemsets import PROBES_PACKAGE, problem_set, problem_sets
from . import fixtures as F

DATA = REPO / "rnnlab" / "data" / "diagnoses"


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(problem_set(assignment).notebook, 4)


def namespace(fx: F.Fixture, source_nb: nbformat.NotebookNode) -> dict:
    """The names an answer defines, as its notebook's code cells would: the set's imports (its
    `setup()` call left out), then each code answer cell of `fx`."""
    names: dict = {"get_ipython": _NoMagic}
    answers = F.answers(fx, source_nb)
    for cell in source_nb.cells:
        if (code := answer_code(cell, answers)) is not None:
            exec(compile(_python(code), f"<{fx.name}:{cell.metadata.nbgrader['grade_id']}>", "exec"), names)
    return names


def answer_code(cell, answers: dict[str, str]) -> str | None:
    """What a code cell runs for a fixture outside a kernel: the setup cell without its `setup()`
    call, an answer cell the fixture's answer; None for any other cell."""
    meta = cell.metadata.get("nbgrader", {})
    if cell.cell_type != "code":
        return None
    if meta.get("grade_id") == "setup":
        return "\n".join(line for line in cell.source.splitlines() if not line.startswith("setup("))
    if meta.get("solution"):
        return answers[meta["grade_id"]]
    return None


class _NoMagic:
    """`get_ipython()` for answers run outside a kernel: magics (%matplotlib ...) do nothing."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = system = getoutput = run_line_magic


def _python(code: str) -> str:
    """An answer cell's code as IPython runs it (magics become get_ipython() calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(code)


def entries_of(assignment: str) -> tuple[list[dict], dict[str, str]]:
    path = problem_set(assignment).catalogue
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return data.get("entry", []), data.get("not_diagnosed", {})


def build(assignment: str) -> dict:
    """The shipped catalogue of one set; raises ValueError on an entry that cannot work. The wrong
    solutions' warnings while probed are theirs: not shown."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _build(assignment)


def _build(assignment: str) -> dict:
    from rnnlab import diagnose as D

    if not problem_set(assignment).probes.is_file():
        raise ValueError(f"{assignment}: no probes: write {PROBES_PACKAGE}/{assignment}.py (docs/authoring.md)")
    entries, skipped = entries_of(assignment)
    mutants = {fx.name: fx for fx in F.fixtures_for(assignment, "mutants")}
    listed = [m for e in entries for m in e["mutants"]] + list(skipped)
    problems = [
        f"mutant {m} is neither an entry's example nor under [not_diagnosed]"
        for m in sorted(set(mutants) - set(listed))
    ]
    problems += [f"{m} is not a mutant of {assignment}" for m in sorted(set(listed) - set(mutants))]
    problems += [f"{m} is listed twice" for m in sorted({m for m in listed if listed.count(m) > 1})]
    source_nb = source_notebook(assignment)
    solution = namespace(F.SOLUTION, source_nb)
    out, seen = [], {}
    for e in entries:
        form = e.get("match", "values")
        if form not in ("values", "structure"):
            problems.append(f"{e['id']}: match is 'values' (the default) or 'structure', not {form!r}")
            form = "values"
        marked_right = D.run_probes(assignment, e["exercise"], solution)
        right = D.fingerprints_only(marked_right, form)
        if not right:
            problems.append(f"{e['id']}: exercise {e['exercise']} has no probes")
        prints = []
        for name in e["mutants"]:
            marked = (
                D.run_probes(assignment, e["exercise"], namespace(mutants[name], source_nb)) if name in mutants else []
            )
            got = D.fingerprints_only(marked, form)
            if got == right:
                problems.append(
                    f"{e['id']}: {name} behaves like the solution on every probe"
                    + (" (by structure: its values differ, match by values)" if form == "structure" else "")
                )
            if marked and all("raised:" in p and "raised:rule" not in p for p in marked):
                problems.append(
                    f"{e['id']}: {name} raises on every probe, and another mistake could raise "
                    "the same errors: add a probe on which it returns, or list it under [not_diagnosed]"
                )
            other = seen.get((e["exercise"], form, tuple(got)))
            if other and other != e["id"]:
                problems.append(f"{e['id']}: {name} behaves exactly like an example of {other}")
            seen[(e["exercise"], form, tuple(got))] = e["id"]
            if got not in prints:
                prints.append(got)
        out.append(
            {k: e[k] for k in ("id", "exercise", "title", "explain", "section")}
            | {"fingerprints": prints}
            | ({"match": "structure"} if form == "structure" else {})
        )
    problems += _tags_agree(assignment, solution)
    # an answer with a value entry's mistake must not match a structure entry of another story
    for e in out:
        if e.get("match") != "structure":
            continue
        for other in entries:
            if other["exercise"] != e["exercise"] or other.get("match", "values") != "values":
                continue
            for name in other["mutants"]:
                if name in mutants:
                    shape = D.fingerprints_only(
                        D.run_probes(assignment, other["exercise"], namespace(mutants[name], source_nb)), "structure"
                    )
                    if shape in e["fingerprints"]:
                        problems.append(
                            f"{e['id']}: told by structure, it would also name {name}, an example of "
                            f"{other['id']}, whose values differ: make one of them tell the other apart"
                        )
    if problems:
        raise ValueError(f"{assignment}: " + "; ".join(problems))
    return {"assignment": assignment, "entries": out, "exercises": exercise_facts(assignment)}


def _tags_agree(assignment: str, solution: dict) -> list[str]:
    """The probes whose "refuse" tag disagrees with whether the solution refuses them with ValueError
    (the shared mistakes "no-error" and "wrong-error" read the tag)."""
    from rnnlab import diagnose as D

    problems = []
    for exercise in exercise_facts(assignment):
        for (probe_id, probe), marked in zip(
            D.probes_for(assignment, exercise), D.run_probes(assignment, exercise, solution)
        ):
            tagged = "refuse" in getattr(probe, "tags", ())
            refused = "raised:" in marked and D.refusal(probe(solution), {"refuse"}) == []
            if tagged != refused:
                problems.append(
                    f"probe {probe_id}: "
                    + (
                        "tagged refuse, but the solution does not raise ValueError"
                        if tagged
                        else "the solution raises ValueError: tag it refuse"
                    )
                )
    return problems


def exercise_facts(assignment: str) -> dict[str, dict]:
    """What the shared mistakes (rnnlab.diagnose.GENERIC) need to know of each exercise that has
    probes, from exercises.toml: whether it keeps its inputs' dtype, leaves its arguments as they
    were, and returns Python numbers."""
    from rnnlab.diagnose import probes_for

    out = {}
    for exercise, spec in sorted(problem_set(assignment).exercises().items()):
        if probes_for(assignment, exercise):
            classes = spec.get("input_classes", [])
            out[exercise] = {
                "keeps_dtype": "float64" in classes,
                "keeps_inputs": "unchanged" in classes and not spec.get("changes_arguments"),
                "python_numbers": bool(spec.get("python_numbers")),
            }
    return out


def catalogued() -> list[str]:
    return [ps.name for ps in problem_sets() if ps.catalogue.is_file()]


def text(data: dict) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def orphans() -> list[Path]:
    """Diagnoses of problem sets the course no longer has."""
    sets = {ps.name for ps in problem_sets()}
    return sorted(p for p in DATA.glob("ps*.json") if p.stem not in sets)


def ship(assignments: list[str], check: bool = False, log=print) -> list[str]:
    """Write (or, with `check`, compare) the diagnoses of `assignments` that have a catalogue, and remove
    (or list) those of removed sets; returns the paths out of date and the orphans."""
    stale = []
    for assignment in assignments:
        if not problem_set(assignment).catalogue.is_file():
            continue
        path, want = DATA / f"{assignment}.json", text(build(assignment))
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != want:
                stale.append(str(path.relative_to(REPO)))
        elif not path.exists() or path.read_text(encoding="utf-8") != want:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(want, encoding="utf-8")
            log(f"wrote {path.relative_to(REPO)}")
    for path in orphans():
        stale.append(str(path.relative_to(REPO)))
        if not check:
            path.unlink()
            log(f"removed {path.relative_to(REPO)}: its problem set is gone")
    return stale


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.authoring.catalogue",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--check", action="store_true", help="compare with the shipped files; write nothing")
    parser.add_argument("assignments", nargs="*", help="only these sets (default: every set with a catalogue)")
    args = parser.parse_args(argv)
    every = catalogued()
    unknown = sorted(set(args.assignments) - set(every))
    if unknown:
        parser.error(f"no catalogue.toml for {', '.join(unknown)}")
    stale = ship(args.assignments or every, check=args.check)
    if args.check and stale:
        print("out of date (run make assignments): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
