"""`make site`: the course as a static website in site/, with widgets that answer without a kernel
(docs/site.md): the lectures run and baked (runs), their widgets drawn as HTML (render), the pages
written by Sphinx with myst-nb, and the site scanned for secrets as the student distribution is.

    python -m autograder.publishing.site [--out site] [--student-repo owner/name] [--jobs 2] [--fresh]
"""

from __future__ import annotations

import argparse
import copy
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[3]  # the course folder (site/ is written here)
from autograder.publishing.site.render import widget_html  # noqa: E402
from autograder.publishing.site.runs import LectureError, lectures, run_lectures  # noqa: E402

HERE = Path(__file__).parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MATHJAX = REPO / "deploy" / "mathjax" / "node_modules" / "mathjax" / "es5"
MATHJAX_PARTS = ("tex-chtml.js", "output/chtml", "input/tex/extensions", "ui", "a11y")
START = "00_start_here"
CACHE = ".site-cache"  # jupyter-cache's folder of the lectures' runs, in the course folder


class BuildError(RuntimeError):
    pass


def released_sets(course: Path = REPO) -> list[Path]:
    """The student version of every problem set, release/psNN_topic/psNN_topic.ipynb."""
    return sorted((course / "release").glob("ps*/ps*.ipynb"))


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
    from autograder.publishing.scan import secrets

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
    """Build the site into `out` from the pages written into `src` (course/.site-build unless named;
    its probes/ for the tests). A lecture whose run jupyter-cache holds in `cache` (course/.site-cache
    unless named) is not run again, unless `fresh`."""
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
    except (BuildError, LectureError) as err:
        print(f"make site: {err}", file=sys.stderr)
        return 1
    if args.student_repo == "OWNER/REPO":
        print(
            "make site: the Colab and Binder links say OWNER/REPO and lead nowhere: build again with "
            "STUDENT_REPO=owner/name (the students' public repository) before you publish the site",
            file=sys.stderr,
        )
    return 0
