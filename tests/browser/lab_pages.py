"""A lecture open in JupyterLab in Chromium, and how the browser tests drive widgets."""

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


ARTIFACTS = REPO / "test-artifacts"


VIEWPORT = {"width": 1366, "height": 768}  # a common laptop screen


A11Y_FILE = ARTIFACTS / "a11y-jupyterlab.json"


@contextlib.contextmanager
def notebook_page(lab, notebook: str, source: Path | None = None, run: bool = True, run_seconds: float = 180):
    """Chromium on a copy of notebooks/`notebook` (or of `source`) in the test's JupyterLab,
    with every cell run (unless `run` is False: as a student first opens it), at a laptop's
    1366 x 768. A cell that raises where it should not (`run_all`) fails the test at once, with
    the cell and its error.

    Yields the page; afterwards shuts the kernel down and checks that the committed notebook is
    byte for byte what it was (JupyterLab autosaves, so it must only ever see the copy)."""
    url, token, root, browser = lab
    source = source or REPO / "notebooks" / notebook
    shutil.copy(source, root / "notebooks" / notebook)
    committed = hashlib.sha256(source.read_bytes()).hexdigest()
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=VIEWPORT)  # a fresh context: no state of other tests
    try:
        page.goto(f"{url}/lab/tree/notebooks/{notebook}?reset&token={token}")  # reset: no tabs of earlier tests
        # run-all races the kernel start: wait until the command is enabled and the kernel idle
        page.wait_for_function(
            """() => {
            const app = window.jupyterapp;
            const w = app && app.shell.currentWidget;
            const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
            return k && k.status === 'idle' && app.commands.isEnabled('notebook:run-all-cells');
        }""",
            timeout=120_000,
        )
        if run:
            run_all(page, notebook, run_seconds)
        yield page
    finally:
        # one server serves every test: free this notebook's kernel (hundreds of MB) for the
        # next, also when the test failed
        with contextlib.suppress(Exception):
            page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        page.close()
    assert hashlib.sha256(source.read_bytes()).hexdigest() == committed


class CellError(AssertionError):
    """Run All stopped at a cell that raised, or did not finish in time."""


