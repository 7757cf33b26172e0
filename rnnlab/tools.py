"""Tools for the course's notebooks.

    python -m rnnlab.tools trust notebooks/*.ipynb                  # what `make lab` does first
    python -m rnnlab.tools execute notebooks/03_lstm_gates.ipynb   # run in place, keep outputs
    python -m rnnlab.tools edit notebooks/03_lstm_gates.ipynb /tmp/03.py   # -> .py (percent)
    python -m rnnlab.tools build /tmp/03.py notebooks/03_lstm_gates.ipynb
    python -m rnnlab.tools other-cpu    # VAR=value words: torch computes as another CPU would

`edit` and `build` round-trip a notebook through jupytext's py:percent text (nbgrader metadata in each
cell's header) for editing with any editor; they need jupytext (`pip install jupytext -c constraints.txt`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop jupytext's bookkeeping, set the course kernel, and give cells stable ids."""
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    seen = set()
    for n, cell in enumerate(nb.cells):
        cell.metadata.pop("lines_to_next_cell", None)
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell_id = grade_id or f"cell-{n:03d}"
        while cell_id in seen:
            cell_id += "-x"
        seen.add(cell_id)
        cell["id"] = cell_id
        if cell.cell_type == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
    nbformat.validate(nb)
    return nb


def build(src: str, dst: str) -> None:
    import jupytext

    nb = clean(jupytext.read(src, fmt="py:percent"))
    nbformat.write(nb, dst)


def edit(src: str, dst: str | None = None) -> str:
    import jupytext

    dst = dst or str(Path(src).with_suffix(".py"))
    nb = nbformat.read(src, as_version=4)
    nb.metadata["jupytext"] = {"cell_metadata_filter": "nbgrader,tags,-all", "notebook_metadata_filter": "-all"}
    jupytext.write(nb, dst, fmt="py:percent")
    return dst


def execute(paths: list[str], timeout: int = 300) -> None:
    """Execute notebooks in place, each in its own folder (as nbval re-runs them), and store their outputs
    (see `clean_outputs`) and their widgets' last state."""
    from rnnlab.kernels import notebook_client

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # committed outputs must not carry the author's own quiz answers or flashcard boxes
    os.environ["RNNLAB_REVIEW_FILE"] = os.path.join(tempfile.mkdtemp(), ".rnnlab-review.json")
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        marks_to_tags(nb)
        client = notebook_client(
            nb,
            timeout=timeout,
            kernel_name="python3",
            store_widget_state=True,
            resources={"metadata": {"path": str(Path(path).parent)}},
        )
        client.execute()
        nbformat.write(clean_outputs(nb), path)
        print(f"executed {path}")


MARKS = {
    "NBVAL_IGNORE_OUTPUT": "nbval-ignore-output",
    "NBVAL_RAISES_EXCEPTION": "raises-exception",
    "NBVAL_SKIP": "nbval-skip",
    "NBVAL_CHECK_OUTPUT": "nbval-check-output",
}


def _mark(line: str) -> str | None:
    return MARKS.get(line.strip()[2:]) if line.strip().startswith("# ") else None


def marks_to_tags(nb: nbformat.NotebookNode) -> list:
    """nbval's comment markers (`# NBVAL_SKIP` ...) become the cell tags nbval reads as well, so students
    never see them (`raises-exception` also lets nbclient and JupyterLab's "run all" go on). Returns the
    cells that changed."""
    changed = []
    for cell in nb.cells:
        lines = cell.source.splitlines()
        marks = [_mark(line) for line in lines if _mark(line)]
        if cell.cell_type == "code" and marks:
            cell.source = "\n".join(line for line in lines if not _mark(line))
            tags = cell.metadata.setdefault("tags", [])
            tags.extend(tag for tag in marks if tag not in tags)
            changed.append(cell)
    return changed


