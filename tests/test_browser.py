"""The lecture notebook in a real JupyterLab, driven in Debian's headless Chromium by Playwright.

JupyterLab serves a copy of the notebook (it autosaves; the committed file must not change),
runs all cells, and the test moves the gate explorer's forget-bias slider and waits for the
gate readout and the figure to change. Screenshots and the measured latency land in
test-artifacts/. Without Chromium the test is skipped, except under CI=true, where that fails.
"""
import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import IN_CI

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOK = "03_lstm_gates.ipynb"


def _need_browser():
    problems = []
    if not os.path.exists(CHROMIUM):
        problems.append("Debian's chromium is not installed (make test installs it as root)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the playwright package is missing")
    if problems:
        if IN_CI:
            pytest.fail("browser test cannot run in CI: " + "; ".join(problems))
        pytest.skip("; ".join(problems))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, token: str, server: subprocess.Popen, seconds: float) -> bool:
    """True once the Jupyter server at `url` answers; False if it ended or took too long."""
    deadline = time.time() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            return True
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                return False
            time.sleep(0.3)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _need_browser()
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    settings = root / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # no news or update pop-ups: they cover outputs
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port, token = _free_port(), "rnnlab-browser-test"
    env = dict(os.environ, OMP_NUM_THREADS="1", JUPYTER_RUNTIME_DIR=str(root / "runtime"),
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
           f"--LabApp.workspaces_dir={root / 'workspaces'}",
           f"--LabApp.user_settings_dir={root / 'settings'}", "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(root / "lab.log", "w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if not wait_until_serving(url, token, server, 90):
        server.kill()
        pytest.fail("JupyterLab did not start:\n" + (root / "lab.log").read_text()[-2000:])
    yield url, token, root
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


@contextlib.contextmanager
def notebook_page(lab, notebook: str):
    """Chromium on a copy of notebooks/`notebook` in the test's JupyterLab, with every cell run.

    Yields the page; afterwards checks that the committed notebook is byte for byte what it was
    (JupyterLab autosaves, so it must only ever see the copy)."""
    from playwright.sync_api import sync_playwright

    url, token, root = lab
    shutil.copy(REPO / "notebooks" / notebook, root / "notebooks" / notebook)
    committed = hashlib.sha256((REPO / "notebooks" / notebook).read_bytes()).hexdigest()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/lab/tree/notebooks/{notebook}?reset&token={token}")   # reset: no tabs of earlier tests
        # run-all races the kernel start: wait until the command is enabled and the kernel idle
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
        yield page
        browser.close()
    assert hashlib.sha256((REPO / "notebooks" / notebook).read_bytes()).hexdigest() == committed


def test_gate_explorer_responds_in_jupyterlab(lab):
    from playwright.sync_api import expect

    with notebook_page(lab, NOTEBOOK) as page:
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        traceback_text = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
        assert not traceback_text, traceback_text

        explorer = page.locator(".rnnlab-gate-explorer").first
        explorer.scroll_into_view_if_needed()
        expect(explorer.locator(".rnnlab-figure img, img.rnnlab-figure").first).to_be_visible()
        forget = explorer.locator(".rnnlab-readout tr[data-name='f'] td").nth(1)
        figure = explorer.locator("img").first
        slider = explorer.locator(".rnnlab-control-forget-bias")
        # the notebook itself moves this slider (to -5, 0, 5 and back to 0): wait for the end state
        expect(slider.locator(".widget-readout")).to_have_text("0.00", timeout=30_000)
        expect(forget).to_have_text(re.compile(r"^0\.\d{3}$"), timeout=30_000)
        page.wait_for_timeout(500)
        before_f, before_src = forget.inner_text(), figure.get_attribute("src")
        explorer.screenshot(path=str(ARTIFACTS / "gate-explorer-before.png"))

        handle = slider.locator(".noUi-handle")
        handle.focus()
        start = time.perf_counter()
        handle.press("PageUp")                       # a big step of the forget bias
        expect(forget).not_to_have_text(before_f, timeout=10_000)
        readout_ms = (time.perf_counter() - start) * 1000
        page.wait_for_function("([img, old]) => img.getAttribute('src') !== old",
                               arg=[figure.element_handle(), before_src], timeout=10_000)
        figure_ms = (time.perf_counter() - start) * 1000
        after_f = float(forget.inner_text())
        assert after_f > float(before_f), (before_f, after_f)     # a higher bias opens the gate
        explorer.screenshot(path=str(ARTIFACTS / "gate-explorer-after.png"))

        # the sequence widget is live too: pick another example and wait for its readout
        seq = page.locator(".rnnlab-sequence-gates").first
        seq.scroll_into_view_if_needed()
        count = seq.locator(".rnnlab-readout tr[data-name='characters'] td").nth(1)
        before_count = count.inner_text()
        seq.locator("select").select_option(index=2)
        expect(count).not_to_have_text(before_count, timeout=10_000)
        seq.screenshot(path=str(ARTIFACTS / "sequence-gates.png"))
        page.screenshot(path=str(ARTIFACTS / "lecture-03.png"))

    (ARTIFACTS / "browser-latency.json").write_text(json.dumps(
        {"readout_ms": round(readout_ms, 1), "figure_ms": round(figure_ms, 1)}))
