"""Where a student stands: run the visible tests of every problem set and say so, by name.

    make progress                       # or: python -m rnnlab.progress [release folder]

Each saved notebook in release/psNN_*/ runs from top to bottom in a fresh kernel, the file unchanged,
and each exercise's visible test is reported as passed, failed (with the first line of its error) or
not attempted (its answer still raises NotImplementedError), then a count of what passes. A set whose
answers are all as released is not listed test by test: the sets not started share one line, which
says how to see one set in full (`make progress ONLY=ps03`, `--only ps03`). The status
is 1 until every visible test passes. Only problem sets changed since the last check run again (their
results are kept in `.rnnlab-progress.json` beside `release/`), one per usable core (up to four) at once;
`ProgressButton` runs the check for the start page, in a thread of its own.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nbformat

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 120  # seconds a cell may run


STATUS = ("passed", "failed", "not attempted")
MARK = {"passed": "passed", "failed": "FAILED", "not attempted": "not attempted"}


@dataclass
class TestResult:
    grade_id: str
    status: str  # passed | failed | not attempted
    message: str = ""

    @property
    def exercise(self) -> str:
        return re.sub(r"_(visible|hidden|format|q\d+)$", "", self.grade_id)

    @property
    def answered(self) -> bool:
        """A quiz's format check passed: its answers are letters, scored only when the set is graded."""
        return self.grade_id.endswith("_format") and self.status == "passed"

    def shown(self) -> str:
        return "answered" if self.answered else MARK[self.status]

    def note(self) -> str:
        """What the status does not say: why a check failed, or that a quiz is scored later."""
        return "each answer a valid letter; scored when graded" if self.answered else self.message

    def line(self) -> str:
        if self.answered:
            return f"  {self.exercise:28s} {self.shown()} ({self.note()})"
        return f"  {self.exercise:28s} {self.shown()}" + (f": {self.message}" if self.message else "")


@dataclass
class SetResult:
    name: str
    tests: list[TestResult] = field(default_factory=list)
    error: str = ""
    saved: float = 0.0  # when the notebook was last saved (its file's time)
    reused: bool = False  # unchanged since the last check: its results were kept, not rerun
    unanswered: bool = False  # every answer cell as the course released it
    open_in_lab: bool = False  # open in the course's running JupyterLab, with a kernel

    def count(self, status: str) -> int:
        return sum(t.status == status for t in self.tests)

    def when(self) -> str:
        """What the check read: when the file was saved, and whether JupyterLab may hold more."""
        said = "no answer written yet" if self.unanswered else f"saved {ago(self.saved)}"
        said += ", unchanged since the last check" if self.reused else ""
        return said + (f"; {OPEN_IN_LAB}" if self.open_in_lab else "")

    def heading(self) -> str:
        return f"{self.name}: {self.count('passed')} of {len(self.tests)} pass ({self.when()})" + (
            f"   ({self.error})" if self.error else ""
        )


OPEN_IN_LAB = "open in JupyterLab: unsaved typing there is not checked, Ctrl+S saves it"


def _checksum(cell) -> str:
    """nbgrader.utils.compute_checksum(cell), without importing nbgrader.utils (setuptools, tornado)."""
    meta = cell.metadata["nbgrader"]
    digest = hashlib.md5()
    for part in (
        cell.source,
        cell.cell_type,
        str(bool(meta.get("grade"))),
        str(bool(meta.get("solution"))),
        str(bool(meta.get("locked"))),
        meta["grade_id"],
    ):
        digest.update(part.encode("utf-8"))
    if meta.get("grade"):
        digest.update(str(float(meta["points"])).encode("utf-8"))
    return digest.hexdigest()


def unanswered(nb) -> bool:
    """Whether every answer cell (nbgrader's solution cells) holds what the course released."""
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    try:
        return bool(answers) and all(c.metadata["nbgrader"].get("checksum") == _checksum(c) for c in answers)
    except (KeyError, TypeError, ValueError):
        return False


def open_in_lab(release: Path) -> set[Path]:
    """The notebooks under `release` open with a kernel in a running JupyterLab (empty if none answers)."""
    from rnnlab import labserver

    try:
        return {path for server in labserver.servers(release) for path in server.open_notebooks()}
    except Exception:  # a help, never a reason for the check to fail
        return set()


