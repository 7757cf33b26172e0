"""Issue 31, item 2, where a student sees it: an answer typed into ps03 in the test JupyterLab (the
`lab` fixture of conftest.py, with the students' settings) and never saved by hand reaches the
progress check, because the students' JupyterLab saves a changed notebook within ten seconds; the
check runs in a thread, so the notebook holding the button still runs a cell at once; the table
names when the set was saved. Screenshot: test-artifacts/progress-after.png."""

import time

import nbformat
import pytest

from autograder.authoring import fixtures as F
from lab_pages import ARTIFACTS, REPO, VIEWPORT, check_widget_on_screen, widget_in_cell

pytestmark = pytest.mark.browser
A = "ps03_lstm_gates"
EXERCISE = "lstm_step_backward"
AUTOSAVE_SECONDS = 10  # jupyter/student/labconfig/default_setting_overrides.json

KERNEL_IDLE = """() => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return k && k.status === 'idle';
}"""


def _answer() -> str:
    """The instructor's answer to EXERCISE, as a student would type it."""
    release = nbformat.read(REPO / "release" / A / f"{A}.ipynb", 4)
    source = nbformat.read(REPO / "source" / A / f"{A}.ipynb", 4)
    solved = nbformat.reads(F.build(F.SOLUTION, release, source), 4)
    return next(c.source for c in solved.cells if c.metadata.get("nbgrader", {}).get("grade_id") == EXERCISE)


def _open(page, url, token, path):
    page.goto(f"{url}/lab/tree/{path}?reset&token={token}")
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)


def _every_set_table() -> str:
    """A cell that draws the progress table as the course's longest rows make it: every set's
    name, an answered quiz, a long failure, "not attempted" (the real check of the test runs one
    set only)."""
    from rnnlab import progress

    names = sorted(p.name for p in (REPO / "release").iterdir() if p.is_dir())
    longest = max(
        (
            cell.metadata["nbgrader"]["grade_id"]
            for path in progress.find_sets(REPO / "release")
            for cell in nbformat.read(path, 4).cells
            if progress._visible_test(cell)
        ),
        key=len,
    )
    return (
        "from rnnlab.progress import ProgressButton, SetResult, TestResult\n\n"
        "every = ProgressButton()\n"
        f"every._render({{name: SetResult(name, [TestResult('quiz_format', 'passed'), "
        f"TestResult({longest!r}, 'failed', 'AssertionError: ' + 'shapes differ ' * 12), "
        f"TestResult('masked_cross_entropy_visible', 'not attempted')]) for name in {names!r}}}, 'a footer')\n"
        "every.widget"
    )


def test_an_unsaved_answer_reaches_the_progress_check_and_the_kernel_stays_free(lab):
    url, token, root, browser = lab
    folder = root / "release" / A
    folder.mkdir(parents=True, exist_ok=True)
    saved = folder / f"{A}.ipynb"
    saved.write_bytes((REPO / "release" / A / f"{A}.ipynb").read_bytes())
    starter = root / "notebooks" / "progress-check.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_code_cell('from rnnlab.progress import ProgressButton\n\nProgressButton("../release")'),
                nbformat.v4.new_code_cell('print("the kernel is free")'),
                nbformat.v4.new_code_cell(_every_set_table()),
            ],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        ),
        starter,
    )
    answer = _answer()
    page = browser.new_page(viewport=VIEWPORT)
    try:
        # the student types the answer into ps03 and does not press Ctrl+S
        _open(page, url, token, f"release/{A}/{A}.ipynb")
        typed = time.monotonic()
        assert page.evaluate(
            """([gid, text]) => {
            const cells = window.jupyterapp.shell.currentWidget.content.widgets;
            const cell = cells.find(c => ((c.model.getMetadata('nbgrader') || {}).grade_id) === gid);
            if (!cell) return false;
            cell.model.sharedModel.setSource(text);
            return true;
        }""",
            [EXERCISE, answer],
        )
        deadline = typed + AUTOSAVE_SECONDS + 15
        while answer.strip().splitlines()[-1] not in saved.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        waited = time.monotonic() - typed
        assert answer.strip().splitlines()[-1] in saved.read_text(), (
            f"the typed answer was not saved within {waited:.0f} s: the check would not see it"
        )
        page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")

        # the start page's button, then another cell of the same notebook at once
        _open(page, url, token, "notebooks/progress-check.ipynb")
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        button = widget_in_cell(page, "ProgressButton(", "jupyter-button")
        button.wait_for(timeout=60_000)
        page.wait_for_function(KERNEL_IDLE, timeout=60_000)
        button.click()
        clicked = time.monotonic()
        page.evaluate("""() => {
            const panel = window.jupyterapp.shell.currentWidget;
            panel.content.activeCellIndex = 1;
            window.jupyterapp.commands.execute('notebook:run-cell');
        }""")
        widget_in_cell(page, 'print("the kernel is free")', "jp-OutputArea-output").wait_for(timeout=30_000)
        free_after = time.monotonic() - clicked
        table = widget_in_cell(page, "ProgressButton(", "rnnlab-progress")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.widget-html p')]"
            ".some(p => /visible tests pass/.test(p.textContent))",
            timeout=120_000,
        )
        checked = time.monotonic() - clicked
        rows = page.evaluate(
            "() => [...document.querySelector('.rnnlab-progress').querySelectorAll('tr')]"
            ".map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim()))"
        )
        text = page.locator(".jp-Cell", has=page.locator(".rnnlab-progress")).first.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        # issue 31, item 5: at 1366 x 768 no cell but the notes wraps, nothing is cut off
        check_widget_on_screen(page, table, "00-progress", figure=False, fit=False)
        table.scroll_into_view_if_needed()
        page.locator(".jp-Cell", has=page.locator(".rnnlab-progress")).first.screenshot(
            path=str(ARTIFACTS / "progress-after.png")
        )
        every = widget_in_cell(page, "every = ProgressButton()", "rnnlab-progress")
        check_widget_on_screen(page, every, "00-progress-every-set", figure=False, fit=False)
        every.screenshot(path=str(ARTIFACTS / "progress-every-set.png"))
        page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
    finally:
        page.close()
    status = {row[1]: row[2] for row in rows if len(row) == 4}
    assert status.get(EXERCISE) == "passed", rows
    assert rows[1][0].startswith(A) and "saved " in rows[1][0], rows
    assert "1 of 3 visible tests pass" in text and "saved " in text, text
    assert free_after < 5, f"the notebook's next cell waited {free_after:.1f} s for the check"
    print(
        f"saved {waited:.1f} s after typing; next cell ran {free_after:.1f} s after the click; "
        f"check done in {checked:.1f} s"
    )