def tagged(cell, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


# a cell that shows nothing until the reader runs it (nbval then runs it and compares nothing)
SAVED_WITHOUT_OUTPUT = "saved-without-output"


def clean_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep the kernelspec and the saved widget state; drop per-run metadata (timestamps), and
    the outputs and execution count of cells tagged SAVED_WITHOUT_OUTPUT. Consecutive prints to one
    stream are stored as one output: how the kernel split them depends on how busy the machine was,
    and re-executing a lecture on a loaded machine split 11 of chapter 07's into two."""
    widgets = nb.metadata.get("widgets")
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    if widgets:
        nb.metadata["widgets"] = widgets
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code" and tagged(cell, SAVED_WITHOUT_OUTPUT):
            cell.outputs, cell.execution_count = [], None
        merged = []
        for output in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if last and output.output_type == last.output_type == "stream" and output.name == last.name:
                last.text += output.text
            else:
                merged.append(output)
        if cell.cell_type == "code":
            cell.outputs = merged
    return nb


def trust(paths, db_file: str | None = None) -> int:
    """Sign the course's own notebooks in this user's Jupyter notary, as `jupyter trust` does, so that their
    saved widgets show before they run. Returns how many were signed."""
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary(db_file=db_file) if db_file else NotebookNotary()
    signed = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if not notary.check_signature(nb):
            notary.sign(nb)
            signed += 1
    return signed


# Another CPU, emulated on this one (the authoring guide, "Another CPU, emulated"). The steps down from each
# capability, nearest first; a step counts only if it computes other bits here.
_AVX2 = {"ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"}
_OLDER = {"ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2", "ONEDNN_MAX_CPU_ISA": "SSE41"}
OTHER_CPU = {"AVX512": [_AVX2, _OLDER], "AVX2": [_OLDER]}

# a sum, a matrix product and an LSTM, hashed: what another CPU must compute differently
PROBE = """
import hashlib, torch
torch.set_num_threads(1)
g = torch.Generator().manual_seed(0)
a, x = torch.randn(512, 48, generator=g), torch.randn(40, 8, 29, generator=g)
torch.manual_seed(0)
linear, lstm = torch.nn.Linear(48, 40), torch.nn.LSTM(29, 31)
with torch.no_grad():
    parts = {"sum": a.sum(1), "linear": linear(a), "lstm": lstm(x)[0]}
print(" ".join(k + ":" + hashlib.sha1(v.numpy().tobytes()).hexdigest() for k, v in parts.items()))
"""


def probe(envs: list[dict]) -> list[dict[str, str]]:
    """The probe's hashes under each environment, run at once (each imports torch: a few seconds)."""
    import subprocess

    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "OMP_NUM_THREADS": "1", **env},
        )
        for env in envs
    ]
    results = []
    for p in procs:
        out = p.communicate()[0]
        if p.returncode:
            raise RuntimeError(f"the CPU probe failed (exit status {p.returncode})")
        results.append(dict(word.split(":", 1) for word in out.split()))
    return results


def other_cpu(capability: str | None = None) -> dict[str, str]:
    """The environment that makes torch compute as another CPU would: the nearest step down from this
    CPU's capability whose PROBE gives other bits for all three parts, or {}; with a capability given,
    the nearest step, unmeasured."""
    if capability is not None:
        steps = OTHER_CPU.get(capability.upper(), [])
        return dict(steps[0]) if steps else {}
    import torch

    steps = OTHER_CPU.get(torch.backends.cpu.get_cpu_capability().upper(), [])
    if not steps:
        return {}
    native, *others = probe([{}, *steps])
    for step, result in zip(steps, others):
        if all(result[k] != native[k] for k in native):
            return dict(step)
    return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rnnlab.tools", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("execute", help="execute notebooks in place")
    p.add_argument("paths", nargs="+")
    p = sub.add_parser("build", help="py:percent text -> notebook")
    p.add_argument("src")
    p.add_argument("dst")
    p = sub.add_parser("edit", help="notebook -> py:percent text")
    p.add_argument("src")
    p.add_argument("dst", nargs="?")
    p = sub.add_parser("trust", help="trust the course's notebooks, so saved widgets show before running")
    p.add_argument("paths", nargs="+")
    p.add_argument("--db-file", help="the notary's database (default: Jupyter's, in this user's data folder)")
    sub.add_parser("other-cpu", help="print VAR=value words that make torch compute as another CPU would")
    args = parser.parse_args(argv)
    if args.cmd == "other-cpu":
        print(" ".join(f"{k}={v}" for k, v in other_cpu().items()))
        return 0
    if args.cmd == "execute":
        execute(args.paths)
    elif args.cmd == "trust":
        signed = trust(args.paths, args.db_file)
        if signed:
            print(f"{signed} course notebook(s) trusted: their saved widgets show before you run them")
    elif args.cmd == "build":
        build(args.src, args.dst)
    else:
        print(edit(args.src, args.dst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
