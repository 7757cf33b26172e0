"""Build test submissions from fixture files: wrong solutions, correct alternatives, attacks.

Every key a fixture file may define, and what EXPECT may say, is in docs/authoring.md ("Fixtures").
"""

from __future__ import annotations

import ast
import builtins
import copy
import dataclasses
import functools
import importlib
import inspect
import json
import re
import runpy
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..course.folder import REPO
from ..course.problemsets import problem_set

# the attack corpus: attacks on the grader itself, which no one problem set owns
ATTACKS = Path(__file__).resolve().parent / "grader_attacks"


@dataclass
class Fixture:
    name: str
    expect: dict
    cells: dict = field(default_factory=dict)
    edits: dict = field(default_factory=dict)
    mutate: object = None
    raw: object = None
    blank: bool = False
    notebook: bool = True
    files: dict = field(default_factory=dict)
    path: Path | None = None
    copy: dict | None = None  # COPY of a copies/ fixture: the lecture cell it answers with
    library: dict | None = None  # LIBRARY of a copies/ fixture: package object -> the exercise's name
    input_class: str | None = None  # INPUT_CLASS: the class of inputs whose hidden test catches it
    idle: tuple = ()  # solution cells left unanswered (a bundle's exercises judged elsewhere)


NOTEBOOKS = REPO / "notebooks"