# Where Run All stands, read from the notebook's model: the first code cell with an error output
# that is not tagged `raises-exception`, else the first code cell without an execution count.
# A raising cell makes the kernel drop every request queued after it (JupyterLab sends cells with
# stop_on_error, except those tagged `raises-exception`), so those cells keep no execution count
# for ever: waiting for every count would only end at the timeout. Run All clears every cell's
# outputs and count as it queues it, so an error seen here is this run's, never a saved one.
# `last`: the index of the last cell asked to run (null: every cell).
RUN_STATE_JS = """(last) => {
    const panel = window.jupyterapp.shell.currentWidget;
    const lost = panel.__rnnlabKernelLost || null;
    let first = null;
    for (const [index, cell] of panel.content.widgets.entries()) {
        if (last !== null && index > last) break;
        const model = cell.model;
        if (model.type !== 'code') continue;
        const source = model.sharedModel.getSource();
        const tags = model.getMetadata('tags') || [];
        if (!tags.includes('raises-exception')) {
            for (let k = 0; k < model.outputs.length; k++) {
                const out = model.outputs.get(k).toJSON();
                if (out.output_type === 'error')
                    return {state: 'error', index, source, ename: out.ename, evalue: out.evalue,
                            traceback: out.traceback || []};
            }
        }
        if (first === null && model.executionCount == null) first = {index, source};
    }
    if (first === null) return {state: 'done'};
    return {state: lost ? 'lost' : 'running', kernel: lost, ...first};
}"""


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def run_all(page, notebook: str, seconds: float = 180, cells: range | None = None) -> None:
    """Run every cell of the page's notebook (JupyterLab's Run All) and wait until each code cell
    has run. A cell that raises (other than one tagged `raises-exception`, which Run All passes)
    raises CellError as soon as its error reaches the page, naming the notebook, the cell (its
    index in the notebook, as nbformat counts, and the first line of its source) and the error;
    so does a kernel that dies, or a run still going after `seconds`.

    `cells` (consecutive indices of the notebook's cells): run only those, as a student who
    selects them and runs them, and wait for them (the cells above must have run)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    last = None if cells is None else cells[-1]
    run = f"Run All of {notebook}" if cells is None else f"The run of cells {cells[0]} to {last} of {notebook}"
    # the kernel's death (out of memory, a crash) is a state that passes: note it when it happens
    page.evaluate(
        """([first, last]) => {
        const panel = window.jupyterapp.shell.currentWidget;
        if (!panel.__rnnlabWatched) {
            panel.__rnnlabWatched = true;
            panel.__rnnlabKernelLost = null;
            panel.sessionContext.statusChanged.connect((_, status) => {
                if (['dead', 'autorestarting', 'restarting'].includes(status))
                    panel.__rnnlabKernelLost = panel.__rnnlabKernelLost || status;
            });
        }
        // not awaited: its promise ends at the first error, before the cells it cancels
        if (first === null) {
            window.jupyterapp.commands.execute('notebook:run-all-cells');
        } else {
            panel.content.activeCellIndex = first;
            panel.content.deselectAll();
            panel.content.extendContiguousSelectionTo(last);
            window.jupyterapp.commands.execute('notebook:run-cell');
        }
    }""",
        [None if cells is None else cells[0], last],
    )
    state_js = f"({RUN_STATE_JS})({json.dumps(last)})"
    try:
        state = page.wait_for_function(
            f"() => {{ const s = {state_js}; return s.state !== 'running' && s; }}", polling=100, timeout=seconds * 1000
        ).json_value()
    except PlaywrightTimeout:
        state = page.evaluate(f"() => {state_js}")
        if state["state"] == "running":
            raise CellError(
                f"{run} did not finish in {seconds:g} s: {describe_cell(state)} was still running"
            ) from None
    if state["state"] == "done":
        return
    if state["state"] == "lost":
        # the status of a dying kernel can reach the page before the reply of the cell it ran
        # just before (CI saw cell 0 named for a death in cell 1): let replies in flight land
        # (a reply the kernel had not sent when it died never lands: that cell is named)
        page.wait_for_timeout(1500)
        settled = page.evaluate(f"() => {state_js}")
        if "source" in settled:
            state = {**settled, "kernel": state["kernel"]}
        raise CellError(f"{run}: the kernel died (status {state['kernel']!r}) while running {describe_cell(state)}")
    error = f"{state['ename']}: {state['evalue']}".rstrip(": ")
    # the traceback's last lines, those that say more than the error (under setup()'s
    # %xmode Minimal it holds the error alone)
    said = {line.strip() for line in error.splitlines()}
    traceback = [
        line
        for entry in state["traceback"][-6:]
        for line in ANSI.sub("", entry).rstrip().splitlines()
        if line.strip() not in said
    ]
    raise CellError(
        f"{run} stopped at {describe_cell(state)}: {error}" + "".join(f"\n    {line}" for line in traceback)
    )


def describe_cell(state: dict) -> str:
    """'cell 23 (`first line of its source`)': the index counts every cell, as nbformat does."""
    lines = [line.strip() for line in state["source"].splitlines() if line.strip()]
    return f"cell {state['index']} (`{lines[0] if lines else ''}`)"


def widget_in_cell(page, cell_text, css_class, attempts: int = 3):
    """The widget shown by the cell whose source holds `cell_text`. JupyterLab renders only the
    cells near the view, so that cell is made active and scrolled into view first; if its widget
    has not appeared after 15 s, that is done again (a loaded machine once left a quiz's cell
    unrendered for the 30 s a single wait allowed, in a fresh clone's make test; alone, it
    appeared at once). An element replaced while it is scrolled to (a widget that draws itself
    again: the progress table, in another fresh clone's make test) is looked up again too."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        found = page.evaluate(
            """async (text) => {
            const nb = window.jupyterapp.shell.currentWidget.content;
            const index = nb.widgets.findIndex(c => c.model.sharedModel.getSource().includes(text));
            if (index < 0) return false;
            nb.activeCellIndex = index;
            await nb.scrollToItem(index, 'center');
            return true;
        }""",
            cell_text,
        )
        assert found, f"no cell contains {cell_text!r}"
        widget = page.locator(f".jp-Cell.jp-mod-active .{css_class}").first
        try:
            widget.scroll_into_view_if_needed(timeout=15_000)
            return widget
        except PlaywrightError as err:  # a timeout is one too
            again = isinstance(err, PlaywrightTimeout) or "not attached to the DOM" in str(err)
            if not again or attempt == attempts - 1:
                raise


# What a check of a widget on screen measures, and where it goes: one JSON file per kind,
# merged over the tests of a run (conftest.py clears them when a browser run starts).
LAYOUT_FILE = ARTIFACTS / "widget-layout.json"


