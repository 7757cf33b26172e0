"""Issue 31, item 3, where a student sees it: ps02 as released, opened in the test JupyterLab
(the `lab` fixture of conftest.py) with a broken answer, run up to the exercise's visible test.
The error under the test names the student's line, and a screenshot of the cell goes to
test-artifacts/student-error-after.png."""

import time

import nbformat
import pytest

from lab_pages import ARTIFACTS, REPO, notebook_page, widget_in_cell
from shape_bug import SHAPE_BUG, SHAPE_BUG_LINE

pytestmark = pytest.mark.browser
NAME = "ps02-broken-answer.ipynb"


def _up_to_visible_test(nb, visible: str, path):
    """`nb` cut after the test cell `visible`, which is tagged `raises-exception` so that Run All
    (lab_pages.run_all) passes it, written to `path`."""
    kept = []
    for cell in nb.cells:
        kept.append(cell)
        if cell.metadata.get("nbgrader", {}).get("grade_id") == visible:
            cell.metadata["tags"] = ["raises-exception"]
            break
    nb.cells = kept
    nbformat.write(nb, path)
    return path


def _broken_problem_set(path):
    """ps02's release notebook up to the first visible test, with SHAPE_BUG as the answer."""
    nb = nbformat.read(REPO / "release" / "ps02_rnn" / "ps02_rnn.ipynb", 4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "manual_rnn":
            cell.source = SHAPE_BUG
    return _up_to_visible_test(nb, "manual_rnn_visible", path)


def test_a_broken_answer_shows_the_students_line(lab, tmp_path):
    from playwright.sync_api import expect

    url, token, root, browser = lab
    began = time.time()
    try:
        with notebook_page(lab, NAME, source=_broken_problem_set(tmp_path / NAME)) as page:
            output = widget_in_cell(page, "# Visible test: two tanh layers", "jp-OutputArea-output")
            expect(output).to_contain_text("RuntimeError: mat1 and mat2 shapes cannot be multiplied")
            ARTIFACTS.mkdir(exist_ok=True)
            page.locator(".jp-Cell.jp-mod-active").screenshot(path=str(ARTIFACTS / "student-error-after.png"))
            text = output.inner_text()
    finally:
        (root / "notebooks" / NAME).unlink(missing_ok=True)
        (root / "notebooks" / ".ipynb_checkpoints" / NAME.replace(".ipynb", "-checkpoint.ipynb")).unlink(
            missing_ok=True
        )
    seconds = time.time() - began
    bug = SHAPE_BUG.splitlines()[SHAPE_BUG_LINE - 1].strip()
    assert f", line {SHAPE_BUG_LINE}, in manual_rnn" in text and bug in text, text
    assert "rnnlab" not in text and "site-packages" not in text, text
    print(f"opened, ran and read in {seconds:.1f} s")


def _known_mistake(path):
    """ps03 as released with exercise 1 answered by a catalogued wrong solution (the gradients
    stacked i, f, o, g), up to its visible test (tagged `raises-exception` for Run All)."""
    from autograder.authoring import fixtures as F

    release = nbformat.read(REPO / "release" / "ps03_lstm_gates" / "ps03_lstm_gates.ipynb", 4)
    source = nbformat.read(REPO / "source" / "ps03_lstm_gates" / "ps03_lstm_gates.ipynb", 4)
    wrong = next(fx for fx in F.fixtures_for("ps03_lstm_gates", "mutants") if fx.name == "step_gate_order")
    return _up_to_visible_test(nbformat.reads(F.build(wrong, release, source), 4), "lstm_step_backward_visible", path)


def test_a_known_mistake_is_named_under_the_failed_check(lab, tmp_path):
    """Issue 32, where a student sees it: the catalogue's text under the visible test's error, in
    JupyterLab (screenshot: test-artifacts/diagnosis-in-notebook.png, shown in docs/grading.md)."""
    from playwright.sync_api import expect

    url, token, root, browser = lab
    name = "ps03-known-mistake.ipynb"
    try:
        with notebook_page(lab, name, source=_known_mistake(tmp_path / name)) as page:
            output = widget_in_cell(page, "# Visible test: a batch of 2", "jp-OutputArea-output")
            expect(output).to_contain_text("Looks like:")
            ARTIFACTS.mkdir(exist_ok=True)
            page.locator(".jp-Cell.jp-mod-active .jp-Cell-outputWrapper").screenshot(
                path=str(ARTIFACTS / "diagnosis-in-notebook.png")
            )
            text = " ".join(output.inner_text().split())
    finally:
        (root / "notebooks" / name).unlink(missing_ok=True)
    assert "AssertionError" in text and text.index("AssertionError") < text.index("Looks like:"), text
    assert "See lecture 03, section 2 (Four gates)" in text, text
