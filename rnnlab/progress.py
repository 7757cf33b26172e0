"""Where a student stands: run the visible tests of every problem set and say so, by name.

    make progress                       # or: python -m rnnlab.progress [release folder]

Each notebook in release/psNN_*/ (the student's working copies) runs from top to bottom in a
fresh kernel, as nbgrader would run it, without changing the file. Each exercise's visible test
is reported, live as it runs, as passed, failed (with the first line of its error) or not
attempted (its answer still raises NotImplementedError). The summary counts what passes out of
all visible tests ("0 of 43 visible tests pass"), and the command exits with status 1 until
every visible test passes, so it can gate a script (`make progress` ends with the count and
status 0: unfinished work is where a student stands, not an error). Kernel start-up warnings are kept off the
screen.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

REPO = Path(__file__).resolve().parent.parent


STATUS = ("passed", "failed", "not attempted")
MARK = {"passed": "passed", "failed": "FAILED", "not attempted": "not attempted"}


@dataclass
class TestResult:
    grade_id: str
    status: str            # passed | failed | not attempted
    message: str = ""

    @property
    def exercise(self) -> str:
        return re.sub(r"_(visible|hidden|format|q\d+)$", "", self.grade_id)

    @property
    def quiz_format(self) -> bool:
        """The quiz's format check: the answers are letters it can read; right or wrong is
        judged only by the hidden tests, when the set is graded."""
        return self.grade_id.endswith("_format")

    def shown(self) -> str:
        if self.quiz_format and self.status == "passed":
            return "answered (each answer a valid letter; scored when graded)"
        return MARK[self.status]

    def line(self) -> str:
        return f"  {self.exercise:28s} {self.shown()}" + (f": {self.message}" if self.message else "")


@dataclass
class SetResult:
    name: str
    tests: list[TestResult] = field(default_factory=list)
    error: str = ""

    def count(self, status: str) -> int:
        return sum(t.status == status for t in self.tests)


def _has_visible_code(cell) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in cell.source.splitlines())


def _error_text(cell) -> tuple[str, str] | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out.get("ename", ""), out.get("evalue", "")
    return None


def _visible_test(cell) -> str | None:
    """The grade id of a cell holding visible tests, else None: a test cell, or the quiz's
    format check (`quiz_format`, locked and worth no points: only right answers score)."""
    meta = cell.metadata.get("nbgrader", {})
    checks = meta.get("grade") or (meta.get("locked") and meta.get("grade_id", "").endswith("_format"))
    if checks and not meta.get("solution") and cell.cell_type == "code" and _has_visible_code(cell):
        return meta["grade_id"]
    return None


def _judge(cell, not_attempted: set[str]) -> TestResult:
    gid = cell.metadata["nbgrader"]["grade_id"]
    error = _error_text(cell)
    result = TestResult(gid, "passed")
    if error is None and cell.get("execution_count"):
        return result
    if result.exercise in not_attempted or (error and error[0] == "NotImplementedError"):
        return TestResult(gid, "not attempted")
    ename, evalue = error or ("NotRun", "the cell did not run")
    first = (evalue.strip().splitlines() or [""])[0]
    return TestResult(gid, "failed", f"{ename}: {first}".strip()[:160])


def check(path: Path, timeout: int = 120, on_result: Callable[[TestResult], None] | None = None) -> SetResult:
    """Run one problem-set notebook (a copy in memory; the file is not changed). `on_result` is
    called with each visible test's result as soon as its cell has run."""
    from rnnlab.kernels import notebook_client

    result = SetResult(path.stem)
    nb = nbformat.read(path, 4)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    not_attempted: set[str] = set()
    reported: set[str] = set()

    def executed(cell, cell_index, execute_reply, **_):
        meta = cell.metadata.get("nbgrader", {})
        error = _error_text(cell)
        if meta.get("solution") and error and error[0] == "NotImplementedError":
            not_attempted.add(meta.get("grade_id"))
        if _visible_test(cell):
            test = _judge(cell, not_attempted)
            result.tests.append(test)
            reported.add(test.grade_id)
            if on_result:
                on_result(test)

    client = notebook_client(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}}, on_cell_executed=executed)
    try:
        client.execute(stderr=subprocess.DEVNULL)        # no kernel start-up warnings on screen
    except Exception as err:                             # a dead kernel, or a cell over the time limit
        result.error = f"{type(err).__name__}: {str(err).strip().splitlines()[0][:200]}"
    for cell in nb.cells:                                # tests that never ran count as failed
        gid = _visible_test(cell)
        if gid and gid not in reported:
            test = TestResult(gid, "failed", "NotRun: an earlier cell stopped the notebook")
            result.tests.append(test)
            if on_result:
                on_result(test)
    return result


