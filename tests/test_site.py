"""The course website (`make site`, rnnlab.site): built once from the lectures, then read in
Chromium with no kernel and no network. Every widget's every control is moved; what the page then
shows must be the baked state, and for two settings per widget it must equal what the kernel-side
widget draws: the lecture's own saved state, and a second setting drawn by a kernel that ran the
lecture again (pixels of the picture, text of the readouts).
"""
from __future__ import annotations

import base64
import hashlib
import html
import html.parser
import io
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest

from rnnlab.site import build as site

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

REPO = Path(__file__).resolve().parent.parent
STUDENTS = "course-org/rnn-students"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    report = site.build(root / "site", student_repo=STUDENTS, src=root / "src", log=lambda *a: None)
    return root / "site", report


@pytest.fixture(scope="module")
def served(built):
    folder, _ = built

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def pages(folder: Path) -> list[str]:
    return [f"notebooks/{p.stem}.html" for p in site.lectures(REPO)]


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def text_of(fragment: str) -> str:
    parser = Text()
    parser.feed(fragment)
    return " ".join("".join(parser.parts).split())


def pixels(data: bytes) -> bytes:
    from PIL import Image
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


# -- the build ---------------------------------------------------------------------------------
def test_every_chapter_problem_set_and_the_cheat_sheet_has_a_page(built):
    folder, report = built
    for lecture in site.lectures(REPO):
        assert (folder / "notebooks" / f"{lecture.stem}.html").is_file(), lecture.name
    for ps in site.problem_sets(REPO):
        assert (folder / "release" / ps.parent.name / f"{ps.stem}.html").is_file(), ps
    assert "notebooks/00_start_here.html" in (folder / "index.html").read_text()
    assert (folder / "searchindex.js").is_file()
    assert "forget" in (folder / "searchindex.js").read_text()
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert size < 60e6, f"the site weighs {size / 1e6:.1f} MB"
    print(json.dumps(report, indent=1))


def test_each_chapter_page_opens_in_colab_and_binder_from_the_students_repository(built):
    folder, _ = built
    for lecture in site.lectures(REPO):
        page = (folder / "notebooks" / f"{lecture.stem}.html").read_text()
        path = f"notebooks/{lecture.name}"
        assert f"https://colab.research.google.com/github/{STUDENTS}/blob/main/{path}" in page, lecture.name
        assert re.search(rf"https://mybinder.org/v2/gh/{STUDENTS}/main\?urlpath=lab/tree/{path}", page), lecture.name
        assert "OWNER/REPO" not in page, lecture.name          # the lecture's own links too


def test_the_scan_finds_a_solution_line_put_into_a_page(built, tmp_path):
    folder, _ = built
    assert site.leaks(folder) == []
    from autograder.dist import secrets
    secret = next(s for s in secrets(REPO) if len(s.norm) > 30)
    copy = tmp_path / "copy"
    shutil.copytree(folder / "notebooks", copy / "notebooks")
    page = copy / "notebooks" / "03_lstm_gates.html"
    # as a highlighted code block writes it: one span per token
    marked = "".join(f"<span class='n'>{html.escape(c)}</span>" for c in secret.line)
    page.write_text(page.read_text().replace("</main>", f"<pre>{marked}</pre></main>"))
    found = site.leaks(copy)
    assert found and found[0].startswith("notebooks/03_lstm_gates.html"), found


# -- the pages in a browser, with no kernel and no network -------------------------------------
def open_page(chromium, url):
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    outside, errors = [], []
    page.route(re.compile(r"^(?!http://127\.0\.0\.1)(?!data:).*"),
               lambda route: (outside.append(route.request.url), route.abort()))
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('.bk-live:not(.bk-ready)').length === 0")
    return page, outside, errors


FIGURE_STATE = """root => {
  const data = JSON.parse(root.querySelector('.bk-data').textContent);
  const S = data.strings, state = data.states[root.dataset.state];
  const shown = data.outputs.map(o => {
    const el = root.querySelector(`[data-w="${o.id}"]`);
    if (o.kind === 'image') return el.getAttribute('src');
    if (o.kind === 'text') return el.querySelector('input, textarea').value;
    if (o.kind === 'options') return JSON.stringify(Array.from(el.querySelectorAll('option, .bk-toggles button')).map(e => e.textContent));
    return el.textContent;
  });
  return {key: root.dataset.state, state: state && state.map(k => S[k]), shown, outputs: data.outputs,
          controls: data.controls, start: data.start};
}"""


