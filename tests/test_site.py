"""The course website (`make site`, instructor.publishing.site): built once from the lectures, then read in
Chromium with no kernel and no network. Every widget's every control is moved; what the page then
shows must be the baked state, and for two settings per widget it must equal what the kernel-side
widget draws: the lecture's own saved state (drawn by the kernel of `rnnlab.tools execute`), and a
second setting drawn in the build's kernel with the controls set directly, before anything was baked
(pixels of the picture, text of the readouts).
"""
from __future__ import annotations

import base64
import html
import html.parser
import io
import json
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest

from instructor.publishing.site import build as site

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

REPO = Path(__file__).resolve().parent.parent
STUDENTS = "course-org/rnn-students"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    report = site.build(root / "site", student_repo=STUDENTS, src=root / "src", log=lambda *a: None, probe=True)
    return root / "site", report


@pytest.fixture(scope="module")
def probes(built):
    """What each figure widget drew in the build's kernel at its second setting, set directly and
    before any state was baked (instructor.publishing.site.bake.probe_all), by the widget's output ids."""
    folder, _ = built
    found = {}
    for path in (folder.parent / "src" / "probes").glob("*.json"):
        for drawn in json.loads(path.read_text()).values():
            found[f"{path.stem}:{','.join(drawn['outputs'])}"] = drawn
    return found


@pytest.fixture(scope="module")
def served(built):
    folder, _ = built

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass                         # a page closed while a picture was on its way

    server = Server(("127.0.0.1", 0), Quiet)
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
    for ps in site.released_sets(REPO):
        assert (folder / "release" / ps.parent.name / f"{ps.stem}.html").is_file(), ps
    assert "notebooks/00_start_here.html" in (folder / "index.html").read_text()
    assert (folder / "searchindex.js").is_file()
    assert "forget" in (folder / "searchindex.js").read_text()
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert size < 60e6, f"the site weighs {size / 1e6:.1f} MB"
    print(json.dumps(report, indent=1))


def test_every_file_a_page_loads_is_in_the_site(built):
    """Stylesheets, scripts, pictures and the icon of every page are files of the site (headless
    Chromium asks for no icon, so the browser tests would not see one missing)."""
    folder, _ = built
    tag = re.compile(r"<(?:link|script|img)\b[^>]*?\b(?:href|src)=[\"']([^\"'#?]+)")
    for path in folder.rglob("*.html"):
        if path.parts[len(folder.parts)] == "_static":       # the theme's templates, not pages
            continue
        text = path.read_text()
        assert path.name == "index.html" or re.search(r"<link[^>]*rel=\"icon\"", text), path
        for ref in tag.findall(text):
            if not re.match(r"^[a-z]+:|^//", ref):
                assert (path.parent / ref).resolve().is_file(), (path.relative_to(folder), ref)


def test_tables_are_drawn_as_tables(built):
    """A Markdown table (the cheat sheet's outputs, any lecture's text) is a table on its page,
    not a paragraph of pipes and dashes."""
    folder, _ = built
    for path in sorted(folder.rglob("*.html")):
        page = re.sub(r"<script.*?</script>", "", path.read_text(), flags=re.S)
        undrawn = re.findall(r"\|\s*[-–—:]+\s*\|", text_of(page))
        assert not undrawn, f"{path.relative_to(folder)}: {undrawn[:3]}"
    assert (folder / "notebooks" / "cheatsheet.html").read_text().count("<table") >= 3


def test_each_chapter_page_opens_in_colab_and_binder_from_the_students_repository(built):
    folder, _ = built
    for lecture in site.lectures(REPO):
        page = (folder / "notebooks" / f"{lecture.stem}.html").read_text()
        path = f"notebooks/{lecture.name}"
        assert f"https://colab.research.google.com/github/{STUDENTS}/blob/main/{path}" in page, lecture.name
        assert re.search(rf"https://mybinder.org/v2/gh/{STUDENTS}/main\?urlpath=lab/tree/{path}", page), lecture.name
        assert "OWNER/REPO" not in page, lecture.name          # the lecture's own links too
    for ps in site.released_sets(REPO):            # they need the course installed: Binder, not Colab
        page = (folder / "release" / ps.parent.name / f"{ps.stem}.html").read_text()
        assert f"https://mybinder.org/v2/gh/{STUDENTS}/main?urlpath=lab/tree/release/{ps.parent.name}/" in page, ps
        assert "colab.research.google.com" not in page, ps


def test_the_scan_finds_a_solution_line_put_into_a_page(built, tmp_path):
    folder, _ = built
    assert site.leaks(folder) == []
    from instructor.publishing.dist import secrets
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
    # a file the page asks its own server for and the site lacks (a picture, a script, the icon)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
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
    if len(control["labels"]) < 2:            # one value offered: the page shows it, disabled, as set
        assert k == 0 and el.locator("input, select, button").first.is_disabled(), (control, k)
        return
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