LATENCY_FILE = ARTIFACTS / "browser-latency.json"


MIN_FONT_PT = 9  # rnnlab.widgets._base.MIN_FONT_PT: 9 CSS px when shown at its size


ASPECT_TOLERANCE = 0.02


def record(path: Path, name: str, values: dict) -> None:
    """Add `name` to the JSON record at `path`. `make test-browser` runs two pytest workers: the
    read and the write happen under a lock, so neither drops what the other added."""
    import fcntl

    path.parent.mkdir(exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(path.read_text()) if path.exists() else {}
        data[name] = values
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        tmp.replace(path)


MEASURE_JS = """(el) => {
    const box = el.getBoundingClientRect();
    // the notebook's scrolling area: what JupyterLab leaves of the window for cells
    const panel = (el.closest('.jp-WindowedPanel-outer') || el.closest('.jp-NotebookPanel')
                   || document.body).getBoundingClientRect();
    const images = [...el.querySelectorAll('img.rnnlab-figure')].map(img => {
        const r = img.getBoundingClientRect();
        return {natural: [img.naturalWidth, img.naturalHeight], shown: [r.width, r.height]};
    });
    const visible = e => e.offsetParent !== null && e.getClientRects().length > 0;
    const truncated = [];
    for (const e of el.querySelectorAll('label, button, .widget-label, .widget-readout, .widget-label-basic, \
.widget-toggle-button, .widget-inline-hbox .widget-label, .rnnlab-progress td, .rnnlab-progress th')) {
        if (visible(e) && e.textContent.trim() && e.scrollWidth > e.clientWidth + 1)
            truncated.push(e.textContent.trim());
    }
    // a dropdown shows one option in a box: every option must fit, since any can be picked
    const ctx = document.createElement('canvas').getContext('2d');
    for (const s of el.querySelectorAll('select')) {
        if (!visible(s)) continue;
        const cs = getComputedStyle(s);
        ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        for (const o of s.options)
            if (ctx.measureText(o.text).width > room) truncated.push(o.text);
    }
    // a readout row, label, button or progress cell kept on its lines (a <br> starts one): a
    // value that wraps moves everything below it as it changes
    const lineCount = e => {
        const range = document.createRange();
        range.selectNodeContents(e);
        const rects = [...range.getClientRects()].filter(q => q.width > 0.5 && q.height > 0.5)
            .sort((a, b) => a.top - b.top);
        let n = 0, bottom = -Infinity;
        for (const q of rects) {
            if (q.top >= bottom - 2) { n++; bottom = q.bottom; } else bottom = Math.max(bottom, q.bottom);
        }
        return n;
    };
    const wrapped = [];
    for (const e of el.querySelectorAll('.rnnlab-readout td, .rnnlab-readout th, .widget-label, '
            + 'button, .rnnlab-progress td:not(.rnnlab-progress-why), .rnnlab-progress th')) {
        if (visible(e) && e.textContent.trim() && lineCount(e) > 1 + e.querySelectorAll('br').length)
            wrapped.push(e.textContent.trim());
    }
    // children of one box that cover each other (a label drawn over the next control)
    const overlapping = [];
    for (const box of el.querySelectorAll('.widget-hbox, .widget-vbox, .widget-box')) {
        const kids = [...box.children].filter(visible).map(k => [k, k.getBoundingClientRect()]);
        for (let i = 0; i < kids.length; i++) for (let j = i + 1; j < kids.length; j++) {
            const [a, ra] = kids[i], [b, rb] = kids[j];
            const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
            const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
            if (w > 1 && h > 1) overlapping.push([a.textContent.trim().slice(0, 40), \
b.textContent.trim().slice(0, 40)]);
        }
    }
    let smallestHtml = Infinity;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (walker.currentNode.textContent.trim() && parent && visible(parent))
            smallestHtml = Math.min(smallestHtml, parseFloat(getComputedStyle(parent).fontSize));
    }
    // how far the widget's content reaches to the right: a fixed-size figure must not overflow
    let right = box.right;
    for (const e of el.querySelectorAll('*')) if (visible(e)) right = Math.max(right, e.getBoundingClientRect().right);
    return {box: [right - box.left, box.height], panel: [panel.width, panel.height], images,
            truncated, wrapped, overlapping, smallestHtml};
}"""


def check_widget_on_screen(page, widget, name: str, figure: bool = True, fit: bool = True) -> dict:
    """At the page's 1366 x 768: each figure shown at its natural aspect ratio (within 2%), no
    control label or dropdown option cut off, the whole widget (controls and figure) inside
    the notebook's visible area. Saves a screenshot and records the measures."""
    from playwright.sync_api import expect

    widget.scroll_into_view_if_needed()
    if figure:
        expect(widget.locator("img.rnnlab-figure").first).to_be_visible()
        page.wait_for_function(
            "(el) => [...el.querySelectorAll('img.rnnlab-figure')].every(i => i.complete && i.naturalWidth > 0)",
            arg=widget.element_handle(),
        )
    m = widget.evaluate(MEASURE_JS)
    widget.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"))
    values = {
        "displayed": [round(v) for v in m["box"]],
        "notebook_area": [round(v) for v in m["panel"]],
        "smallest_html_text_px": m["smallestHtml"],
        "truncated": m["truncated"],
        "wrapped": m["wrapped"],
        "overlapping": m["overlapping"],
    }
    if figure:
        assert m["images"], f"{name}: no figure"
        errors, text_px = [], []
        for img in m["images"]:
            (nw, nh), (sw, sh) = img["natural"], img["shown"]
            errors.append(abs((nw / nh) / (sw / sh) - 1))
            text_px.append(MIN_FONT_PT * sw / (nw / 2))  # the PNG holds 2 pixels per CSS pixel
        values.update(
            figure_natural=m["images"][0]["natural"],
            figure_shown=[round(v, 1) for v in m["images"][0]["shown"]],
            aspect_error=round(max(errors), 4),
            smallest_figure_text_px=round(min(text_px), 2),
        )
    record(LAYOUT_FILE, name, values)
    assert not m["truncated"], f"{name}: cut-off labels {m['truncated']}"
    assert not m["wrapped"], f"{name}: readouts or labels wrapped onto more lines {m['wrapped']}"
    assert not m["overlapping"], f"{name}: parts drawn over each other {m['overlapping']}"
    if figure:
        assert values["aspect_error"] <= ASPECT_TOLERANCE, values
        assert values["smallest_figure_text_px"] >= MIN_FONT_PT - 0.01, values
    assert m["smallestHtml"] >= MIN_FONT_PT, values
    if fit:
        assert m["box"][0] <= m["panel"][0] and m["box"][1] <= m["panel"][1], (
            f"{name} ({values['displayed']}) does not fit the notebook area {values['notebook_area']}"
        )
    return values


def press_and_wait(page, widget, control: str, keys: list[str], watched, name: str | None = None):
    """Focus `control`'s slider handle, press `keys`, wait until `watched` and the figure
    change. Returns (before, after). (Latency is measured separately, by `time_updates`.)"""
    from playwright.sync_api import expect

    expect(widget.locator("img.rnnlab-figure").first).to_be_visible()
    page.wait_for_timeout(500)
    handle = slider_handle(widget, control)
    handle.focus()

    def press():
        for key in keys:
            handle.press(key)

    return change_and_wait(page, widget, press, watched, name)


def slider_handle(widget, control: str):
    return widget.locator(f".rnnlab-control-{control} .noUi-handle")


def change_and_wait(page, widget, action, watched, name: str | None = None):
    """Run `action()` (a key press, a click, a pick), wait until `watched` and the figure
    change (a figure that stays the same fails the test). Returns (before, after)."""
    from playwright.sync_api import expect

    figure = widget.locator("img.rnnlab-figure").first
    before, before_src = watched.inner_text(), figure.get_attribute("src")

    def place():  # the figure's corner within the widget (the page itself may scroll)
        f, w = figure.bounding_box(), widget.bounding_box()
        return round(f["x"] - w["x"], 1), round(f["y"] - w["y"], 1)

    where = place()
    action()
    expect(watched).not_to_have_text(before, timeout=15_000)
    page.wait_for_function(
        "([img, old]) => img.getAttribute('src') !== old", arg=[figure.element_handle(), before_src], timeout=15_000
    )
    # the figure stays where it was: a readout that grows or wraps with its values pushes it about
    now = place()
    assert abs(now[0] - where[0]) <= 1 and abs(now[1] - where[1]) <= 1, (
        f"the figure moved within the widget from {where} to {now} when {watched} changed"
    )
    return before, watched.inner_text()


# Update latency, measured inside the page: Python's clock and Playwright's polling (100, 250,
# 500, 1000 ms back-off) are not in the way. One measurement is one change (one key press,
# click or pick): the clock starts in a capturing listener when that event is dispatched, a
# MutationObserver notes when the kernel's readout text and the figure's src change, and the
# new image is then decoded (img.decode()) and painted (the frame after it: requestAnimationFrame,
# then a task, which runs once that frame is on screen).
LATENCY_REPEATS = int(os.environ.get("RNNLAB_LATENCY_REPEATS", "5"))


ARM_JS = """(root, [figure, readout]) => {
    const readoutText = () => [...root.querySelectorAll(readout)]
        .filter(e => !e.parentElement.closest(readout)).map(e => e.textContent).join('|');
    const image = () => root.querySelector('img.rnnlab-figure');
    const t = {start: null, readout: null, src: null, decoded: null, painted: null, error: null,
               done: false};
    const text0 = readoutText(), src0 = figure ? image().getAttribute('src') : null;
    const finish = () => { t.done = t.readout !== null && (!figure || t.painted !== null); };
    const begin = e => { if (t.start === null) t.start = performance.now(); };
    const events = ['keydown', 'change', 'click'];
    for (const type of events) root.addEventListener(type, begin, {capture: true});
    const seen = () => {
        if (t.start === null) return;
        const now = performance.now();
        if (t.readout === null && readoutText() !== text0) t.readout = now;
        const img = figure && image();
        if (img && t.src === null && img.getAttribute('src') !== src0) {
            t.src = now;
            img.decode().then(() => {
                t.decoded = performance.now();
                requestAnimationFrame(() => setTimeout(() => {
                    t.painted = performance.now(); finish();
                }, 0));
            }, err => { t.error = String(err); t.done = true; });
        }
        finish();
        if (t.done) {
            observer.disconnect();
            for (const type of events) root.removeEventListener(type, begin, {capture: true});
        }
    };
    const observer = new MutationObserver(seen);
    observer.observe(root, {subtree: true, childList: true, characterData: true,
                            attributes: true, attributeFilter: ['src']});
    root.__rnnlabTiming = t;
}"""


def kernel_idle(page) -> None:
    page.wait_for_function(
        """() => {
        const s = window.jupyterapp.shell.currentWidget.sessionContext;
        return s.session && s.session.kernel && s.session.kernel.status === 'idle';
    }""",
        timeout=30_000,
    )


def time_updates(
    page,
    widget,
    name: str,
    actions: list,
    figure: bool = True,
    readout: str = ".rnnlab-readout",
    repeats: int = LATENCY_REPEATS,
) -> dict:
    """Time `repeats` single changes of `widget` in the page, cycling through `actions` (each a
    callable making one change: one key press, one click, one pick); records the median and the
    largest milliseconds from the event to the new readout, to the new figure's src, to its
    decoding and to its first paint (test-artifacts/browser-latency.json, reported by
    `make bench`; not asserted: the machine may be shared). The readout is the text of the
    elements matching the CSS selector `readout`; a widget without a figure has only that."""
    import statistics

    runs, began = [], time.perf_counter()
    for k in range(repeats):
        kernel_idle(page)
        page.wait_for_timeout(100)  # let the last frame settle
        widget.evaluate(ARM_JS, [figure, readout])
        actions[k % len(actions)]()
        page.wait_for_function("(root) => root.__rnnlabTiming.done", arg=widget.element_handle(), timeout=15_000)
        t = widget.evaluate("(root) => root.__rnnlabTiming")
        assert not t["error"], f"{name}: {t['error']}"
        assert t["start"] is not None, f"{name}: the change dispatched no key, change or click event"
        runs.append(
            {k: round(t[k] - t["start"], 1) for k in ("readout", "src", "decoded", "painted") if t[k] is not None}
        )
    # what the timing adds to the test run, in seconds of wall clock
    values = {"repeats": repeats, "runs": runs, "seconds": round(time.perf_counter() - began, 2)}
    for key in runs[0]:
        series = [r[key] for r in runs]
        values[f"{key}_ms"] = round(statistics.median(series), 1)
        values[f"{key}_max_ms"] = max(series)
    if figure:  # the figure is there for the student once it is painted
        values["figure_ms"], values["figure_max_ms"] = values["painted_ms"], values["painted_max_ms"]
    record(LATENCY_FILE, name, values)
    return values


def key_presses(widget, control: str, *keys: str) -> list:
    """One action per key: focus `control`'s slider handle and press it."""
    handle = slider_handle(widget, control)

    def press(key):
        return lambda: (handle.focus(), handle.press(key))

    return [press(key) for key in keys]
