"""make bench: measure every budgeted cost and write bench/REPORT.md and bench/report.json.

    python -m bench.run                      # everything (about half an hour)
    python -m bench.run --parts widgets,notebooks --repeats 2

Parts, each a median over `repeats` runs, on this machine:
  notebooks  wall time and kernel peak memory of every lecture and problem-set solution
  tests      make test as a user runs it, each part's seconds (REPEATS=1 is about 25 minutes), or
             from logs of runs elsewhere: --parts tests --make-test-log make-test.log
  grading    stock serial nbgrader against the sandboxed parallel pipeline, same submissions
  cluster    the pipeline on a Dask LocalCluster of 1 and 2 workers against this machine's (bench/cluster.py)
  widgets    kernel-side latency of each widget (pytest-benchmark)
  browser    each widget in JupyterLab and Chromium: update latency, size on screen, aspect, text
  similarity make similarity's comparison and page for classes of 40, 120 and 240 (bench/similarity.py)
  adding     chapter 07's adding problem: seconds to fall below a tenth of the 0.167 baseline
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench"

BUDGETS = {
    "notebook_seconds": 30,
    "notebook_mb": 1024,
    "lecture_x_floor": 4.0,
    "make_test_seconds": 15 * 60,
    "grading_ratio": 2.5,
    "widget_kernel_median_ms": 50,
    "widget_browser_ms": 300,
}


def machine() -> dict:
    cpu = next(
        (
            l.split(":", 1)[1].strip()
            for l in Path("/proc/cpuinfo").read_text().splitlines()
            if l.startswith("model name")
        ),
        platform.processor(),
    )
    mem = (
        int(next(l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")))
        // 1024**2
    )
    import torch

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def part_notebooks(repeats: int) -> dict:
    from bench.notebooks import measure

    return measure(repeats)


# make test's parts, told apart by a pattern of the pytest command each runs (make echoes it before its output;
# with --output-sync each part's output is printed whole), in the order make test runs them
TEST_PARTS = (
    ("unit", "not grading and not browser"),
    ("notebooks", "--nbval"),
    ("grading", r'-m "?grading\b'),  # -m grading before the wrong answers moved to make test-more
    ("hub", "-m hub"),
    ("website", "-m browser tests/"),
    ("JupyterLab", "-m browser -n"),
)
SUMMARY = re.compile(r"^=*\s*(?P<counts>(?:\d+ \w+(?:, )?)+) in (?P<seconds>[\d.]+)s")
WHOLE = re.compile(r"^make test: all parts passed in (?P<seconds>\d+) s$")


def parts_of_make_test(output: str) -> dict:
    """Each part's test counts and seconds (pytest's own summary) and the whole (make test's own
    line) from the output of `make test`; a part whose summary is missing is left out."""
    parts, current, whole = {}, None, None
    for line in output.replace("\\\n", " ").splitlines():  # make echoes a recipe's continued lines
        line = line.strip()
        if " -m pytest " in line:
            current = next((name for name, mark in TEST_PARTS if re.search(mark, line)), None)
        elif (m := SUMMARY.match(line)) and current:
            parts[current] = {"seconds": round(float(m["seconds"]), 1), "tests": m["counts"].strip(", ")}
            current = None
        elif m := WHOLE.match(line):
            whole = int(m["seconds"])
    return {"parts": parts, "whole": whole}


def make_test_run(output: str, where: str) -> dict:
    found = parts_of_make_test(output)
    missing = [name for name, _ in TEST_PARTS if name not in found["parts"]]
    if missing or found["whole"] is None:
        raise RuntimeError(f"make test's output lacks the summary of {missing or 'the whole run'}")
    return {**found, "where": where}


def part_tests(repeats: int, logs: list[Path] = ()) -> dict:
    """`make test` as a user runs it (grading beside the hub, then the website), `repeats` times, or the logs
    of runs made elsewhere (a fresh clone's: `make test 2>&1 | tee make-test.log`): each part's
    seconds and the whole, medians."""
    runs = [make_test_run(Path(log).read_text(), f"the log {Path(log).name}") for log in logs]
    for _ in range(0 if logs else repeats):
        proc = subprocess.run(["make", "--no-print-directory", "test"], cwd=REPO, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"make test failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
        runs.append(make_test_run(proc.stdout, "this checkout"))
    median = lambda values: round(statistics.median(values), 1)
    return {
        "parts": {
            name: {
                "seconds": median([r["parts"][name]["seconds"] for r in runs]),
                "tests": runs[-1]["parts"][name]["tests"],
            }
            for name, _ in TEST_PARTS
        },
        "make_test_seconds": median([r["whole"] for r in runs]),
        "runs": runs,
        **({"load": "not recorded (the runs were made elsewhere)"} if logs else {}),
    }


LATENCY_KEYS = ("readout_ms", "src_ms", "decoded_ms", "figure_ms", "figure_max_ms", "readout_max_ms")


def browser_latency(runs: list[dict]) -> dict:
    """Per widget, over the browser test's runs: the median of each run's median milliseconds
    from one change (a key press, a click, a pick) to the new readout, to the new figure's src,
    to its decoding and to its paint, and the largest of the runs' largest (figure_max_ms)."""
    widgets = [name for name in runs[0] if all(name in r for r in runs)]
    out = {}
    for name in widgets:
        row = {"repeats": sum(r[name].get("repeats", 1) for r in runs)}
        for key in LATENCY_KEYS:
            series = [r[name][key] for r in runs if key in r[name]]
            if series:
                row[key] = round(max(series) if key.endswith("_max_ms") else statistics.median(series), 1)
        out[name] = row
    return out


# the browser tests that move widgets (not the one that saves and grades problem sets)
BROWSER_WIDGET_TESTS = [
    "tests/browser/test_browser.py::TestLecture03::test_gate_explorer_responds_in_jupyterlab",
    "tests/browser/test_browser_chapters.py",
    "tests/browser/test_browser_ch09.py",
    "tests/browser/test_browser_ch10.py",
]


def part_browser(repeats: int) -> dict:
    """Only the browser tests that move widgets (JupyterLab and Chromium at 1366 x 768),
    `repeats` times: each widget's update latency and how it is laid out on the screen."""
    latencies, layout, times, loads = [], {}, [], []
    for _ in range(repeats):
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "browser", *BROWSER_WIDGET_TESTS],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        times.append(round(time.perf_counter() - start, 1))
        loads.append(os.getloadavg()[1])
        if proc.returncode != 0:
            raise RuntimeError(f"the browser tests failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
        latencies.append(json.loads((REPO / "test-artifacts" / "browser-latency.json").read_text()))
        layout = json.loads((REPO / "test-artifacts" / "widget-layout.json").read_text())
    return {
        "browser_latency": browser_latency(latencies),
        "browser_layout": layout,
        "runs": times,
        "load": "5-minute load average " + ", ".join(f"{x:.2f}" for x in loads) + " after each run",
    }


def part_grading(repeats: int, count: int = 24) -> dict:
    from bench.grading import measure

    runs = [measure(count=count, jobs=os.cpu_count() or 2) for _ in range(repeats)]
    return {
        "submissions": count,
        "jobs": runs[0]["jobs"],
        "runs": runs,
        "stock_per_submission": statistics.median(r["stock_per_submission"] for r in runs),
        "pipeline_per_submission": statistics.median(r["pipeline_per_submission"] for r in runs),
        "ratio": statistics.median(r["ratio"] for r in runs),
        "identical_scores": all(r["identical_scores"] for r in runs),
    }


def part_cluster(repeats: int) -> dict:
    from bench.cluster import measure

    return measure(count=40, repeats=max(2, repeats))


def part_similarity(repeats: int) -> dict:
    from bench.similarity import measure

    return measure(repeats=repeats)


def part_widgets(repeats: int) -> dict:
    out = OUT / "widget-latency.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(OUT / "test_widget_latency.py"),
            f"--benchmark-json={out}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout[-3000:])
    data = json.loads(out.read_text())
    out.unlink()
    return {
        b["name"].removeprefix("test_"): {
            "median_ms": round(b["extra_info"]["median_ms"], 1),
            "p95_ms": round(b["extra_info"]["p95_ms"], 1),
            "rounds": b["stats"]["rounds"],
        }
        for b in data["benchmarks"]
    }


ADDING_MODELS = {
    "RNN": ("rnn", None),
    "LSTM, default init": ("lstm", None),
    "LSTM, forget bias 1": ("lstm", 1.0),
    "GRU": ("gru", None),
}


def part_adding(repeats: int) -> dict:
    """Chapter 07's settings (16 units, T=40, Adam, at most 400 steps), on more seeds than the
    lecture trains: seconds until the evaluation MSE is below a tenth of the baseline."""
    from rnnlab import setup
    from rnnlab.adding import RACE_07, train_adding

    setup(quiet=True)
    seeds = list(range(max(repeats, 5)))
    models = {}
    for name, (kind, forget_bias) in ADDING_MODELS.items():
        runs = [train_adding(kind, seed, forget_bias=forget_bias, **RACE_07) for seed in seeds]
        reached = [r.reached_seconds for r in runs if r.reached]
        models[name] = {
            "seeds": len(seeds),
            "reached": f"{len(reached)} of {len(seeds)}",
            "median_seconds": round(statistics.median(reached), 1) if len(reached) * 2 > len(seeds) else "never",
            "runs": [
                {
                    "seed": r.seed,
                    "best_mse": round(r.best_mse, 4),
                    "steps": r.steps,
                    "seconds": round(r.reached_seconds if r.reached else r.seconds, 1),
                    "reached": r.reached,
                }
                for r in runs
            ],
        }
    return {"models": models}


PARTS = {
    "notebooks": part_notebooks,
    "widgets": part_widgets,
    "browser": part_browser,
    "grading": part_grading,
    "cluster": part_cluster,
    "similarity": part_similarity,
    "adding": part_adding,
    "tests": part_tests,
}


def verdict(ok: bool) -> str:
    return "within budget" if ok else "**over budget**"


def measured(part: dict) -> str:
    if "measured" not in part:
        return ""
    load = f" Load: {part['load']}." if part.get("load") else ""
    return f"_Measured {part['measured']}.{load}_\n"


def newest_browser(results: dict) -> dict | None:
    """The browser figures of the `browser` part, in the current per-widget form (the `tests` part
    kept them too until it ran make test whole; a report.json of that time may still hold them)."""
    found = [
        (p["measured"], p)
        for p in (results.get("browser"), results.get("tests"))
        if p
        and isinstance(p.get("browser_latency"), dict)
        and all(isinstance(v, dict) for v in p["browser_latency"].values())
    ]
    return max(found, key=lambda f: f[0])[1] if found else None


def browser_lines(b: dict) -> list[str]:
    lines = [
        "## Widgets in the browser",
        "",
        measured(b),
        "Each widget in JupyterLab and Chromium at 1366 x 768 (the browser tests, `make "
        "test-browser`), timed inside the page: one change at a time (a key press, a click or "
        "a pick), repeated; milliseconds from the event's dispatch to the kernel's new readout, "
        "to the new figure arriving (img src), decoded, and painted (median, and the largest "
        f"of all repetitions; budget {BUDGETS['widget_browser_ms']} ms for the painted "
        "figure's median); the size it is shown at, how far the figure's shown aspect ratio "
        "is from its own, and the smallest text on screen.",
        "",
        "| widget | readout ms | figure arrives ms | decoded ms | painted ms (max) | budget | "
        "widget on screen (CSS px) | aspect error | smallest text px (figure / controls) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    layout, latency = b.get("browser_layout", {}), b["browser_latency"]
    for name in sorted(set(layout) | set(latency)):
        lat = latency.get(name)
        # a second control of a widget measured above (10-attention-map-typed) is laid out as it
        lay = layout.get(name) or next(
            (layout[k] for k in sorted(layout, key=len, reverse=True) if name.startswith(k + "-")), {}
        )
        # every chapter's quiz (and flashcards) is the same widget: one chapter's is timed
        same = next(
            (k for k in sorted(latency) if lat is None and k != name and k.split("-", 1)[1] == name.split("-", 1)[1]),
            None,
        )
        if lat and "figure_ms" in lat:
            ms = (
                f"{lat['readout_ms']} | {lat.get('src_ms', '')} | {lat.get('decoded_ms', '')} | "
                f"{lat['figure_ms']} ({lat.get('figure_max_ms', '?')}) | "
                f"{verdict(lat['figure_ms'] <= BUDGETS['widget_browser_ms'])}"
            )
        elif lat:  # a widget without a figure: the readout is what the student waits for
            ms = (
                f"{lat['readout_ms']} ({lat.get('readout_max_ms', '?')}) | | | | "
                f"{verdict(lat['readout_ms'] <= BUDGETS['widget_browser_ms'])}"
            )
        elif same:
            ms = f"| | | | as {same}"
        else:
            ms = "| | | | not measured"
        shown = "x".join(map(str, lay.get("displayed", []))) or "?"
        if "figure_shown" in lay:
            shown += " (figure {:g}x{:g})".format(*lay["figure_shown"])
        aspect = f"{100 * lay['aspect_error']:.2f}%" if "aspect_error" in lay else "no figure"
        text = f"{lay.get('smallest_figure_text_px', '-')} / {lay.get('smallest_html_text_px', '?')}"
        lines.append(f"| {name} | {ms} | {shown} | {aspect} | {text} |")
    return lines + [""]


def cluster_lines(c: dict) -> list[str]:
    rows = {
        "local-1": "this machine, 1 worker",
        "local-2": "this machine, 2 workers",
        "cluster-1": "Dask cluster, 1 worker",
        "cluster-2": "Dask cluster, 2 workers",
        "local-2-sqlite": "this machine, 2 workers, SQLite gradebook",
    }
    lines = [
        "## Grading on a Dask cluster",
        "",
        measured(c),
        f"{c['submissions']} {c['assignment']} submissions (as above), sandboxed and re-checked, into a "
        "PostgreSQL gradebook unless said otherwise; the cluster is a LocalCluster of one-thread worker "
        "processes over TCP on this machine, started before the clock (`python -m bench.cluster`).",
        "",
        "| grading | seconds (runs) | submissions per minute |",
        "|---|---|---|",
    ]
    for mode, label in rows.items():
        runs = c["runs"][mode]
        lines.append(
            f"| {label} | {statistics.median(runs):.1f} ({', '.join(map(str, runs))}) | {c['per_minute'][mode]} |"
        )
    over = [
        f"{c[f'overhead_per_task_{k}']['seconds']} s per task ({c[f'overhead_per_task_{k}']['percent']}%) with {k} "
        f"worker{'s' if k > 1 else ''}"
        for k in (1, 2)
    ]
    return lines + [
        "",
        f"The cluster path against this machine's, same workers and gradebook: {over[0]}, {over[1]} "
        f"(goal: under 5%). Results identical in every run: {c['identical_results']}.",
        "",
    ]


def similarity_lines(s: dict) -> list[str]:
    lines = [
        "## make similarity by class size",
        "",
        measured(s),
        f"{s['assignment']}: classes made of its own answers (bench/similarity.py), every pair compared on "
        f"{len(s['exercises'])} exercise(s) and over the whole notebook, one thread.",
        "",
        "| students | pairs | seconds comparing | ms per pair and level | pairs listed | seconds for the page |",
        "|---|---|---|---|---|---|",
    ]
    for r in s["sizes"]:
        lines.append(
            f"| {r['students']} | {r['pairs']} | {r['compare_seconds']} | {r['ms_per_pair_and_level']} | "
            f"{r['listed']} | {r['page_seconds']} |"
        )
    return lines + [""]


def write_report(results: dict) -> None:
    (OUT / "report.json").write_text(json.dumps(results, indent=1))
    m = results["machine"]
    lines = [
        "# Benchmark report",
        "",
        f"Made by `make bench` on {m['date']}: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, "
        f"Python {m['python']}, torch {m['torch']}. Figures are medians of {results['repeats']} runs "
        "unless a row says otherwise; the machine is shared, so expect noise of tens of percent.",
        "",
    ]
    nb = results.get("notebooks")
    if nb:
        lines += [
            "## Notebooks (one CPU thread, fresh kernel each)",
            "",
            measured(nb),
            f"Floor: a kernel that starts and imports torch takes {nb['floor_seconds']} s and "
            f"{nb['floor_peak_mb']} MB. Budget: {BUDGETS['notebook_seconds']} s and 1 GB each; a lecture "
            f"also within {BUDGETS['lecture_x_floor']:g}x the floor.",
            "",
            "| notebook | seconds | x floor | kernel peak MB | budget |",
            "|---|---|---|---|---|",
        ]
        for r in nb["notebooks"]:
            ok = r["seconds"] <= BUDGETS["notebook_seconds"] and r["peak_mb"] <= BUDGETS["notebook_mb"]
            if "(solution)" not in r["notebook"]:
                ok = ok and r["x_floor"] <= BUDGETS["lecture_x_floor"]
            lines.append(f"| {r['notebook']} | {r['seconds']} | {r['x_floor']} | {r['peak_mb']} | {verdict(ok)} |")
        lines.append("")
    t = results.get("tests")
    if t and "parts" in t:
        lines += [
            "## make test",
            "",
            measured(t),
            "Each part's seconds as pytest counts them; the grading part runs beside the hub's tests and "
            "then the website's (test-hub-site), the other parts one after another. "
            "The whole is make test's own count, from its first part to its "
            "last (the tools' installs before it are left out).",
            "",
            "| part | tests | seconds |",
            "|---|---|---|",
        ]
        for name, _ in TEST_PARTS:
            lines.append(f"| {name} | {t['parts'][name]['tests']} | {t['parts'][name]['seconds']} |")
        lines += [
            f"| **whole** | | **{t['make_test_seconds']}** "
            f"({verdict(t['make_test_seconds'] <= BUDGETS['make_test_seconds'])}: 15 min) |",
            "",
            MAKE_TEST_ARRANGEMENT,
            "",
        ]
    g = results.get("grading")
    if g:
        lines += [
            "## Grading throughput",
            "",
            measured(g),
            f"{g['submissions']} submissions (solution, blank, wrong solutions, alternatives, repeated), "
            f"graded by stock serial `nbgrader autograde` + `generate_feedback`, and by the pipeline "
            f"(sandboxed, re-checked, {g['jobs']} workers).",
            "",
            "| | seconds per submission | submissions per minute |",
            "|---|---|---|",
            f"| stock nbgrader, serial | {g['stock_per_submission']} | {round(60 / g['stock_per_submission'], 1)} |",
            f"| pipeline | {g['pipeline_per_submission']} | {round(60 / g['pipeline_per_submission'], 1)} |",
            "",
            f"Ratio {g['ratio']} ({verdict(g['ratio'] >= BUDGETS['grading_ratio'])}: at least "
            f"{BUDGETS['grading_ratio']}); scores identical in every run: {g['identical_scores']}.",
            "",
            SUBMISSION_PROFILE,
            "",
        ]
    c = results.get("cluster")
    if c:
        lines += cluster_lines(c)
    sim = results.get("similarity")
    if sim:
        lines += similarity_lines(sim)
    w = results.get("widgets")
    if w:
        lines += [
            "## Widget latency",
            "",
            measured(w),
            "From a control's change to the new figure, in the kernel (pytest-benchmark; budget: median 50 ms):",
            "",
            "| widget | median ms | 95th percentile ms | rounds | budget |",
            "|---|---|---|---|---|",
        ]
        for name, r in ((k, v) for k, v in w.items() if isinstance(v, dict)):
            lines.append(
                f"| {name} | {r['median_ms']} | {r['p95_ms']} | {r['rounds']} | "
                f"{verdict(r['median_ms'] <= BUDGETS['widget_kernel_median_ms'])} |"
            )
        lines.append("")
    browser = newest_browser(results)
    if browser:
        lines += browser_lines(browser)
    a = results.get("adding")
    if a:
        lines += ["## The adding problem (chapter 07)", "", measured(a)]
        if "note" in a:
            lines.append(a["note"])
        else:
            lines += [
                "Chapter 07's settings (16 units, T = 40, batches of 64, Adam, at most 400 steps, "
                "one thread). Seconds of training until the evaluation MSE falls below a tenth of "
                "the 0.167 baseline (median over the seeds that got there; `never` if fewer than "
                "half did), and each seed's best evaluation MSE.",
                "",
                "| model | reached | median seconds | best MSE per seed |",
                "|---|---|---|---|",
            ]
            for name, r in a["models"].items():
                best = ", ".join(f"{x['best_mse']:.3f}" for x in r["runs"])
                lines.append(f"| {name} | {r['reached']} | {r['median_seconds']} | {best} |")
        lines.append("")
    lines += ["## What changed to meet the budgets", ""]
    lines += [f"- {line}" for line in CHANGES]
    (OUT / "REPORT.md").write_text("\n".join(lines) + "\n")


# Why the Makefile runs make test's parts as it does (measured by hand; re-measure when the parts change).
MAKE_TEST_ARRANGEMENT = (
    "Why the parts run so. Every part but the hub's keeps both cores busy (83-92% measured); the hub's "
    "keeps 0.83 of a core (its hubs and servers start one after another), so it runs beside the grading "
    "part, the longest and the one with most room (1.67 cores), and the website's tests follow it there "
    "(test-hub-site). Measured 2026-11-28, one quiet run each: notebooks 94 s alone, grading 461 s alone, "
    "hub 131 s alone, grading and hub side by side 505 s. The website's build run beside the JupyterLab "
    "tests slowed them by more than it took (319 s in all against 85 + 177 s); 2026-11-29, two "
    "alternating pairs: grading beside the hub, then the website, 684 and 677 s; the website after the "
    "hub beside grading, 588 and 628 s. The parts write Python's bytecode caches even where the shell "
    "says not to (PYTHONDONTWRITEBYTECODE): each of the run's seven collections of the whole suite took "
    "14.5 s of CPU without them, 8.6 s with them. The hub's instructor grades on its own uid, never on "
    "the sandbox uids from 60001 that the grading part beside it gives its workers. Since each submission "
    "starts a fresh kernel (about 1.7 s of CPU, torch imported), the grading part grades every set's solution, "
    "blank, right answers and attacks and one wrong answer per exercise, ps03 like the others: 70 submissions "
    "where it graded 225; make test-grading-more grades the other 146 (216 in all: the two halves are bundled "
    "apart). 2026-11-29, fresh clones on one machine, make test's own count: the grading part beside the hub's "
    "797 s with all 225, 649 s with 104 (ps03's class of 41 whole), 575 s with 70; make test 1322, 1204 and "
    "1103 s, over the 15-minute budget that the table above (forked kernels) met; make test-grading-more 255 s."
)

# Where one graded submission's CPU goes, measured by hand (the bench does not sample): re-measure it
# with py-spy when the grading's path changes, and date it.
SUBMISSION_PROFILE = (
    "Where a submission's CPU goes (ps03, the pipeline with one worker, 12 submissions, py-spy "
    "sampling every process at 100 Hz, waiting left out; 2026-11-27, quiet machine), seconds per "
    "submission: the kernel 1.72, of which importing torch 0.79, ipykernel's imports (IPython, "
    "jupyter_client, ZeroMQ) 0.22 and its start and messages 0.20, the notebook's cells 0.37 "
    "(0.11 of it imports: `rnnlab.setup()` imports matplotlib), the re-check process 0.13 (0.07 of it "
    "importing matplotlib again); the grading worker 0.37 (feedback 0.13, autograde 0.10). Importing "
    "torch is 38% of the 2.09 s: only a kernel that starts with torch already imported (forked from "
    "a process that imported it) would remove it, and that needs an isolation design of its own. "
    "Since 2026-11-28 neither the kernel nor its re-check process imports matplotlib (`setup()` sets the "
    "plot style when matplotlib is imported), and the kernel runs without IPython's history database "
    "(0.07 s less CPU per kernel start, medians of 7: 0.32 s against 0.39 s): one worker's machine-wide "
    "CPU per ps03 submission went from 3.00 s to 2.87 s (medians of 3 alternating runs of 12, a "
    "noisy machine: the pairs differed by -0.46, +0.03 and -0.12 s). What a kernel forked from a warm "
    "process would save, measured outside the pipeline (2026-11-28, medians of 7): importing numpy, "
    "torch, rnnlab.checks, IPython and ipykernel and then running one LSTM step took 1.84 s of CPU in a "
    "fresh process, the same step 0.05 s in a child forked from a process that had imported them. "
    "That fork was tried (2026-11-28: 12 ps03 submissions on one worker, 29.0 and 28.9 s of CPU in all "
    "against 44.1 and 51.8 s fresh) and removed (issue 77): each student's kernel starts fresh in a "
    "sandbox of its own, as Jupyter starts one."
)

# Measured when each change was made (same machine type, medians); see the git log for details.
CHANGES = [
    "Widgets draw their static parts once and blit the artists that change: the sequence-gate "
    "widget went from 512 ms to 25 ms per update, the gate explorer from 162 ms to 11 ms.",
    "One kept background per heatmap width: the sequence widget's 95th percentile fell from 489 "
    "to 107 ms (measured while other jobs loaded the machine).",
    "One CPU thread in every kernel (rnnlab.setup and OMP_NUM_THREADS=1): TOOL-FACTS measured "
    "13.5 s against 1.6 s for 50 LSTM training steps.",
    "Grading workers import nbgrader once instead of twice per submission: a warm submission went "
    "from about 11 s to 3.6 s; workers also start while the gradebook is prepared.",
    "matplotlib's font list is built once per user and shown read-only to sandboxed kernels. "
    "Until this change the kernel's config folder belonged to root when grading as root, so "
    "matplotlib ignored it and rebuilt the list in every kernel (and printed a warning into the "
    "feedback): ps05's 12 submissions took 47.3 s instead of 43.2 s.",
    "Grading processes no longer import rfc3987_syntax, which jsonschema loads for a string "
    "format nobody here checks: starting a worker (nbgrader imported) went from 4.1 s to 1.5 s.",
    "`make test` grades wrong and alternative answers of independent exercises in shared "
    "submissions (autograder.authoring.fixtures.bundles): 169 answers in 62 submissions instead of 169, "
    "and the grading tests went from 900 s to 500 s. Each answer is still judged on its own "
    "exercise's tests, through nbgrader and the sandbox.",
    "The grading tests run in two pytest-xdist workers, one problem set at a time each, one kernel "
    "each: one batch's setup overlaps the other's grading (500 s -> 425 s). Two kernels per "
    "worker, four on two cores, was slower (465 s).",
    "`make assignments` and the regeneration tests generate all eight assignments in one process "
    "instead of eight nbgrader commands: the regeneration tests went from 70 s to 11 s, the unit "
    "tests from 169 s to 116 s. Running the unit tests in two workers did not help (179 s).",
    "Grading throughput against stock nbgrader: median ratio 1.37 in an earlier session, 1.82 "
    "now. Part of the gain is fairness: the bench now starts both sides from a released course; "
    "before, the pipeline alone paid for creating the gradebook (about 2 s of a 45 to 70 s run).",
    "Whole `make test` (after the first install): 1148 s before these changes, on this machine "
    "type with nothing else running; 732 s after.",
    "`make test` then grew parts that were not there on 2026-11-21 (the hub, the website in "
    "Chromium, more JupyterLab tests, the attack corpus): 1602 s from a "
    "fresh clone on 2026-11-26; 1343 s after the sweeps (the lectures under other seeds, strict "
    "nbval as another CPU, the Dask cluster) moved to `make test-more`, which CI runs after it, "
    "and the notebooks part ran beside the hub's; 1370 s on 2026-11-27 (9ab1b56) and 1351 s the same "
    "evening (086c571, with a hub test more: ports taken before the hub binds them).",
    "Browser latency is timed inside the page (issue 17b): one change per measurement (a key press, "
    "a click or a pick), from the event's dispatch to the kernel's new readout, the new figure's "
    "src, its decoding and its first paint, five repetitions per widget. The earlier figures (300 to "
    "1900 ms) were taken from Python around Playwright's polling expectations (which poll at 100, "
    "250, 500 and 1000 ms) and, for some widgets, over three or four key presses, each a kernel "
    "round trip; measured in the page on the same code, the same updates took 97 to 161 ms to the "
    "painted figure (medians, load average about 4), except chapter 06's.",
    "The sequence-gate widget's layer and direction buttons redrew the whole figure on every click "
    "(each one dropped the kept backgrounds): 561 ms from the click to the painted figure in "
    "Chromium (median; 498 ms to the new image), 125 ms after (load about 4), with one kept "
    "background per heatmap width and reading direction.",
    "The gradient-flow widget kept the RNN's and GRU's norms per length and scale: the forget bias "
    "acts on the LSTM only, so a move of its slider runs one backward pass instead of three "
    "(kernel 55.3 -> 34.4 ms median, load 1.5 to 2).",
    "Widget PNGs stay with Pillow at zlib level 1: a hand-written encoder without row filters was "
    "tried and measured 11.9 ms against Pillow's 12.6 ms for a 1440 x 692 figure (median of 15, "
    "quiet machine), not worth code of our own.",
    "Widget figures are drawn at twice their display size (144 dpi) and shown at exactly their CSS "
    "size: kernel CPU per update stayed the same where it blits (gate explorer 21.7 ms against "
    "21.6 ms, threshold 31.4 against 34.0, median CPU time per update), since only the changing "
    "artists are redrawn. The browser figures of 2026-11-22 were measured while five other jobs "
    "shared the two cores (the browser tests took 952 s instead of about 120 s): they are upper "
    "bounds, not the figures of a quiet laptop.",
    "Grading kernels are forked from a warm process per grading slot (autograder.grading.warm) when a "
    "batch has more submissions than slots: 12 ps03 submissions on one worker took 29.0 and 28.9 s of "
    "CPU in all (the pipeline, its workers, kernels and warm processes, one cpuacct group) against "
    "44.1 and 51.8 s with every kernel fresh (2026-11-28, alternating runs, another job loading the "
    "machine), about 1.3 to 1.9 s less per submission; on two workers 16.2 s of wall clock against 25.9 s.",
    "`make test` from a fresh clone: 1641 s on 2026-11-28 (339eb64), 1112 s (4e99b82) and 1008 s "
    "(984e95e) the same afternoon (their medians) after two changes. The hub part "
    "(0.83 of a core: 108 s of CPU in 131 s alone) runs beside the grading part (1.67 cores), not the "
    "notebooks part: in 4e99b82's run the notebooks took 82 s alone (186 s beside the hub at 339eb64), "
    "and the grading part 421 s with the hub beside it (536 s). The test "
    "runs write Python's bytecode caches where the shell sets PYTHONDONTWRITEBYTECODE (this machine "
    "does): each of the run's seven collections of the whole suite took 14.5 s of CPU, 8.6 s with "
    "the caches. In that run the unit part went from 214 s to 141 s and the browser parts from 659 s to 454 s, "
    "more than these changes explain: whole runs on this shared machine vary by 100 s and more, so "
    "part of the difference is the machine.",
    "The longest scopes of the unit, grading and JupyterLab parts start first (tests/conftest.py's "
    "LONGEST_FIRST): xdist had sorted them by their number of tests, and the term (one test, 41 s) "
    "began last in the grading part, one core idle for its last 40 s. In main the grading part alone "
    "then kept 1.65 cores busy instead of 1.55. A fresh clone of 72dffb8 took 1009 s (971 s "
    "at 8429ca7 the day before): every part but JupyterLab (233 s both) took longer, "
    "the unit part too (134 s against 123 s), which only changed order, so the machine was slower "
    "and the change is within the noise of whole runs.",
    "Lecture kernels forked from a warm process (autograder/course/kernelfork.py) in the site build "
    "and the tests' nbval, claims and JupyterLab, about seventy kernels that each imported torch, "
    "torch._dynamo and IPython (2.4 s of CPU): make test-notebooks 80.2 -> 59.5 s (medians of two "
    "alternating pairs), make test-browser 400 -> 378 s. A fresh clone of 6e74f67 took 939 s (980 s "
    "at f61ef25): notebooks 61 s (72), website 140 s (152), JupyterLab 216 s "
    "(239); the unit part 144 s (139), with the new kernel tests.",
    "The forked kernels fixed after a review (5324e77: signals to the kernel's process group, "
    "refusals instead of a dead warm process, the folder-bound state of multiprocessing and "
    "torch._dynamo reset) and the interrupt test made robust to ipykernel's aborted requests "
    "(cb5c103): a fresh clone took 891 s (939 s at 6e74f67): unit 138 s, notebooks 55 s, grading "
    "347 s beside the hub's 153 s, website 129 s, JupyterLab 208 s; 959 s in a second fresh clone "
    "(0d41294), every part 3-10% slower.",
    "The website's tests run after the hub's, beside the grading part (701e6ca, test-hub-site), "
    "where a core was partly idle once the hub was done: two alternating pairs on one machine, 684 "
    "and 677 s for grading beside the hub and then the website, 588 and 628 s in the new order. A "
    "fresh clone of 701e6ca took 1090 s on a machine that was slower all that "
    "afternoon: the unit part 173 s (138 and 152 s in the two runs before), notebooks 67 s (55, 58), "
    "the grading part alone 493-498 s in the pairs (347 and 365 s in those clones); 1024 s at ceedf78.",
    "Every part of `make test` keeps both cores busy (vmstat every 5 s, 2026-11-29, a quiet machine): "
    "the unit part 90%, the grading part with the hub and the website beside it 98-100% until its "
    "last 90 s (about 75%, the grading part alone), JupyterLab about 90%. The grading part with three "
    "pytest workers instead of two took as long (435 s against 426 s, 756 s of CPU against 701 s): "
    "only less CPU makes it shorter.",
    "A grading slot's warm process imports what the problem set's notebook imports (1294160, "
    "395a84e): each ps08 kernel, and again its re-check, imported scikit-learn (68% of the CPU of "
    "ps08's kernels, py-spy). 15 ps08 submissions on one worker: 37.5 s of wall clock and 45.5 s of "
    "CPU before, 25.7 s and 21.6 s after, the same grades. A fresh clone of 1294160 took 825 s (the grading "
    "part 417 s with the hub's 146 s and the website's 214 s beside it; unit 142 s, notebooks 58 s, "
    "JupyterLab 199 s); 828 s at 395a84e.",
    "The forked lecture kernels fixed after a second review (cde95a4: a launcher gone before its "
    "kernel's setsid no longer ends the warm process; the kernel's streams made as Python makes "
    "them): a fresh clone took 800 s (the table above): unit 126 s, notebooks 52 s, grading 413 s "
    "with the hub's 139 s and the website's 208 s beside it, JupyterLab 201 s.",
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--make-test-log",
        action="append",
        default=[],
        type=Path,
        help="the tests part from this log of `make test` (a fresh clone's), not a run here",
    )
    args = parser.parse_args(argv)
    previous = json.loads((OUT / "report.json").read_text()) if (OUT / "report.json").exists() else {}
    results = {k: v for k, v in previous.items() if k in PARTS}
    results.update({"machine": machine(), "repeats": args.repeats})
    for name in args.parts.split(","):
        print(f"bench: {name} ...", flush=True)
        start = time.perf_counter()
        logs = args.make_test_log if name == "tests" else []
        results[name] = PARTS[name](args.repeats, logs) if logs else PARTS[name](args.repeats)
        results[name]["measured"] = f"{time.strftime('%Y-%m-%d %H:%M')}, {len(logs) or args.repeats} run(s)" + (
            f" from {', '.join(r['where'] for r in results[name]['runs'])}" if logs else ""
        )
        # the machine may be shared: say how busy it was
        results[name].setdefault(
            "load", "load average {:.2f}, {:.2f}, {:.2f} (1, 5, 15 min) at the end".format(*os.getloadavg())
        )
        print(f"bench: {name} took {time.perf_counter() - start:.0f} s", flush=True)
    write_report(results)
    print(f"wrote {OUT / 'REPORT.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