@pytest.fixture(scope="module")
def driven(built, served, chromium, probes):
    """Every page opened; every control of every baked figure widget moved through each of its
    values (the others where they stand); the start and the probed second setting of each
    widget kept, with what the kernel drew there."""
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
            # the second setting, as the kernel drew it before baking
            drawn = probes[f"{Path(name).stem}:{','.join(o['id'] for o in start['outputs'])}"]
            for control, k in zip(start["controls"], drawn["setting"]):
                move(page, root, control, k)
            second = root.evaluate(FIGURE_STATE)
            check_shown(second)
            assert second["key"] == ",".join(map(str, drawn["setting"]))
            widgets.append(("figure", start, (second, drawn)))
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


def test_each_widget_starts_as_the_kernel_drew_it(driven, served):
    """Each figure widget's first picture and readouts equal what the widget drew in the build's
    kernel as the lecture left it, before anything was probed or baked (the kernel's own PNG)."""
    compared = 0
    for name, (widgets, _) in driven.items():
        for _, start, (_, kernel) in (w for w in widgets if w[0] == "figure"):
            for out, shown, want in zip(start["outputs"], start["shown"], kernel["start"]):
                if out["kind"] == "image":
                    assert pixels(picture(served, shown, name)) == pixels(base64.b64decode(want)), (name, out["id"])
                    compared += 1
                elif out["kind"] in ("html", "label"):
                    assert " ".join(shown.split()) == text_of(want), (name, shown[:80], want[:80])
    assert compared >= 11, compared


def test_every_figure_widget_the_lecture_saved_is_baked_on_its_page(driven):
    """As many driven figure widgets on each page as the committed lecture saved (the saved state
    is another CPU's, perhaps, so only the count is compared)."""
    for name, (widgets, _) in driven.items():
        nb = nbformat.read(REPO / "notebooks" / (Path(name).stem + ".ipynb"), 4)
        saved = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
        ids = [o["data"][WIDGET_VIEW]["model_id"] for c in nb.cells
               for o in c.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
        owners = [i for i in ids if _is_figure(saved, i)]
        assert len(owners) == len([w for w in widgets if w[0] == "figure"]), (name, len(owners))


def _walk(state, model_id):
    yield model_id
    for child in state[model_id]["state"].get("children", []):
        yield from _walk(state, child[len("IPY_MODEL_"):])


def _is_figure(state, model_id):
    return any(state[m]["model_name"] == "ImageModel" or state[m]["model_name"] in (
        "FloatSliderModel", "IntSliderModel", "DropdownModel", "ToggleButtonsModel")
        for m in _walk(state, model_id)) and not any(
        state[m]["model_name"] in ("ButtonModel", "FloatProgressModel") for m in _walk(state, model_id))


def test_a_second_setting_of_each_widget_equals_what_the_kernel_draws(driven, served, probes):
    """Every figure widget's second setting shows, pixel for pixel and readout for readout, what
    the widget drew in the kernel when its controls were set there directly, before baking."""
    compared = 0
    for name, (widgets, _) in driven.items():
        for _, _, (second, drawn) in (w for w in widgets if w[0] == "figure"):
            kernel = drawn["shown"]
            assert len(second["shown"]) == len(kernel), name
            for out, shown, want in zip(second["outputs"], second["shown"], kernel):
                if out["kind"] == "image":
                    assert pixels(picture(served, shown, name)) == pixels(base64.b64decode(want)), name
                    compared += 1
                elif out["kind"] in ("html", "label"):
                    assert " ".join(shown.split()) == text_of(want), (name, shown[:80], want[:80])
    assert compared >= 11 and len(probes) >= 11, (compared, len(probes))


def test_quizzes_check_answers_and_flashcards_turn_in_the_page(driven, tmp_path, monkeypatch):
    """Every answer to the first question of chapter 03's quiz, checked in the page, reads as the
    kernel's Quiz writes it, and so does the score; the flashcards reveal and move on."""
    monkeypatch.setenv("RNNLAB_REVIEW_FILE", str(tmp_path / "review.json"))
    from rnnlab.widgets import Quiz
    lines = 0
    for name, (_, opened) in driven.items():         # before any click, no answer is given away
        shown = opened.locator(".rnnlab-quiz > .bk-vbox > :last-child").all_inner_texts()
        assert not any(t.strip() for t in shown), (name, [t for t in shown if t.strip()][:2])
        lines += len(shown)
    assert lines >= 50, lines                          # every chapter's questions were looked at
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
