"""Where a student stands: run the visible tests of every problem set and show a table.

    make progress                       # or: python -m rnnlab.progress [release folder]

Each notebook in release/psNN_*/ (the student's working copies) runs from top to bottom in a
fresh kernel, as nbgrader would run it. Every test cell that holds visible tests is reported as
passed, failed (with the first line of its error) or not started (its exercise still raises
NotImplementedError). Unlike `nbgrader validate`, the command exits with status 1 when any
visible test fails, so it can gate a script; exercises not started do not count as failures
unless --strict is given.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent


@dataclass
class TestResult:
    grade_id: str
    status: str            # passed | failed | not started
    message: str = ""


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


def check(path: Path, timeout: int = 120) -> SetResult:
    """Run one problem-set notebook (a copy in memory; the file is not changed)."""
    from nbclient import NotebookClient

    result = SetResult(path.stem)
    nb = nbformat.read(path, 4)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except Exception as err:                      # a dead kernel or a cell over the time limit
        result.error = f"{type(err).__name__}: {str(err).strip().splitlines()[0][:200]}"
    not_started = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        error = _error_text(cell)
        if meta.get("solution") and error and error[0] == "NotImplementedError":
            not_started.add(meta.get("grade_id"))
        if not (meta.get("grade") and not meta.get("solution") and cell.cell_type == "code"):
            continue
        if not _has_visible_code(cell):
            continue                               # hidden tests only: they run when graded
        gid = meta["grade_id"]
        exercise = re.sub(r"_(visible|hidden|format|q\d+)$", "", gid)
        if error is None and cell.get("outputs") is not None and cell.get("execution_count"):
            result.tests.append(TestResult(gid, "passed"))
        elif exercise in not_started or (error and error[0] == "NotImplementedError"):
            result.tests.append(TestResult(gid, "not started"))
        else:
            ename, evalue = error or ("NotRun", "the cell did not run")
            result.tests.append(TestResult(gid, "failed", f"{ename}: {evalue}".strip()[:160]))
    return result


def find_sets(release: Path) -> list[Path]:
    return sorted(p for p in release.glob("ps*/ps*.ipynb") if p.parent.name == p.stem)


def table(results: list[SetResult]) -> str:
    lines = [f"{'problem set':28s} {'passed':>6s} {'failed':>6s} {'to do':>6s}"]
    for r in results:
        lines.append(f"{r.name:28s} {r.count('passed'):6d} {r.count('failed'):6d} {r.count('not started'):6d}"
                     + (f"   ({r.error})" if r.error else ""))
        for t in r.tests:
            if t.status == "failed":
                lines.append(f"    {t.grade_id}: {t.message}")
    return "\n".join(lines)


def run(release: Path = REPO / "release", strict: bool = False, names: list[str] | None = None
        ) -> tuple[list[SetResult], int]:
    sets = [p for p in find_sets(release) if not names or any(p.stem.startswith(n) for n in names)]
    results = [check(p) for p in sets]
    failed = any(r.count("failed") or r.error for r in results)
    todo = any(r.count("not started") for r in results)
    return results, int(failed or (strict and todo))


def show(release: Path | str = REPO / "release", names: list[str] | None = None) -> None:
    """For a notebook cell: print the table (never raises on failing tests)."""
    results, _ = run(Path(release), names=names)
    print(table(results))


class ProgressButton:
    """A button for the start page: runs the progress check on demand and shows the table."""

    def __init__(self, release: Path | str = REPO / "release"):
        import ipywidgets as W

        self.release = Path(release)
        self.button = W.Button(description="Check my progress", button_style="primary",
                               tooltip="runs the visible tests of every problem set (about 5 s each)")
        self.table = W.HTML()
        self.button.on_click(lambda _: self.refresh())
        self.widget = W.VBox([self.button, self.table])

    def refresh(self) -> None:
        import html

        self.table.value = "<i>running the visible tests...</i>"
        results, status = run(self.release)
        rows = "".join(
            f"<tr><td>{r.name}</td><td>{r.count('passed')}</td><td>{r.count('failed')}</td>"
            f"<td>{r.count('not started')}</td><td>{html.escape('; '.join(t.grade_id + ': ' + t.message for t in r.tests if t.status == 'failed') or r.error)}</td></tr>"
            for r in results)
        verdict = "all visible tests pass" if status == 0 else "some visible tests fail"
        self.table.value = (f"<table class='rnnlab-progress'><tr><th>problem set</th><th>passed</th>"
                            f"<th>failed</th><th>to do</th><th>what failed</th></tr>{rows}</table><p>{verdict}</p>")

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rnnlab.progress", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("release", nargs="?", default=str(REPO / "release"))
    parser.add_argument("--only", nargs="*", help="problem sets to run, e.g. ps01 ps03")
    parser.add_argument("--strict", action="store_true", help="exercises not started count as failures")
    args = parser.parse_args(argv)
    results, status = run(Path(args.release), strict=args.strict, names=args.only)
    if not results:
        print(f"no problem sets found in {args.release}")
        return 2
    print(table(results))
    print("all visible tests pass" if status == 0 else "some visible tests fail")
    return status


if __name__ == "__main__":
    sys.exit(main())
