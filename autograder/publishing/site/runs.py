"""Each lecture of the website run once with its widgets baked, and kept between builds by jupyter-cache
(docs/site.md, "Building again"):

    runs, seconds, reused = run_lectures(lectures(course), static, probes, jobs, folder, fresh, course)
"""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import sys
import sysconfig
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[3]  # the course folder
HERE = Path(__file__).parent  # the site's code, which the key covers
KEEP = 2  # runs kept per lecture, the ones used last (jupyter-cache's limit: this times the lectures)
# environment variables that change a run besides the course's own
VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "PYTHONHASHSEED", "MPLBACKEND")
PREFIXES = ("TORCH_", "ATEN_")


class LectureError(RuntimeError):
    """A lecture that raised, or whose run could not be kept."""


def lectures(course: Path = REPO) -> list[Path]:
    return sorted((course / "notebooks").glob("*.ipynb"))


def inputs(course: Path = REPO, code: Path | None = None) -> str:
    """A hash of what a lecture's run reads besides the lecture (docs/site.md, "What the key covers")."""
    import torch

    def files(root: Path, pattern: str) -> dict:  # compiled Python follows its source: left out
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob(pattern))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        }

    package, site = files(course / "rnnlab", "*"), files(code or HERE, "*.py")
    texts = [*package.values(), *site.values(), *(p.read_bytes() for p in lectures(course))]
    named = {name.decode() for text in texts for name in re.findall(rb"\bRNNLAB_[A-Z0-9_]+", text)}
    named.discard("RNNLAB_REVIEW_FILE")  # a new empty file each build: no answer is read
    # the kernel's packages: this environment's, not what else is on sys.path (setuptools' vendored ones)
    installed = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    read = {
        "files": {
            f"{part}/{name}": hashlib.sha256(data).hexdigest()
            for part, held in (("rnnlab", package), ("site", site))
            for name, data in held.items()
        },
        "packages": sorted(
            f"{d.metadata['Name']}=={d.version}".lower() for d in importlib.metadata.distributions(path=installed)
        ),
        "torch": [torch.__version__, torch.backends.cpu.get_cpu_capability()],
        "python": [sys.version, platform.machine()],
        "environment": {k: v for k, v in os.environ.items() if k in VARIABLES or k.startswith(PREFIXES) or k in named},
    }
    return hashlib.sha256(json.dumps(read, sort_keys=True).encode()).hexdigest()


def to_run(path: Path, digest: str) -> nbformat.NotebookNode:
    """The lecture as the build runs it: a first cell that names `digest` (`inputs`, so that
    jupyter-cache's key covers it) and calls bake.record, the lecture, then bake's probe and bake cells."""
    from rnnlab.tools import marks_to_tags

    nb = nbformat.read(path, as_version=4)
    marks_to_tags(nb)
    first = f"# the run's other inputs: {digest}\nfrom autograder.publishing.site import bake\nbake.record()"
    nb.cells.insert(0, nbformat.v4.new_code_cell(first))
    nb.cells += [nbformat.v4.new_code_cell("bake.probe_all()"), nbformat.v4.new_code_cell("bake.bake_all()")]
    return nb


def run_and_bake(nb: nbformat.NotebookNode, path: Path, folder: Path) -> nbformat.NotebookNode:
    """`nb` (`to_run`'s) executed in the lecture's folder, in a kernel started as Jupyter starts one,
    which writes its probes and bakes into `folder`."""
    from nbclient.exceptions import CellExecutionError

    from autograder.publishing.site import bake
    from rnnlab.kernels import notebook_client

    client = notebook_client(
        nb,
        timeout=600,
        kernel_name="python3",
        store_widget_state=True,
        record_timing=False,  # cell metadata is part of jupyter-cache's key: the run adds none
        resources={"metadata": {"path": str(path.parent)}},
    )
    folder.mkdir(parents=True, exist_ok=True)
    try:
        client.execute(env=dict(os.environ, **{bake.FOLDER: str(folder)}))
    except CellExecutionError as err:
        raise LectureError(f"{path.name} raised {err.ename}: {err.evalue}") from None
    return nb


