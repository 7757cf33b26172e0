"""`make site`: the course as a static website in site/, with widgets that answer without a kernel.

    python -m autograder.publishing.site [--out site] [--student-repo owner/name] [--jobs 2] [--fresh]

1. Each lecture runs once in a kernel started as Jupyter starts one (as `rnnlab.tools execute`
   runs it), and every widget it displays is baked there (autograder.publishing.site.bake): the
   states the page offers, drawn by the widget. The runs are kept by jupyter-cache in .site-cache/,
   the baked files as each run's artifacts; jupyter-cache keys a run on its code cells, and the
   build's first cell names a hash of everything else the run reads (`inputs`), so a lecture runs
   again only when something it depends on changed; `--fresh` runs every lecture.
2. The pages are those runs, not the committed lectures: a lecture that trains a model draws
   other pictures on another CPU (AVX2 against AVX-512), and a page must print, plot and bake
   from one model. Each widget output is replaced by the widget drawn as HTML from the run's
   widget state (autograder.publishing.site.render) with its baked states inline; a widget the site cannot
   drive (a training loop's progress bar) stays as the run left it.
3. Sphinx with myst-nb (and the Sphinx Book Theme: navigation, search, and the Colab and Binder
   buttons of each chapter) writes the pages; the problem sets are their release versions, the
   start page is the index, and MathJax is served from the site itself (no CDN).
4. The site is scanned for every solution and hidden-test line, as the student distribution is.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import html.parser
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[3]  # the course folder (site/ is written here)
from autograder.publishing.site.render import widget_html  # noqa: E402

HERE = Path(__file__).parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MATHJAX = REPO / "deploy" / "mathjax" / "node_modules" / "mathjax" / "es5"
MATHJAX_PARTS = ("tex-chtml.js", "output/chtml", "input/tex/extensions", "ui", "a11y")
START = "00_start_here"
CACHE = ".site-cache"  # jupyter-cache's folder of the lectures' runs, in the course folder
KEEP = 2  # runs kept per lecture, the ones used last (jupyter-cache's limit: this times the lectures)
# environment variables that change a run besides the course's own: torch's (ATEN_CPU_CAPABILITY
# picks other kernels) and the thread counts (another number of threads sums in another order)
VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "PYTHONHASHSEED", "MPLBACKEND")
PREFIXES = ("TORCH_", "ATEN_")


class BuildError(RuntimeError):
    pass


def lectures(course: Path = REPO) -> list[Path]:
    return sorted((course / "notebooks").glob("*.ipynb"))


def released_sets(course: Path = REPO) -> list[Path]:
    """The student version of every problem set, release/psNN_topic/psNN_topic.ipynb."""
    return sorted((course / "release").glob("ps*/ps*.ipynb"))


# -- 1. run and bake -------------------------------------------------------------------------
def inputs(course: Path = REPO, code: Path | None = None) -> str:
    """A hash of what a lecture's run reads besides the lecture: every file of the course package
    (its data and trained weights too) and of the site's code, the installed packages, torch and
    the CPU capability it runs at, Python, and the environment variables that change a run: the
    thread counts, torch's, and the course's own that the package, the site's code or a lecture
    names (RNNLAB_SEED, RNNLAB_UNTRAINED; not those of grading or the hub)."""
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
    # the kernel's packages: this environment's, not what else this process has on sys.path (under
    # pytest, setuptools' vendored ones)
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
    """The lecture as the build runs it: a first cell that makes the widgets note their owners and
    names `digest` (`inputs`: jupyter-cache keys a run on its code cells, so on that too), the
    lecture, then the cells that probe and bake its widgets into the folder the kernel's
    environment names (bake.FOLDER: the cells stay the same from run to run)."""
    from rnnlab.tools import marks_to_tags

    nb = nbformat.read(path, as_version=4)
    marks_to_tags(nb)
    first = f"# the run's other inputs: {digest}\nfrom autograder.publishing.site import bake\nbake.record()"
    nb.cells.insert(0, nbformat.v4.new_code_cell(first))
    nb.cells += [nbformat.v4.new_code_cell("bake.probe_all()"), nbformat.v4.new_code_cell("bake.bake_all()")]
    return nb


def run_and_bake(nb: nbformat.NotebookNode, path: Path, folder: Path) -> nbformat.NotebookNode:
    """`nb` (`to_run`'s) executed in a kernel started as Jupyter starts one, in the lecture's
    folder: what each figure widget draws at a second setting, for the tests, written to
    folder/probes.json (bake.probe_all), and its widgets baked into folder/pictures/ and
    folder/baked.json (bake.bake_all)."""
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
        raise BuildError(f"{path.name} raised {err.ename}: {err.evalue}") from None
    return nb


def stored(cache, nb: nbformat.NotebookNode, static: Path, probes: Path, stem: str):
    """The run of `nb` that jupyter-cache holds, as `page` takes it (the lecture's cells, their
    outputs, its widgets' saved state) with its baked states, and its pictures and probes copied
    into static/baked/<stem>/ and probes/<stem>.json; None if it holds none, or none complete."""
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
    """Every lecture's run as `stored` gives it: the one jupyter-cache (in `folder`) holds for it,
    unless `fresh`; the others run `jobs` at a time, and are stored. Returns the runs by path, the
    seconds each lecture that ran took, and the names of those reused."""
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
                failed.append(BuildError(f"the run of {path.name} was stored under another key than the lecture's"))
    if failed:
        raise failed[0]
    return runs, seconds, reused


# -- 2. pages --------------------------------------------------------------------------------
def widget_outputs(nb) -> list[tuple[int, int, str]]:
    return [
        (i, j, o["data"][WIDGET_VIEW]["model_id"])
        for i, cell in enumerate(nb.cells)
        for j, o in enumerate(cell.get("outputs", []))
        if o.get("output_type") in ("display_data", "execute_result") and WIDGET_VIEW in o.get("data", {})
    ]


def page(executed: nbformat.NotebookNode, baked: dict, base: str) -> tuple[nbformat.NotebookNode, dict]:
    """The lecture as the build ran it, each widget output drawn as HTML from that run's widget
    state, with its baked states. Returns the page and how many states each widget baked."""
    out = copy.deepcopy(executed)
    state = out.metadata.pop("widgets", {}).get(WIDGET_STATE, {})
    counts = {}
    for i, j, model_id in widget_outputs(out):
        data = baked.get(model_id)
        out.cells[i].outputs[j] = nbformat.v4.new_output(
            "display_data", data={"text/html": widget_html(state, model_id, data, base)}
        )
        if data is not None:
            counts[f"cell {i}: {data['widget']}"] = states_of(data)
    return out, counts


def states_of(data: dict) -> int:
    if data["kind"] == "figure":
        return len(data["states"])
    if data["kind"] == "quiz":
        return sum(len(q["answers"]) + 2 for q in data["questions"])
    return 2 * len(data["cards"])


def contents(course: Path) -> str:
    """The start page's table of contents (hidden: the sidebar and the next/previous links)."""
    names = [p.stem for p in lectures(course) if p.stem != START]
    sets = [f"../release/{p.parent.name}/{p.stem}" for p in released_sets(course)]
    entries = "\n".join(names + sets)
    return f"```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{entries}\n```"


# -- 3. Sphinx -------------------------------------------------------------------------------
def sphinx(src: Path, out: Path, student_repo: str) -> None:
    env = dict(os.environ, RNNLAB_STUDENT_REPO=student_repo)
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "2", str(src), str(out)],
        env=env,
        capture_output=True,
        text=True,
    )
    problems = [line for line in done.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    if done.returncode or problems:
        raise BuildError("Sphinx failed:\n" + "\n".join(problems[:20] or done.stderr.splitlines()[-20:]))


# -- 4. the scan -----------------------------------------------------------------------------
class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(path: Path) -> str:
    """What a reader of the page can see or pull out of it: its text without tags (so a
    highlighted line of code reads as written), scripts and inline data included."""
    parser = _Text()
    parser.feed(path.read_text(errors="ignore"))
    return "".join(parser.parts)


def leaks(site: Path, course: Path = REPO) -> list[str]:
    from autograder.course.leakscan import finder, normalise
    from autograder.publishing.dist import secrets

    wanted = secrets(course)
    found_in = finder(s.norm for s in wanted)
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".js", ".json", ".txt", ".ipynb"):
            held = found_in(normalise(page_text(path) if path.suffix == ".html" else path.read_text(errors="ignore")))
            found += [f"{path.relative_to(site)}: {s.norm[:60]}" for s in wanted if s.norm in held]
    return found


