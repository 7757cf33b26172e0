"""Chapter 02's unroll widget in a real JupyterLab, driven in headless Chromium by Playwright.

It reuses the JupyterLab server fixture of test_browser.py (a fresh server for this module),
serves a copy of the chapter 02 lecture, runs all cells, then moves the step slider with the
keyboard and waits for the readout and the figure to change. Without Chromium the test is
skipped, except under CI=true, where that fails.
"""
import hashlib
import re
import shutil

import pytest

from test_browser import ARTIFACTS, CHROMIUM, REPO, lab  # noqa: F401  (lab is the server fixture)

pytestmark = pytest.mark.browser
NOTEBOOK = "02_rnn.ipynb"


def test_rnn_unroll_steps_through_time_in_jupyterlab(lab):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    url, token, root = lab
    shutil.copy(REPO / "notebooks" / NOTEBOOK, root / "notebooks" / NOTEBOOK)
    committed = hashlib.sha256((REPO / "notebooks" / NOTEBOOK).read_bytes()).hexdigest()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/lab/tree/notebooks/{NOTEBOOK}?token={token}")
        page.wait_for_function("""() => {
            const app = window.jupyterapp;
            const w = app && app.shell.currentWidget;
            const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
            return k && k.status === 'idle' && app.commands.isEnabled('notebook:run-all-cells');
        }""", timeout=120_000)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function("""() => {
            const cells = window.jupyterapp.shell.currentWidget.content.widgets
                .filter(c => c.model.type === 'code');
            return cells.length > 0 && cells.every(c => c.model.executionCount !== null);
        }""", timeout=180_000)

        widget = page.locator(".rnnlab-rnn-unroll").first
        widget.scroll_into_view_if_needed()
        expect(widget.locator("img.rnnlab-figure").first).to_be_visible()
        step = widget.locator(".rnnlab-readout tr[data-name='step t'] td").nth(1)
        memory = widget.locator(".rnnlab-readout tr[data-name^='memory of x_1'] td").nth(1)
        figure = widget.locator("img.rnnlab-figure").first
        # the notebook moves the controls itself and puts the step back to 1: wait for that
        expect(step).to_have_text("1", timeout=30_000)
        page.wait_for_timeout(500)
        before_memory, before_src = memory.inner_text(), figure.get_attribute("src")

        handle = widget.locator(".rnnlab-control-step .noUi-handle")
        handle.focus()
        for _ in range(3):
            handle.press("ArrowRight")
        expect(step).to_have_text("4", timeout=10_000)
        expect(memory).not_to_have_text(before_memory, timeout=10_000)
        assert re.fullmatch(r"\d\.\de[+-]\d\d", memory.inner_text())
        page.wait_for_function("([img, old]) => img.getAttribute('src') !== old",
                               arg=[figure.element_handle(), before_src], timeout=10_000)
        widget.screenshot(path=str(ARTIFACTS / "rnn-unroll.png"))
        browser.close()

    assert hashlib.sha256((REPO / "notebooks" / NOTEBOOK).read_bytes()).hexdigest() == committed