def move(page, root, control, k):
    """Set one control of a baked widget to its k-th offered value, as a reader would."""
    el = root.locator(f"[data-w='{control['id']}']")
    kind = control["kind"]
    if kind == "slider":
        el.locator("input").evaluate("(e, k) => { e.value = k; e.dispatchEvent(new Event('input')); }", k)
    elif kind == "checkbox":
        el.locator("input").set_checked(bool(k))
    elif kind == "toggle":
        el.locator(".bk-toggles button").nth(k).click()
    elif kind == "radio":
        el.locator("input[type=radio]").nth(k).check()
    else:
        el.locator("select").select_option(index=k)


def check_shown(info):
    """The page shows the state its key names: each picture, readout and text box."""
    assert info["state"] is not None, f"no baked state {info['key']}"
    for out, want, got in zip(info["outputs"], info["state"], info["shown"]):
        if out["kind"] == "image":
            assert got.endswith(want), (info["key"], got, want)
        elif out["kind"] in ("html", "label"):
            assert " ".join(got.split()) == text_of(want), (info["key"], got[:80], want[:80])
        elif out["kind"] == "text":
            assert got == want
        elif out["kind"] == "options":
            assert json.loads(got)[:len(json.loads(want))] == json.loads(want)


def second_setting(data: dict) -> list[int]:
    """The second setting compared with a kernel: every control at its last value (its first,
    where the last is where the lecture left it)."""
    start = [int(k) for k in data["start"].split(",")]
    return [len(c["labels"]) - 1 if at != len(c["labels"]) - 1 else 0 for c, at in zip(data["controls"], start)]


def baked_figures(page: Path) -> list[dict]:
    found = re.findall(r"<script type='application/json' class='bk-data'>(.*?)</script>", page.read_text(), re.S)
    return [d for d in (json.loads(f.replace("<\\/", "</")) for f in found) if d["kind"] == "figure"]


@pytest.fixture(scope="module")
def kernel(built):
    """What fresh kernels draw for each figure widget's second setting, started as soon as the
    site is built: it runs while the browser drives the pages."""
    from concurrent.futures import ThreadPoolExecutor
    folder, _ = built
    jobs = {name: [second_setting(d) for d in baked_figures(folder / name)] for name in pages(folder)}
    jobs = {name: settings for name, settings in jobs.items() if settings}
    pool = ThreadPoolExecutor(max_workers=2)
    futures = {name: pool.submit(kernel_draws, REPO / "notebooks" / (Path(name).stem + ".ipynb"), settings)
               for name, settings in jobs.items()}
    yield futures
    pool.shutdown(wait=True)


@pytest.fixture(scope="module")
def driven(built, served, chromium, kernel):
    """Every page opened; every control of every baked figure widget moved through each of its
    values (the others where they stand); the start and one other setting of each widget kept."""
    folder, _ = built
    seen = {}
    for name in pages(folder):
        page, outside, errors = open_page(chromium, f"{served}/{name}")
        shown = "\n".join(page.locator(".cell_output").all_inner_texts())     # what the cells printed
        assert not re.search(r"Traceback|\b[VH]?Box\(|\w+(Slider|Dropdown|Buttons?|Progress)\(", shown), \
            (name, shown[:200])
        widgets = []
        for n in range(page.locator(".bk-live").count()):
            root = page.locator(".bk-live").nth(n)
            kind = root.evaluate("r => JSON.parse(r.querySelector('.bk-data').textContent).kind")
            if kind != "figure":
                widgets.append((kind, None, None))
                continue
            start = root.evaluate(FIGURE_STATE)
            check_shown(start)
            for c, control in enumerate(start["controls"]):
                n = len(control["labels"])                 # every value; 20 of a long slider, both ends
                for k in sorted({round(j * (n - 1) / 19) for j in range(20)} if n > 20 else range(n)):
                    move(page, root, control, k)
                    info = root.evaluate(FIGURE_STATE)
                    assert info["key"].split(",")[c] == str(k), (name, control, k)
                    check_shown(info)
                move(page, root, control, int(start["start"].split(",")[c]))
            # a second setting: every control at its last value (its first, where that is the start)
            other = second_setting(start)
            for control, k in zip(start["controls"], other):
                move(page, root, control, k)
            second = root.evaluate(FIGURE_STATE)
            check_shown(second)
            assert second["key"] == ",".join(map(str, other))
            widgets.append(("figure", start, second))
        page.screenshot(path=str(REPO / "test-artifacts" / f"site-{Path(name).stem}.png")) \
            if (REPO / "test-artifacts").is_dir() else None
        assert outside == [], f"{name} asked the network for {outside[:3]}"
        assert errors == [], f"{name}: {errors[:3]}"
        seen[name] = (widgets, page)
    yield seen
    for _, page in seen.values():
        page.close()


