"""Wall time and the kernel's peak memory for every lecture (and the cheat sheet) and problem-set solution.

Each notebook runs in a fresh kernel, started the way students start it (python3, one CPU
thread). Peak memory is the kernel process's own high-water mark of resident memory (VmHWM in
/proc/<pid>/status), read just before the kernel shuts down, so it is not the runner's. The
floor is a kernel that only imports torch: every notebook pays it, so each time is also given
as a multiple of it.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_once(nb: nbformat.NotebookNode, cwd: Path) -> tuple[float, float]:
    """(seconds from kernel start to the last cell, peak resident MB of the kernel)."""
    from rnnlab.kernels import notebook_client

    os.environ["OMP_NUM_THREADS"] = "1"
    client = notebook_client(
        nb, timeout=600, kernel_name="python3", allow_errors=False, resources={"metadata": {"path": str(cwd)}}
    )
    start = time.perf_counter()
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        peak = _peak_rss_mb(pid)
    return seconds, peak


def floor_notebook() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch")])


def solution_notebook(path: Path) -> nbformat.NotebookNode:
    """A problem set's source with every cell as the instructor wrote it (solutions, all tests)."""
    return nbformat.read(path, 4)


def targets() -> list[tuple[str, Path]]:
    lectures = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")) + [REPO / "notebooks" / "cheatsheet.ipynb"]
    solutions = sorted((REPO / "source").glob("ps*/ps*.ipynb"))
    return [(p.stem, p) for p in lectures] + [(p.stem + " (solution)", p) for p in solutions]


def measure(repeats: int = 3) -> dict:
    def median_run(nb, cwd):
        runs = [run_once(nbformat.from_dict(nb), cwd) for _ in range(repeats)]
        return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)

    floor_s, floor_mb = median_run(floor_notebook(), REPO)
    rows = []
    for name, path in targets():
        seconds, peak = median_run(nbformat.read(path, 4), path.parent)
        rows.append(
            {
                "notebook": name,
                "seconds": round(seconds, 2),
                "peak_mb": round(peak),
                "x_floor": round(seconds / floor_s, 1),
            }
        )
    return {"repeats": repeats, "floor_seconds": round(floor_s, 2), "floor_peak_mb": round(floor_mb), "notebooks": rows}


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3), indent=1))