@functools.lru_cache(maxsize=16)
def _code_cells(path: Path) -> tuple[str, ...]:
    """The code cells' sources of a lecture, read once per process."""
    return tuple(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


def lecture_cell(lecture: str, find: str, definitions: bool = False) -> str:
    """The source of the one code cell of a lecture notebook that contains `find`, its magics and
    shell escapes commented out; definitions=True keeps only its top-level functions and classes."""
    path = NOTEBOOKS / f"{lecture}.ipynb"
    found = [source for source in _code_cells(path) if find in source]
    if len(found) != 1:
        raise ValueError(f"{len(found)} code cells of {path.name} contain {find!r}; a copy fixture needs exactly one")
    lines = ["# " + line if line.lstrip().startswith(("%", "!")) else line for line in found[0].splitlines()]
    if not definitions:
        return "\n".join(lines)
    kept = []
    for node in ast.parse("\n".join(lines)).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            kept.append("\n".join(lines[first - 1 : node.end_lineno]))
    if not kept:
        raise ValueError(f"the cell of {path.name} that contains {find!r} defines no function or class")
    return "\n\n\n".join(kept)


def imports_of(code: str) -> str:
    """The import statements of a cell's code, in order (parenthesised ones whole)."""
    tree = ast.parse(code)
    found = [ast.get_source_segment(code, node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    if not found:
        raise ValueError("the lecture cell imports nothing; a copy with imports_only needs an import")
    return "\n".join(found)


def renamed(code: str, name: str) -> str:
    """The source of one function or class, `code`, with its definition renamed to `name`."""
    node = ast.parse(code).body[0]
    lines = code.splitlines()
    lines[node.lineno - 1] = re.sub(rf"\b(def|class) {node.name}\b", rf"\1 {name}", lines[node.lineno - 1], count=1)
    return "\n".join(lines)


def library_source(dotted: str, name: str) -> str:
    """The source of a student-package function or class (`inspect.getsource`, read afresh), renamed to
    `name`, as a student would paste it: with the sources of the same module's functions and classes it
    uses (prefixed with `name`, so that no helper of the tests shadows them), and an import of every other
    global it reads (torch, a constant, another module's helper)."""
    module_name, _, attr = dotted.rpartition(".")
    module = importlib.import_module(module_name)
    pasted, imported, todo = {}, set(), [attr]
    while todo:
        current = todo.pop()
        if current in pasted:
            continue
        code = textwrap.dedent(inspect.getsource(getattr(module, current)))
        pasted[current] = code
        bound, read = _names(code)
        for used in sorted(read - bound - set(dir(builtins))):
            value = getattr(module, used, None)
            if value is None:
                continue
            own = getattr(value, "__module__", None) == module_name and (
                inspect.isfunction(value) or inspect.isclass(value)
            )
            (todo.append if own else imported.add)(used)
    pasted[attr] = renamed(pasted[attr], name)
    code = "\n\n\n".join(reversed(pasted.values()))
    for helper in set(pasted) - {attr}:  # the helpers under names no test cell's helper takes (ps11's _check_scan)
        code = re.sub(rf"(?<![.\w]){helper}\b", f"{name}_{helper}", code)
    head = f"from {module_name} import {', '.join(sorted(imported))}\n\n\n" if imported else ""
    return head + code


def load(path: Path) -> Fixture:
    ns = runpy.run_path(str(path))
    if "EXPECT" not in ns:
        raise ValueError(f"{path} defines no EXPECT")
    cells = dict(ns.get("CELLS", {}))
    if "COPY" in ns:
        if not any("{lecture}" in text for text in cells.values()):
            raise ValueError(f"{path} copies a lecture cell but no CELLS answer holds {{lecture}}")
        code = lecture_cell(ns["COPY"]["lecture"], ns["COPY"]["find"], ns["COPY"].get("definitions", False))
        if ns["COPY"].get("imports_only"):
            code = imports_of(code)
        cells = {gid: text.replace("{lecture}", code) for gid, text in cells.items()}
    if "LIBRARY" in ns:
        if not any("{library}" in text for text in cells.values()):
            raise ValueError(f"{path} pastes package code but no CELLS answer holds {{library}}")
        code = "\n\n\n".join(library_source(dotted, name) for dotted, name in ns["LIBRARY"].items())
        cells = {gid: text.replace("{library}", code) for gid, text in cells.items()}
    return Fixture(
        name=path.stem,
        expect=ns["EXPECT"],
        cells=cells,
        edits=ns.get("EDITS", {}),
        mutate=ns.get("mutate"),
        raw=ns.get("raw"),
        blank=ns.get("BLANK", False),
        notebook=ns.get("NOTEBOOK", True),
        files=ns.get("FILES", {}),
        path=path,
        copy=ns.get("COPY"),
        library=ns.get("LIBRARY"),
        input_class=ns.get("INPUT_CLASS"),
    )


def fixtures_for(assignment: str, kind: str) -> list[Fixture]:
    """The fixtures of one kind (autograder.course.problemsets.FIXTURE_KINDS) of a problem set."""
    folder = problem_set(assignment).fixtures(kind)
    return [load(p) for p in sorted(folder.glob("*.py"))] if folder.is_dir() else []


def attacks() -> list[Fixture]:
    return [load(p) for p in sorted(ATTACKS.glob("*.py"))]


def solution_source(cell) -> str:
    """The instructor's answer in a source cell, without nbgrader's markers."""
    return "\n".join(
        line for line in cell.source.splitlines() if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line
    )


def answers(fx: Fixture, source_nb: nbformat.NotebookNode) -> dict[str, str]:
    """grade id -> the fixture's answer, for every solution cell (the instructor's where it changes nothing)."""
    found = {
        c.metadata["nbgrader"]["grade_id"]: solution_source(c)
        for c in source_nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    unknown = (set(fx.cells) | set(fx.edits)) - set(found)
    if unknown:
        raise ValueError(f"fixture {fx.name} replaces cells that are not solution cells: {sorted(unknown)}")
    for gid, edits in fx.edits.items():
        for old, new in edits:
            if old not in found[gid]:
                raise ValueError(f"fixture {fx.name}: {old!r} is not in the solution of {gid}; update the fixture")
            found[gid] = found[gid].replace(old, new, 1)
    found.update(fx.cells)
    return found


# a bundle's answer to an exercise none of its members needs: no names, no error
IDLE_ANSWER = "# not answered: this exercise is judged in the other test submissions\n"


def build(fx: Fixture, release_nb: nbformat.NotebookNode, source_nb: nbformat.NotebookNode) -> str:
    """The submission's notebook file text, written as Jupyter writes it (`nbformat.writes`)."""
    nb = copy.deepcopy(release_nb)
    answers_ = answers(fx, source_nb)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            gid = meta["grade_id"]
            if gid in fx.idle:
                cell.source = IDLE_ANSWER
            elif not fx.blank or gid in fx.cells or gid in fx.edits:
                cell.source = answers_[gid]
    if fx.mutate:
        fx.mutate(nb)
    text = nbformat.writes(nb)
    return fx.raw(text) if fx.raw else text


def graded_outputs(course: Path, student: str, assignment: str) -> str:
    path = course / "autograded" / student / assignment / f"{assignment}.ipynb"
    if not path.exists():
        return ""
    nb = nbformat.read(path, 4)
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(
                out.get("text", "")
                if out.get("output_type") == "stream"
                else f"{out.get('ename', '')}: {out.get('evalue', '')}"
                if out.get("output_type") == "error"
                else json.dumps(out.get("data", {}))
            )
    return "\n".join(parts)


def check(fx: Fixture, result, all_tests: list[str], outputs: str = "") -> list[str]:
    """What about `result` contradicts the fixture's EXPECT (empty when it all holds)."""
    e, problems = fx.expect, []
    status = e.get("status", "graded")
    if result.status != status:
        problems.append(f"status {result.status!r} ({result.reason}), expected {status!r}")
    failed = set(result.failed_tests) - set(e.get("ignore", []))
    if e.get("full") and failed:
        problems.append(f"expected full marks, but {sorted(failed)} failed")
    for prefix in e.get("lose", []):
        mine = [t for t in all_tests if t.startswith(prefix)]
        if not mine:
            problems.append(f"no test cell starts with {prefix!r}")
        elif not failed & set(mine):
            problems.append(f"the tests of {prefix} all passed, but this solution is wrong")
    if "lose" in e:
        others = failed - {t for t in all_tests if any(t.startswith(p) for p in e["lose"])}
        if others:
            problems.append(f"tests of other exercises failed too: {sorted(others)}")
    if e.get("no_flags") and result.flags:
        problems.append(f"expected no flags, got {result.flags}")
    if "flag" in e and not any(e["flag"] in f for f in result.flags):
        problems.append(f"no flag mentions {e['flag']!r}; flags: {result.flags}")
    for flag in result.flags:  # held for a hand grade: what the flag promises, the columns count
        held = re.search(r" loses? (its|their) points until you grade (it|them) by hand", flag)
        if held and not set(flag[: held.start()].rsplit(": ", 1)[-1].split(", ")) <= set(result.needs_manual):
            problems.append(
                f"a flag holds tests for a hand grade that needs_manual lacks ({result.needs_manual}): {flag}"
            )
    if "flag_lacks" in e and any(e["flag_lacks"].lower() in f.lower() for f in result.flags):
        problems.append(f"a flag mentions {e['flag_lacks']!r}; flags: {result.flags}")
    reasons = e.get("reason", ())  # one text, or a tuple of alternatives
    reasons = (reasons,) if isinstance(reasons, str) else reasons
    if reasons and not any(r in result.reason for r in reasons):
        problems.append(f"reason {result.reason!r} lacks {' or '.join(map(repr, reasons))}")
    for gid in e.get("timeouts", []):
        if gid not in result.timeouts:
            problems.append(f"{gid} not reported as timed out ({result.timeouts})")
    if "score" in e and result.score != e["score"]:
        problems.append(f"score {result.score}, expected exactly {e['score']}")
    if "max_score" in e and result.score > e["max_score"]:
        problems.append(f"score {result.score} above {e['max_score']}")
    for text in e.get("output_has", []):
        if text not in outputs:
            problems.append(f"graded outputs lack {text!r}")
    for text in e.get("output_lacks", []):
        if text in outputs:
            problems.append(f"graded outputs contain {text!r}")
    return problems


SOLUTION = Fixture("solution", {"full": True})
BLANK = Fixture("blank", {"score": 0}, blank=True)


def make_course(folder: Path, assignments: list[str], replace: bool = False) -> Path:
    """A throwaway course folder: the course's nbgrader settings and the named source assignments."""
    if replace and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", folder / "nbgrader_config.py")
    for name in assignments:
        shutil.copytree(REPO / "source" / name, folder / "source" / name)
    return folder


def course_with_class(folder: Path, assignment: str, fixtures: list[Fixture]) -> tuple[Path, Path]:
    """(a throwaway course folder/course, `fixtures` handed in for `assignment` in folder/class)."""
    course = make_course(folder / "course", [assignment])
    release = nbformat.read(REPO / "release" / assignment / f"{assignment}.ipynb", 4)
    source = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", 4)
    return course, write_batch(folder / "class", assignment, fixtures, release, source)


def student_id(fx: Fixture) -> str:
    return fx.name.replace("_", "-")


def write_batch(folder: Path, assignment: str, fixtures: list[Fixture], release_nb, source_nb) -> Path:
    """One folder per fixture (student id = fixture name), each with the built notebook."""
    for fx in fixtures:
        student = folder / student_id(fx)
        student.mkdir(parents=True, exist_ok=True)
        if fx.notebook:
            (student / f"{assignment}.ipynb").write_text(build(fx, release_nb, source_nb), encoding="utf-8")
        for name, text in fx.files.items():
            (student / name).write_text(text)
    return folder


# -- bundles: several wrong or alternative answers of independent exercises in one submission --
@dataclass
class Bundle:
    """One submission that carries the answers of several fixtures of independent exercises, each
    member judged on the tests of its own region (docs/authoring.md, "Fixtures")."""

    name: str
    members: list
    regions: dict  # fixture name -> the test ids of its exercise
    idle: tuple = ()  # answer cells no member reads or answers: left unanswered
    unjudged: tuple = ()  # the tests that read what an idle answer would have made

    @property
    def fixture(self) -> Fixture:
        cells, edits = {}, {}
        for fx in self.members:
            cells.update(fx.cells)
            edits.update(fx.edits)
        lose = [p for fx in self.members for p in fx.expect.get("lose", [])]
        expect = {"lose": lose} if lose else {"full": True}
        if self.unjudged:
            expect["ignore"] = list(self.unjudged)
        return Fixture(self.name, expect, cells=cells, edits=edits, idle=self.idle)

    def view(self, fx: Fixture, result):
        """`result` as `fx` alone would see it: failures in the other members' regions, and in
        the exercises left unanswered, removed."""
        others = set().union(*(self.regions[m.name] for m in self.members if m.name != fx.name), self.unjudged)
        return dataclasses.replace(result, failed_tests=[t for t in result.failed_tests if t not in others])


@functools.cache
def _names(source: str) -> tuple[frozenset[str], frozenset[str]]:
    """(names a cell binds, names it reads), from its syntax tree; anything unparsable binds and
    reads a wildcard, so it shares a submission with nothing."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return frozenset("*"), frozenset("*")
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return frozenset(bound), frozenset(read)


def _names_own_case(fx: Fixture) -> bool:
    """A flag another member of a bundle cannot raise: it starts with a re-check case of an
    answer this fixture replaces (`<answer>_<k>: ...`)."""
    case = str(fx.expect["flag"]).split(":", 1)[0]
    return any(case.startswith(f"{answer}_") for answer in (*fx.cells, *fx.edits))


def bundles(fixtures: list[Fixture], source_nb: nbformat.NotebookNode, prefix: str = "bundle") -> list[Bundle]:
    """Pack fixtures that only replace answers (CELLS, EDITS) and expect `lose` or `full` (with
    `output_has`, or a `flag` that names their own exercise) into as few submissions as
    independence allows. Two fixtures share one when they replace different
    cells, their regions (the tests named by their `lose` prefixes or their cells' ids) are
    disjoint, and no test of either region reads a name that the other's cells or tests bind."""
    cells = {
        c.metadata["nbgrader"]["grade_id"]: c for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
    }
    tests = [
        gid
        for gid, c in cells.items()
        if c.metadata["nbgrader"].get("grade") and not c.metadata["nbgrader"].get("solution")
    ]
    simple = [
        fx
        for fx in fixtures
        if not (fx.mutate or fx.raw or fx.blank or fx.files or not fx.notebook)
        and set(fx.expect) <= {"lose", "full", "output_has", "flag"}
        and (fx.cells or fx.edits)
        and ("flag" not in fx.expect or _names_own_case(fx))
    ]
    unknown = {gid for fx in simple for gid in (*fx.cells, *fx.edits)} - set(cells)
    if unknown:
        raise ValueError(f"fixtures replace cells that are not in the notebook: {sorted(unknown)}")
    # names that cells outside every exercise bind (the setup cell's imports) are shared by all
    shared = set().union(
        *(
            _names(c.source)[0]
            for c in source_nb.cells
            if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("grade_id")
        )
    )
    info = {}
    for fx in simple:
        touched = set(fx.cells) | set(fx.edits)
        region = {t for t in tests if any(t.startswith(p) for p in (*fx.expect.get("lose", []), *touched))}
        binds, reads = set(), set()
        for text in (
            [solution_source(cells[gid]) for gid in touched]
            + list(fx.cells.values())
            + [cells[gid].source for gid in region]
        ):
            b, r = _names(text)
            binds |= b
            reads |= r
        # a fixture reads from outside only what its cells and tests do not bind themselves
        info[fx.name] = (touched, region, binds - shared, reads - binds)

    def independent(a: Fixture, b: Fixture) -> bool:
        ta, ra, ba, rda = info[a.name]
        tb, rb, bb, rdb = info[b.name]
        wild = "*" in ba | bb | rda | rdb
        return not (wild or ta & tb or ra & rb or rda & bb or rdb & ba)

    groups: list[list[Fixture]] = []
    for fx in sorted(simple, key=lambda f: (-sum(not independent(f, g) for g in simple), f.name)):
        home = next((g for g in groups if all(independent(fx, m) for m in g)), None)
        if home is None:
            groups.append([fx])
        else:
            home.append(fx)
    return [
        Bundle(
            f"{prefix}-{k + 1:02d}",
            sorted(g, key=lambda f: f.name),
            {m.name: info[m.name][1] for m in g},
            *_idle(source_nb, [info[m.name] for m in g]),
        )
        for k, g in enumerate(groups)
    ]


def _idle(source_nb: nbformat.NotebookNode, members: list) -> tuple[tuple, tuple]:
    """(answer cells a bundle can leave unanswered, the tests it then does not judge): an answer is
    idle when no member answers it and nothing a member's cells or tests read comes from it,
    directly or through a later cell; the unjudged tests read what an idle answer would make."""
    touched = set().union(*(m[0] for m in members))
    judged = set().union(*(m[1] for m in members))
    reads = set().union(*(m[3] for m in members))
    code = [c for c in source_nb.cells if c.cell_type == "code"]

    def spread(idle: set) -> tuple[set, list]:
        """The names the cells in `idle` would bind, directly or through later cells; the tests that read them."""
        tainted, tests = set(), []
        for c in code:
            grading = c.metadata.get("nbgrader", {})
            gid = grading.get("grade_id")
            binds, used = _names(solution_source(c) if gid in idle else c.source)
            if gid in idle or (gid not in judged and gid not in touched and (used - binds) & tainted):
                tainted |= binds
                if grading.get("grade") and not grading.get("solution"):
                    tests.append(gid)
        return tainted, tests

    if "*" in reads:
        return (), ()
    idle = []
    for c in code:  # each answer cell on its own: idle if nothing read comes from it
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if c.metadata.get("nbgrader", {}).get("solution") and gid not in touched:
            tainted, _ = spread({gid})
            if "*" not in tainted and not tainted & reads:
                idle.append(gid)
    return tuple(idle), tuple(spread(set(idle))[1])