def test_every_widget_on_every_page_answers_without_a_kernel(driven):
    live = sum(len(w) for w, _ in driven.values())
    figures = sum(kind == "figure" for w, _ in driven.values() for kind, *_ in w)
    assert figures >= 11 and live >= 30, (figures, live)


def picture(served, src, name):
    import urllib.request
    url = src if src.startswith("data:") else f"{served}/{Path(name).parent}/{src}"
    if url.startswith("data:"):
        return base64.b64decode(url.split(",", 1)[1])
    return urllib.request.urlopen(url).read()


def test_each_widget_starts_as_the_lecture_saved_it(driven, served):
    """The page's first picture and readouts equal the widget state the committed lecture saved
    (drawn by the kernel of `rnnlab.tools execute`, not by the site's build)."""
    for name, (widgets, _) in driven.items():
        nb = nbformat.read(REPO / "notebooks" / (Path(name).stem + ".ipynb"), 4)
        saved = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
        ids = [o["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] for c in nb.cells
               for o in c.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        figures = [w for w in widgets if w[0] == "figure"]
        owners = [i for i in ids if _is_figure(saved, i)]
        assert len(owners) == len(figures), (name, len(owners), len(figures))
        for owner, (_, start, _) in zip(owners, figures):
            images = [m for m in _walk(saved, owner) if saved[m]["model_name"] == "ImageModel"]
            texts = [saved[m]["state"]["value"] for m in _walk(saved, owner)
                     if saved[m]["model_name"] in ("HTMLModel", "LabelModel")]
            page_images = [s for o, s in zip(start["outputs"], start["shown"]) if o["kind"] == "image"]
            for m, src in zip(images, page_images):
                kernel = base64.b64decode(saved[m]["buffers"][0]["data"])
                assert pixels(picture(served, src, name)) == pixels(kernel), (name, m)
            page_texts = [s for o, s in zip(start["outputs"], start["shown"]) if o["kind"] in ("html", "label")]
            assert page_texts and [" ".join(t.split()) for t in page_texts] == [text_of(t) for t in texts], name


def _walk(state, model_id):
    yield model_id
    for child in state[model_id]["state"].get("children", []):
        yield from _walk(state, child[len("IPY_MODEL_"):])


def _is_figure(state, model_id):
    return any(state[m]["model_name"] == "ImageModel" or state[m]["model_name"] in (
        "FloatSliderModel", "IntSliderModel", "DropdownModel", "ToggleButtonsModel")
        for m in _walk(state, model_id)) and not any(
        state[m]["model_name"] in ("ButtonModel", "FloatProgressModel") for m in _walk(state, model_id))


PROBE = """
import base64, json
from rnnlab.site import bake as _b
from rnnlab.widgets._base import FigureWidget as _F
_out = []
_settings = json.loads({settings!r})
for _mid in dict.fromkeys(_b.DISPLAYED):
    _owner, _root = _b.OWNERS.get(_mid), _b.find(_mid)
    if _owner is None and not any(isinstance(w, _b.CONTROL_TYPES) for w in _b.walk(_root)):
        continue
    if _owner is not None and not isinstance(_owner, _F):
        continue
    if _owner is None and any(type(w).__name__ in ("Button", "FloatProgress") for w in _b.walk(_root)):
        continue
    _controls = _b.controls_of(_owner, _root)
    for _c, _k in zip(_controls, _settings[len(_out)]):
        _c.set(_k)
    _out.append([base64.b64encode(bytes(w.value)).decode() if type(w).__name__ == "Image" else str(w.value)
                 for w in _b.outputs_of(_root, _controls)])
print("PROBE" + json.dumps(_out))
"""


def kernel_draws(lecture: Path, settings: list[list[int]]) -> list[list[str]]:
    """Run the lecture in a fresh kernel, set each figure widget's controls to `settings` with
    plain value changes, and return what each widget then shows."""
    from rnnlab.kernels import notebook_client
    nb = nbformat.read(lecture, 4)
    from rnnlab.tools import marks_to_tags
    marks_to_tags(nb)
    saved = nb.metadata["widgets"][WIDGET_STATE]["state"]
    last = max(i for i, c in enumerate(nb.cells) for o in c.get("outputs", [])
               if WIDGET_VIEW in o.get("data", {}) and _is_figure(saved, o["data"][WIDGET_VIEW]["model_id"]))
    nb.cells = nb.cells[:last + 1]                  # what comes after its last figure widget is not needed
    nb.cells.insert(0, nbformat.v4.new_code_cell("from rnnlab.site import bake\nbake.record()"))
    nb.cells.append(nbformat.v4.new_code_cell(PROBE.format(settings=json.dumps(settings))))
    notebook_client(nb, timeout=600, kernel_name="python3",
                    resources={"metadata": {"path": str(lecture.parent)}}).execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    return json.loads(text.split("PROBE", 1)[1])


def test_a_second_setting_of_each_widget_equals_what_a_kernel_draws(driven, served, kernel):
    jobs = {name: [w for w in widgets if w[0] == "figure"] for name, (widgets, _) in driven.items()}
    jobs = {name: figures for name, figures in jobs.items() if figures}
    assert set(jobs) == set(kernel)
    drawn = {name: future.result() for name, future in kernel.items()}
    compared = 0
    for name, figures in jobs.items():
        assert len(drawn[name]) == len(figures), name
        for (_, _, second), kernel in zip(figures, drawn[name]):
            for out, shown, want in zip(second["outputs"], second["shown"], kernel):
                if out["kind"] == "image":
                    assert pixels(picture(served, shown, name)) == pixels(base64.b64decode(want)), name
                    compared += 1
                elif out["kind"] in ("html", "label"):
                    assert " ".join(shown.split()) == text_of(want), (name, shown[:80], want[:80])
    assert compared >= 11


def test_quizzes_check_answers_and_flashcards_turn_in_the_page(driven, tmp_path, monkeypatch):
    """Every answer to the first question of chapter 03's quiz, checked in the page, reads as the
    kernel's Quiz writes it, and so does the score; the flashcards reveal and move on."""
    monkeypatch.setenv("RNNLAB_REVIEW_FILE", str(tmp_path / "review.json"))
    from rnnlab.widgets import Quiz
    page = driven["notebooks/03_lstm_gates.html"][1]
    question = page.locator(".rnnlab-quiz > .bk-vbox").first
    kernel = Quiz("03")
    card = kernel.cards[0]
    for k, (_, key) in enumerate(card.choice.options):
        question.locator("input[type=radio]").nth(k).check()
        question.locator("button", has_text="Check").click()
        card.choice.value = key
        card.grade()
        kernel._score()
        shown = question.locator(":scope > :last-child").inner_text()
        assert " ".join(shown.split()) == text_of(card.feedback.value), (k, shown)
        score = page.locator(".rnnlab-quiz > :last-child").inner_text()
        assert " ".join(score.split()) == text_of(kernel.score.value)
    deck = page.locator(".rnnlab-flashcards")
    first = deck.inner_text()
    deck.locator("button", has_text="Reveal").click()
    assert deck.inner_text() != first
    deck.locator("button", has_text="Next").click()
    assert "card 2 of" in deck.inner_text()