def ago(then: float) -> str:
    """'12 s ago', '5 min ago', '3 h ago' or the date: when a file was saved, in words."""
    seconds = max(0.0, time.time() - then)
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.0f} h ago"
    return "on " + time.strftime("%Y-%m-%d", time.localtime(then))


def _has_visible_code(cell) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in cell.source.splitlines())


def _error_text(cell) -> tuple[str, str] | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out.get("ename", ""), out.get("evalue", "")
    return None


ANSI = re.compile(r"\x1b\[[0-9;]*m")
NAMED = re.compile(r"Looks like: (.+?)\.(?:\n|$)", re.S)


def _named_mistake(cell) -> str:
    """The known mistake the test cell named under its error (rnnlab.checks.name_mistakes), or "": in the
    error's text, or printed below it."""
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        text = (
            "\n".join(out.get("traceback", [])) if kind == "error" else out.get("text", "") if kind == "stream" else ""
        )
        m = NAMED.search(ANSI.sub("", "".join(text) if isinstance(text, list) else text))
        if m:
            return " ".join(m[1].split())
    return ""


def _visible_test(cell) -> str | None:
    """The grade id of a cell holding visible tests (a test cell, or the quiz's locked format check)."""
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
    named = _named_mistake(cell)
    if named:  # the mistake's name is worth more than the rest of the message
        return TestResult(gid, "failed", f"{ename}: {first}".strip()[:100] + f"; looks like: {named}")
    return TestResult(gid, "failed", f"{ename}: {first}".strip()[:160])


def check(
    path: Path, on_result: Callable[[TestResult], None] | None = None, nb: nbformat.NotebookNode | None = None
) -> SetResult:
    """Run one problem-set notebook (in memory; `nb`, if given, is its content as already read), calling
    `on_result` with each visible test's result as soon as its cell has run."""
    import nbformat

    from rnnlab.kernels import notebook_client

    result = SetResult(path.stem)
    nb = nbformat.read(path, 4) if nb is None else nb
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

    client = notebook_client(
        nb,
        timeout=TIMEOUT,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_executed=executed,
    )
    try:
        client.execute(stderr=subprocess.DEVNULL)  # no kernel start-up warnings on screen
    except Exception as err:  # a dead kernel, or a cell over the time limit
        result.error = f"{type(err).__name__}: {str(err).strip().splitlines()[0][:200]}"
    for cell in nb.cells:  # tests that never ran count as failed
        gid = _visible_test(cell)
        if gid and gid not in reported:
            test = TestResult(gid, "failed", "NotRun: an earlier cell stopped the notebook")
            result.tests.append(test)
            if on_result:
                on_result(test)
    return result


SAVED_ONLY = (
    "Checking the saved notebooks (JupyterLab saves a changed notebook every ten seconds; Ctrl+S saves at once)."
)
CACHE_NAME = ".rnnlab-progress.json"
MAX_JOBS = 4  # kernels at once: each holds torch (about 300 MB)