# what the check reads: the files on disk, which JupyterLab writes on Ctrl+S (and every two minutes)
SAVED_ONLY = "Checking the saved notebooks: save yours first (Ctrl+S) so that the check sees your latest answers."


def find_sets(release: Path) -> list[Path]:
    return sorted(p for p in release.glob("ps*/ps*.ipynb") if p.parent.name == p.stem)


def summary(results: list[SetResult]) -> str:
    """One honest line: how many visible tests pass out of all of them."""
    counts = {status: sum(r.count(status) for r in results) for status in STATUS}
    total = sum(counts.values())
    text = f"{counts['passed']} of {total} visible tests pass"
    rest = [f"{counts[s]} {s}" for s in ("failed", "not attempted") if counts[s]]
    errors = sum(bool(r.error) for r in results)
    if errors:
        rest.append(f"{errors} problem set{'s' if errors > 1 else ''} stopped early")
    return text + (f" ({', '.join(rest)})" if rest else "")


def table(results: list[SetResult]) -> str:
    """Every problem set with each exercise's visible test by name, then the summary."""
    lines = []
    for r in results:
        lines.append(f"{r.name}: {r.count('passed')} of {len(r.tests)} pass" + (f"   ({r.error})" if r.error else ""))
        lines += [t.line() for t in r.tests]
    return "\n".join(lines + [summary(results)])


def run(release: Path = REPO / "release", names: list[str] | None = None,
        on_result: Callable[[str, TestResult], None] | None = None,
        on_set: Callable[[str], None] | None = None) -> tuple[list[SetResult], int]:
    """Check every problem set; status 0 only when every visible test passes. `on_set(name)` is
    called as a problem set starts, `on_result(name, test)` as each of its tests finishes."""
    sets = [p for p in find_sets(release) if not names or any(p.stem.startswith(n) for n in names)]
    results = []
    for path in sets:
        if on_set:
            on_set(path.stem)
        report = (lambda test, name=path.stem: on_result(name, test)) if on_result else None
        results.append(check(path, on_result=report))
    done = results and all(r.count("passed") == len(r.tests) and not r.error for r in results)
    return results, 0 if done else 1


def show(release: Path | str = REPO / "release", names: list[str] | None = None) -> None:
    """For a notebook cell: print the table (never raises on failing tests)."""
    results, _ = run(Path(release), names=names)
    print(table(results))


class ProgressButton:
    """A button for the start page: runs the progress check on demand, showing each result as
    it arrives, and the honest summary at the end."""

    def __init__(self, release: Path | str = REPO / "release"):
        import ipywidgets as W

        self.release = Path(release)
        self.button = W.Button(description="Check my progress", button_style="primary",
                               tooltip="runs the visible tests of every problem set (a few seconds each)")
        self.table = W.HTML()
        self.button.on_click(lambda _: self.refresh())
        self.widget = W.VBox([self.button, self.table])

    def _render(self, rows: list[tuple[str, TestResult]], footer: str) -> None:
        import html

        colour = {"passed": "#2e7d32", "failed": "#c62828", "not attempted": "#757575"}
        body = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{html.escape(t.exercise)}</td>"
            f"<td style='color:{colour[t.status]}'>{html.escape(t.shown())}</td><td>{html.escape(t.message)}</td></tr>"
            for name, t in rows)
        self.table.value = (f"<table class='rnnlab-progress'><tr><th>problem set</th><th>exercise</th>"
                            f"<th>visible test</th><th>what failed</th></tr>{body}</table><p>{html.escape(footer)}</p>")

    def refresh(self) -> None:
        rows: list[tuple[str, TestResult]] = []
        self.button.disabled = True
        self._render(rows, f"starting... {SAVED_ONLY}")
        try:
            results, _ = run(self.release,
                             on_set=lambda name: self._render(rows, f"running {name}..."),
                             on_result=lambda name, test: (rows.append((name, test)),
                                                           self._render(rows, f"running {name}...")))
            self._render(rows, summary(results) if results else f"no problem sets found in {self.release}")
        finally:
            self.button.disabled = False

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rnnlab.progress", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("release", nargs="?", default=str(REPO / "release"))
    parser.add_argument("--only", nargs="*", help="problem sets to run, e.g. ps01 ps03")
    args = parser.parse_args(argv)

    def started(name):
        print(f"{name}:", flush=True)

    def finished(name, test):
        print(test.line(), flush=True)

    print(SAVED_ONLY, flush=True)
    results, status = run(Path(args.release), names=args.only, on_set=started, on_result=finished)
    if not results:
        print(f"no problem sets found in {args.release}")
        return 2
    for r in results:
        if r.error:
            print(f"{r.name} stopped early: {r.error}")
    print(summary(results))
    return status


if __name__ == "__main__":
    sys.exit(main())