# -- all of it -------------------------------------------------------------------------------
def build(
    out: Path,
    course: Path = REPO,
    student_repo: str = "OWNER/REPO",
    jobs: int = 2,
    log=print,
    src: Path | None = None,
    fresh: bool = False,
    cache: Path | None = None,
) -> dict:
    """Build the site into `out` from the pages written into `src` (course/.site-build unless
    named), whose probes/ holds each lecture's bake.probe_all for the tests. A lecture whose run
    jupyter-cache holds (in `cache`, course/.site-cache unless named) is not run again; `fresh`
    runs every lecture (and stores the runs)."""
    t0 = time.monotonic()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # the widgets' saved answers are the author's own otherwise: a throwaway review file
    os.environ["RNNLAB_REVIEW_FILE"] = os.path.join(tempfile.mkdtemp(), ".rnnlab-review.json")
    src = src or course / ".site-build"
    shutil.rmtree(src, ignore_errors=True)
    static = src / "_static"
    shutil.copytree(HERE / "static", static)
    if not (MATHJAX / "tex-chtml.js").is_file():
        raise BuildError(f"MathJax is missing ({MATHJAX}): run `make mathjax-deps`")
    for part in MATHJAX_PARTS:  # what tex-chtml.js loads (fonts, extensions, menu): 3 of 24 MB
        target = static / "mathjax" / part
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (MATHJAX / part).is_dir() else shutil.copy)(MATHJAX / part, target)
    shutil.copy(HERE / "conf.py", src / "conf.py")
    (src / "probes").mkdir()

    paths = lectures(course)
    runs, seconds, reused = run_lectures(
        paths, static, src / "probes", jobs, cache or course / CACHE, fresh, course, log
    )
    baked_at = time.monotonic()
    states = {}
    for path in paths:
        executed, baked = runs[path]
        for cell in executed.cells:  # the Colab and Binder links point at the students' repository
            cell.source = cell.source.replace("OWNER/REPO", student_repo)
        nb, counts = page(executed, baked, base=f"../_static/baked/{path.stem}/")
        if counts:
            states[path.stem] = counts
        if path.stem == START:
            nb.cells.append(nbformat.v4.new_markdown_cell(contents(course)))
        (src / "notebooks").mkdir(exist_ok=True)
        nbformat.write(nb, src / "notebooks" / path.name)
    for path in released_sets(course):
        target = src / "release" / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    built = src / "_build"
    sphinx(src, built, student_repo)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(built, out, ignore=shutil.ignore_patterns(".doctrees", ".buildinfo", "_sources"))
    (out / "index.html").write_text(
        f"<!doctype html><html lang='en'><meta charset='utf-8'>"
        f"<meta http-equiv='refresh' content='0; url=notebooks/{START}.html'>"
        "<link rel='icon' href='_static/favicon.svg'>"
        f"<title>Recurrent networks in PyTorch</title><a href='notebooks/{START}.html'>Start here</a></html>"
    )
    found = leaks(out, course)
    if found:
        shutil.rmtree(out)
        raise BuildError("the site holds solution or hidden-test lines; it was removed:\n" + "\n".join(found[:10]))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    report = {
        "seconds": round(time.monotonic() - t0, 1),
        "run_and_bake_seconds": round(baked_at - t0, 1),
        "megabytes": round(size / 1e6, 1),
        "lecture_seconds": seconds,
        "reused": reused,
        "states": states,
    }
    (src / "build.json").write_text(json.dumps(report, indent=1))
    log(
        f"site: {out} ({report['megabytes']} MB, {report['seconds']} s; baking {report['run_and_bake_seconds']} s, "
        f"{len(seconds)} lecture(s) run, {len(reused)} reused)"
    )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.publishing.site", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(REPO / "site"))
    parser.add_argument(
        "--student-repo",
        default=os.environ.get("STUDENT_REPO") or "OWNER/REPO",
        help="the students' GitHub repository, for the Colab and Binder buttons",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--fresh",
        action="store_true",
        help=f"run every lecture again, even those whose stored run in {CACHE}/ is still valid",
    )
    args = parser.parse_args(argv)
    from autograder.publishing.dist import STUDENT_REPO

    if args.student_repo != "OWNER/REPO" and not STUDENT_REPO.fullmatch(args.student_repo):
        print(f"make site: STUDENT_REPO should be a GitHub path owner/name, not {args.student_repo!r}", file=sys.stderr)
        return 2
    try:
        build(Path(args.out), student_repo=args.student_repo, jobs=args.jobs, fresh=args.fresh)
    except BuildError as err:
        print(f"make site: {err}", file=sys.stderr)
        return 1
    if args.student_repo == "OWNER/REPO":
        print(
            "make site: the Colab and Binder links say OWNER/REPO and lead nowhere: build again with "
            "STUDENT_REPO=owner/name (the students' public repository) before you publish the site",
            file=sys.stderr,
        )
    return 0