def usable_cpus() -> int:
    """CPUs this process may use: its affinity, capped by a container's CPU quota (cgroup v2's cpu.max)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cpus = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, int(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cpus)


@functools.cache
def package_fingerprint() -> str:
    """A hash of the course package's code and data: a result is reused only while they are the same."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Cache:
    """The last results of each problem set, keyed by what produced them; a file that cannot be read is
    empty."""

    def __init__(self, path: Path | None):
        self.path, self.entries, self.lock = path, {}, threading.Lock()
        if path is not None:
            try:
                self.entries = dict(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                self.entries = {}

    @staticmethod
    def key(notebook: bytes) -> str:
        return hashlib.sha256(notebook + package_fingerprint().encode() + sys.version.encode()).hexdigest()

    def get(self, name: str, key: str) -> SetResult | None:
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        try:
            tests = [TestResult(**t) for t in entry["tests"]]
        except (KeyError, TypeError):
            return None
        return SetResult(name, tests, reused=True)

    def put(self, name: str, key: str, result: SetResult) -> None:
        if self.path is None or result.error:  # a dead kernel or a time-out: check again next time
            return
        with self.lock:
            self.entries[name] = {"key": key, "tests": [asdict(t) for t in result.tests]}
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
            try:
                tmp.write_text(json.dumps(self.entries, indent=1), encoding="utf-8")
                os.replace(tmp, self.path)
            except OSError:  # a read-only folder: nothing kept
                tmp.unlink(missing_ok=True)


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


def started(result: SetResult) -> bool:
    """Whether the student has written in the set: an answer cell changed, or the notebook unreadable."""
    return not result.unanswered or bool(result.error)


def not_started(results: list[SetResult]) -> str:
    """One line for the sets nobody has written in yet, and how to see one in full."""
    names = [r.name.split("_")[0] for r in results]
    return (
        f"Not started (no answer written yet): {', '.join(names)}.\n"
        f"To see one set test by test: make progress ONLY={names[0]}"
    )


def run(
    release: Path = REPO / "release",
    names: list[str] | None = None,
    on_result: Callable[[str, TestResult], None] | None = None,
    on_set: Callable[[str], None] | None = None,
    on_done: Callable[[SetResult], None] | None = None,
    jobs: int | None = None,
    cache: bool = True,
) -> tuple[list[SetResult], int]:
    """Check every problem set (in release order in the list returned); status 0 only when every visible
    test passes. Sets unchanged since the last check are not run again (`cache`), the others `jobs` at a
    time (default: the usable CPUs, at most MAX_JOBS). `on_set(name)`, `on_result(name, test)` and
    `on_done(result)` are called as a set starts, a test finishes and a set is done, never two at once."""
    import nbformat  # here, not at the top: the start page's button imports this module

    sets = [p for p in find_sets(release) if not names or any(p.stem.startswith(n) for n in names)]
    store = Cache(release.parent / CACHE_NAME if cache else None)
    open_now = open_in_lab(release) if sets else set()
    lock = threading.Lock()

    def call(fn, *args):
        if fn:
            with lock:
                fn(*args)

    def one(path: Path) -> SetResult:
        saved, data = path.stat().st_mtime, path.read_bytes()  # the key and the run: the same bytes
        key = Cache.key(data)
        result = store.get(path.stem, key) if cache else None
        call(on_set, path.stem)
        try:
            nb = nbformat.reads(data.decode("utf-8"), 4)
        except Exception as err:  # not a notebook JupyterLab can open
            nb, unreadable = None, f"the notebook cannot be read: {type(err).__name__}: {err}"[:200]
        blank = nb is not None and unanswered(nb)
        if result is not None:
            for test in result.tests:
                call(on_result, path.stem, test)
        else:
            if nb is None:
                result = SetResult(path.stem, error=unreadable)
            else:
                result = check(path, on_result=lambda test: call(on_result, path.stem, test), nb=nb)
            store.put(path.stem, key, result)
        result.saved, result.unanswered = saved, blank
        result.open_in_lab = path.resolve() in open_now
        call(on_done, result)
        return result

    fresh = [p for p in sets if not cache or store.get(p.stem, Cache.key(p.read_bytes())) is None]
    kept = [p for p in sets if p not in fresh]
    results = {p: one(p) for p in kept}  # at once, and shown first
    workers = max(1, min(jobs or min(usable_cpus(), MAX_JOBS), len(fresh) or 1))
    with ThreadPoolExecutor(workers) as pool:
        results.update(zip(fresh, pool.map(one, fresh)))
    ordered = [results[p] for p in sets]
    done = ordered and all(r.count("passed") == len(r.tests) and not r.error for r in ordered)
    return ordered, 0 if done else 1


class ProgressButton:
    """A button for the start page: runs the check in a thread of its own, showing each result as it
    arrives and the summary at the end."""

    def __init__(self, release: Path | str = REPO / "release"):
        import ipywidgets as W

        self.release = Path(release)
        self.button = W.Button(
            description="Check my progress",
            button_style="primary",
            tooltip="runs the visible tests of the problem sets changed since the last check",
        )
        self.table = W.HTML()
        self.thread: threading.Thread | None = None
        self.button.on_click(lambda _: self.start())
        self.widget = W.VBox([self.button, self.table])

    def _render(self, sets: dict[str, SetResult], footer: str) -> None:
        import html

        from .colours import VERDICTS

        colour = {"passed": VERDICTS["right"], "failed": VERDICTS["wrong"], "not attempted": VERDICTS["not attempted"]}
        body = ""
        for r in sets.values():
            for n, t in enumerate(r.tests):
                head = f"{html.escape(r.name)}<br><small>{html.escape(r.when())}</small>" if n == 0 else ""
                body += (
                    f"<tr><td>{head}</td><td>{html.escape(t.exercise)}</td>"
                    f"<td style='color:{colour[t.status]}'>{html.escape(t.shown())}</td>"
                    f"<td class='rnnlab-progress-why'>{html.escape(t.note())}</td></tr>"
                )
        nowrap = "white-space:nowrap;vertical-align:top;padding-right:1em"
        self.table.value = (
            f"<style>.rnnlab-progress td{{{nowrap}}} .rnnlab-progress td.rnnlab-progress-why"
            f"{{white-space:normal;overflow-wrap:anywhere}}</style>"
            # fixed columns: the table keeps its shape as results arrive
            f"<table class='rnnlab-progress' style='table-layout:fixed;width:100%'>"
            f"<colgroup><col style='width:17em'><col style='width:14em'><col style='width:9em'>"
            f"<col></colgroup><tr><th>problem set</th><th>exercise</th>"
            f"<th>visible test</th><th>notes</th></tr>{body}</table><p>{html.escape(footer)}</p>"
        )

    def start(self) -> None:
        """Start a check unless one is running; returns at once."""
        if self.thread is not None and self.thread.is_alive():
            return
        self.button.disabled = True
        self.thread = threading.Thread(target=self.refresh, name="rnnlab-progress", daemon=True)
        self.thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Until the running check (if any) ends."""
        if self.thread is not None:
            self.thread.join(timeout)

    def refresh(self) -> None:
        """Run the check here, in this thread, updating the table as results arrive."""
        sets: dict[str, SetResult] = {}
        running: list[str] = []
        self.button.disabled = True
        self._render(sets, f"starting... {SAVED_ONLY}")

        def started(name):
            path = self.release / name / f"{name}.ipynb"
            sets[name] = SetResult(name, saved=path.stat().st_mtime if path.exists() else 0.0)
            running.append(name)
            self._render(sets, f"running {', '.join(running)}... {SAVED_ONLY}")

        def arrived(name, test):
            sets[name].tests.append(test)
            self._render(sets, f"running {', '.join(running)}... {SAVED_ONLY}")

        def finished(result):
            sets[result.name] = result
            running.remove(result.name)
            self._render(sets, f"running {', '.join(running)}... {SAVED_ONLY}" if running else "")

        try:
            results, _ = run(self.release, on_set=started, on_result=arrived, on_done=finished)
            order = {r.name: n for n, r in enumerate(results)}
            sets = dict(sorted(sets.items(), key=lambda item: order.get(item[0], 0)))
            reused = sum(r.reused for r in results)
            note = f" ({reused} unchanged since the last check, not run again)" if reused else ""
            self._render(sets, summary(results) + note if results else f"no problem sets found in {self.release}")
        except Exception as err:  # shown, not lost in a thread
            self._render(sets, f"the check stopped: {type(err).__name__}: {err}")
        finally:
            self.button.disabled = False

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rnnlab.progress", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("release", nargs="?", default=str(REPO / "release"))
    parser.add_argument("--only", nargs="*", help="problem sets to run, e.g. ps01 ps03")
    parser.add_argument(
        "--again", action="store_true", help="run every problem set, also those unchanged since the last check"
    )
    args = parser.parse_args(argv)

    def finished(result):  # each set begun (or asked for) as a block, as soon as it is done
        if args.only or started(result):
            print("\n".join([result.heading()] + [t.line() for t in result.tests]), flush=True)

    print(SAVED_ONLY, flush=True)
    results, status = run(Path(args.release), names=args.only, on_done=finished, cache=not args.again)
    if not results:
        print(f"no problem sets found in {args.release}")
        return 2
    for r in results:
        if r.error:
            print(f"{r.name} stopped early: {r.error}")
    waiting = [r for r in results if not (args.only or started(r))]
    if waiting:
        print(not_started(waiting))
    print(summary(results))
    return status


if __name__ == "__main__":
    sys.exit(main())