def stored(cache, nb: nbformat.NotebookNode, static: Path, probes: Path, stem: str):
    """(the run of `nb` that jupyter-cache holds, its baked states), its pictures and probes copied into
    static/baked/<stem>/ and probes/<stem>.json; None if it holds none complete."""
    from rnnlab.tools import clean_outputs

    try:
        pk, run = cache.merge_match_into_notebook(nb)
        with cache.cache_artefacts_temppath(pk) as files:
            baked = json.loads((files / "baked.json").read_text())  # stored last: the rest is there
            pictures = static / "baked" / stem
            shutil.rmtree(pictures, ignore_errors=True)
            if (files / "pictures").is_dir():
                shutil.copytree(files / "pictures", pictures)
            shutil.copy(files / "probes.json", probes / f"{stem}.json")
    except (KeyError, OSError, ValueError):  # none, or a build stopped while it stored one
        return None
    run.cells = run.cells[1:-2]
    for cell in run.cells:  # numbered as the lecture is, without the build's first cell
        if cell.get("execution_count"):
            cell.execution_count -= 1
    return clean_outputs(run), baked


def store(cache, nb: nbformat.NotebookNode, path: Path, folder: Path, seconds: float) -> None:
    """Put a run into jupyter-cache, with what it baked into `folder` as its artifacts; baked.json
    last, so that a build stopped while storing leaves a run `stored` does not take."""
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.main import NbArtifacts

    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "baked.json"]
    bundle = CacheBundleIn(
        nb,
        str(path),
        artifacts=NbArtifacts([*files, folder / "baked.json"], in_folder=folder),
        data={"execution_seconds": seconds},
    )
    cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)


def run_lectures(
    paths: list[Path],
    static: Path,
    probes: Path,
    jobs: int,
    folder: Path,
    fresh: bool,
    course: Path,
    log=print,
) -> tuple[dict, dict, list[str]]:
    """Every lecture's run as `stored` gives it, from jupyter-cache (in `folder`) unless `fresh`; the
    others run `jobs` at a time and are stored. Returns the runs by path, the seconds each lecture that
    ran took, and the names of those reused."""
    from jupyter_cache import get_cache

    cache = get_cache(folder)
    cache.change_cache_limit(KEEP * max(len(paths), 1))  # the runs used last are kept
    digest = inputs(course)
    notebooks = {path: to_run(path, digest) for path in paths}
    runs = {}
    for path in [] if fresh else paths:
        run = stored(cache, notebooks[path], static, probes, path.stem)
        if run is not None:
            runs[path] = run
    reused = [path.stem for path in paths if path in runs]
    # the longest first (the saved notebook's size is a fair guess), so neither worker idles at the end
    order = sorted((path for path in paths if path not in runs), key=lambda p: -p.stat().st_size)
    log(
        f"site: {len(reused)} lecture(s) reused from {folder.name}/ ({', '.join(reused) or 'none'}), "
        f"{len(order)} to run ({', '.join(p.stem for p in order) or 'none'})"
    )
    seconds, failed = {}, []

    def timed(path: Path, into: Path) -> nbformat.NotebookNode:
        start = time.monotonic()
        done = run_and_bake(copy.deepcopy(notebooks[path]), path, into)
        seconds[path.stem] = round(time.monotonic() - start, 1)
        return done

    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=jobs) as pool:
        running = {pool.submit(timed, path, Path(tmp) / path.stem): path for path in order}
        for future in as_completed(running):  # each stored as it ends (jupyter-cache in this thread only)
            path = running[future]
            try:
                store(cache, future.result(), path, Path(tmp) / path.stem, seconds[path.stem])
            except Exception as err:  # the others still stored; the first failure raised below
                failed.append(err)
                continue
            runs[path] = stored(cache, notebooks[path], static, probes, path.stem)
            if runs[path] is None:  # the run changed what jupyter-cache hashes (its cells' metadata)
                failed.append(LectureError(f"the run of {path.name} was stored under another key than the lecture's"))
    if failed:
        raise failed[0]
    return runs, seconds, reused
