"""The catalogue of misconceptions: written beside each problem set's wrong solutions, built into
the fingerprints that `rnnlab.diagnose` matches a student's answer against.

    python -m autograder.catalogue            # rebuild rnnlab/data/diagnoses/<set>.json
    python -m autograder.catalogue --check    # exit 1 if a shipped file is not what the catalogue builds
    python -m autograder.catalogue ps01_sequence_data    # one set only

`autograder/fixtures/<set>/catalogue.toml` holds one `[[entry]]` per misconception: its id, the
exercise, a title, an explanation that teaches without giving the answer, the lecture section
that covers it, and the wrong solutions (`mutants/<name>.py`) that make it. Every mutant of the
set is either an entry's example or listed under `[not_diagnosed]` with the reason (a rule broken
with right values, a mistake no student would make, a difference only the hidden tests' inputs
show). The build runs each example on the set's probes (`rnnlab/probes/<set>.py`) and ships only
the entries' text and fingerprints; it fails if an example behaves like the instructor's solution
on every probe (nothing to tell them apart), or like another entry's example.
"""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

import nbformat

from . import fixtures as F
from .course import REPO

DATA = REPO / "rnnlab" / "data" / "diagnoses"


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", 4)


def namespace(fx: F.Fixture, source_nb: nbformat.NotebookNode) -> dict:
    """The names an answer defines, as its notebook's code cells would define them: the set's
    imports (its `setup()` call left out), then each code answer cell of `fx`."""
    names: dict = {"get_ipython": _NoMagic}
    answers = F.answers(fx, source_nb)
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if meta.get("grade_id") == "setup":
            code = "\n".join(line for line in cell.source.splitlines() if not line.startswith("setup("))
        elif meta.get("solution"):
            code = answers[meta["grade_id"]]
        else:
            continue
        exec(compile(_python(code), f"<{fx.name}:{meta['grade_id']}>", "exec"), names)
    return names


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
    path = F.FIXTURES / assignment / "catalogue.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return data.get("entry", []), data.get("not_diagnosed", {})


def build(assignment: str) -> dict:
    """The shipped catalogue of one set; raises ValueError on an entry that cannot work."""
    from rnnlab import diagnose as D

    entries, skipped = entries_of(assignment)
    mutants = {fx.name: fx for fx in F.fixtures_for(assignment, "mutants")}
    listed = [m for e in entries for m in e["mutants"]] + list(skipped)
    problems = [f"mutant {m} is neither an entry's example nor under [not_diagnosed]"
                for m in sorted(set(mutants) - set(listed))]
    problems += [f"{m} is not a mutant of {assignment}" for m in sorted(set(listed) - set(mutants))]
    problems += [f"{m} is listed twice" for m in sorted({m for m in listed if listed.count(m) > 1})]
    source_nb = source_notebook(assignment)
    solution = namespace(F.SOLUTION, source_nb)
    out, seen = [], {}
    for e in entries:
        right = D.run_probes(assignment, e["exercise"], solution)
        if not right:
            problems.append(f"{e['id']}: exercise {e['exercise']} has no probes")
        prints = []
        for name in e["mutants"]:
            got = D.run_probes(assignment, e["exercise"], namespace(mutants[name], source_nb)) if name in mutants else []
            if got == right:
                problems.append(f"{e['id']}: {name} behaves like the solution on every probe")
            other = seen.get((e["exercise"], tuple(got)))
            if other and other != e["id"]:
                problems.append(f"{e['id']}: {name} behaves exactly like an example of {other}")
            seen[(e["exercise"], tuple(got))] = e["id"]
            if got not in prints:
                prints.append(got)
        out.append({k: e[k] for k in ("id", "exercise", "title", "explain", "section")} | {"fingerprints": prints})
    if problems:
        raise ValueError(f"{assignment}: " + "; ".join(problems))
    return {"assignment": assignment, "entries": out}


def catalogued() -> list[str]:
    return sorted(p.parent.name for p in F.FIXTURES.glob("*/catalogue.toml"))


def text(data: dict) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.catalogue", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the shipped files; write nothing")
    parser.add_argument("assignments", nargs="*", help="only these sets (default: every catalogued set)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.assignments) - set(catalogued()))
    if unknown:
        parser.error(f"no catalogue.toml for {', '.join(unknown)}")
    stale = []
    for assignment in args.assignments or catalogued():
        path = DATA / f"{assignment}.json"
        want = text(build(assignment))
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != want:
                stale.append(str(path.relative_to(REPO)))
        else:
            DATA.mkdir(parents=True, exist_ok=True)
            path.write_text(want, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")
    if stale:
        print("out of date (run python -m autograder.catalogue): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
