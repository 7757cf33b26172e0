"""Grading on a Dask cluster against grading on this machine, the same class both ways.

    python -m bench.cluster [count] [repeats]

The class is bench.grading's (the solution, the blank release, every wrong solution and
alternative of ps03, repeated to `count`). Each run grades it in a fresh course folder whose
gradebook is a new database on one throwaway PostgreSQL server (autograder.deploying.pgserver):

- local, 1 and 2 workers: `make autograde` as on one machine (the workers are pipes to
  autograder.grading.worker processes), PostgreSQL gradebook;
- cluster, 1 and 2 workers: `CLUSTER=...` on a LocalCluster of that many one-thread worker
  processes over TCP, started before the clock starts (a course's cluster is already up);
- local, 2 workers, SQLite: the default, to show what the gradebook's server costs.

The overhead per task is the cluster run's seconds less the local run's with the same number
of workers and the same gradebook, over `count`; the figures are medians over `repeats`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from autograder.authoring import fixtures as F
from autograder.deploying.pgserver import another_database, temporary_gradebook
from autograder.grading.run import Options, grade_class
from bench.grading import make_batch

A = "ps03_lstm_gates"
# as docs/grading.md says to start a course's scheduler and workers: one task per thread, and no
# statistical profiler (a worker samples its task's stack every 10 ms: 1.5% of a core each)
CLUSTER_CONFIG = {"distributed.scheduler.worker-saturation": 1.0, "distributed.worker.profile.enabled": False}
MODES = {
    "local-1": (1, False, True),
    "local-2": (2, False, True),
    "cluster-1": (1, True, True),
    "cluster-2": (2, True, True),
    "local-2-sqlite": (2, False, False),
}


def grade_once(folder: Path, submissions: Path, workers: int, on_cluster: bool, url: str | None) -> tuple[float, dict]:
    import dask
    from distributed import LocalCluster

    course = F.make_course(folder, [A])
    if url:
        with open(course / "nbgrader_config.py", "a") as config:
            config.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
    cluster = None
    if on_cluster:
        with dask.config.set(CLUSTER_CONFIG):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                protocol="tcp",
                host="127.0.0.1",
                dashboard_address=None,
            )
    try:
        options = Options(jobs=workers, cluster=cluster.scheduler_address if cluster else None)
        start = time.perf_counter()
        results = grade_class(A, submissions, course=course, options=options, log=lambda *a: None).rows.values()
        seconds = time.perf_counter() - start
    finally:
        if cluster is not None:
            cluster.close()
    return seconds, {r.student: (r.status, r.score) for r in results}


def measure(count: int = 40, repeats: int = 2) -> dict:
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    outcomes = []
    with tempfile.TemporaryDirectory() as tmp, temporary_gradebook() as server:
        submissions = Path(tmp) / "submissions"
        make_batch(A, submissions, count)
        for repeat in range(repeats):
            for mode, (workers, on_cluster, postgres) in MODES.items():
                name = f"{mode}-{repeat}".replace("-", "_")
                url = another_database(server, name) if postgres else None
                seconds, outcome = grade_once(Path(tmp) / name, submissions, workers, on_cluster, url)
                times[mode].append(round(seconds, 1))
                outcomes.append(outcome)
                print(f"{mode}: {seconds:.1f} s", file=sys.stderr)
    median = {mode: statistics.median(series) for mode, series in times.items()}
    out = {
        "assignment": A,
        "submissions": count,
        "repeats": repeats,
        "runs": times,
        "per_minute": {mode: round(60 * count / s, 1) for mode, s in median.items()},
        "identical_results": all(o == outcomes[0] for o in outcomes),
    }
    for workers in (1, 2):
        local, cluster = median[f"local-{workers}"], median[f"cluster-{workers}"]
        out[f"overhead_per_task_{workers}"] = {
            "seconds": round((cluster - local) / count, 3),
            "percent": round(100 * (cluster - local) / local, 1),
        }
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(measure(*map(int, sys.argv[1:3])), indent=1))
