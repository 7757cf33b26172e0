"""The widgets of chapters 02, 07 and 08 in a real JupyterLab, driven in headless Chromium.

One JupyterLab server for the module (the `lab` fixture of test_browser.py). Each test opens a
copy of a lecture, runs all its cells, moves one control with the keyboard, as a student would,
and waits for the readout and the figure to change. Without Chromium the tests are skipped,
except under CI=true, where that fails.
"""
import re

import pytest

from test_browser import ARTIFACTS, lab, notebook_page  # noqa: F401  (lab is the server fixture)

pytestmark = pytest.mark.browser


def _widget(page, cell_text, css_class):
    """The widget shown by the cell whose source holds `cell_text`. JupyterLab renders only the
    cells near the view, so that cell is scrolled into view first."""
    found = page.evaluate("""async (text) => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        const index = nb.widgets.findIndex(c => c.model.sharedModel.getSource().includes(text));
        if (index < 0) return false;
        nb.activeCellIndex = index;
        await nb.scrollToItem(index, 'center');
        return true;
    }""", cell_text)
    assert found, f"no cell contains {cell_text!r}"
    widget = page.locator(f".{css_class}").first
    widget.scroll_into_view_if_needed()
    return widget


def _readout(widget, name):
    return widget.locator(f".rnnlab-readout tr[data-name='{name}'] td").nth(1)


def _press_and_wait(page, widget, control, keys, watched):
    """Focus `control`'s slider handle, press `keys`, wait until `watched` and the figure change."""
    from playwright.sync_api import expect

    figure = widget.locator("img.rnnlab-figure").first
    expect(figure).to_be_visible()
    page.wait_for_timeout(500)
    before, before_src = watched.inner_text(), figure.get_attribute("src")
    handle = widget.locator(f".rnnlab-control-{control} .noUi-handle")
    handle.focus()
    for key in keys:
        handle.press(key)
    expect(watched).not_to_have_text(before, timeout=15_000)
    page.wait_for_function("([img, old]) => img.getAttribute('src') !== old",
                           arg=[figure.element_handle(), before_src], timeout=15_000)
    return before, watched.inner_text()


def test_rnn_unroll_steps_through_time(lab):  # noqa: F811
    from playwright.sync_api import expect

    with notebook_page(lab, "02_rnn.ipynb") as page:
        widget = _widget(page, "RNNUnroll(", "rnnlab-rnn-unroll")
        step = _readout(widget, "step t")
        # the notebook moves the controls itself and puts the step back to 1: wait for that
        expect(step).to_have_text("1", timeout=30_000)
        memory = widget.locator(".rnnlab-readout tr[data-name^='memory of x_1'] td").nth(1)
        _press_and_wait(page, widget, "step", ["ArrowRight"] * 3, memory)
        expect(step).to_have_text("4")
        assert re.fullmatch(r"\d\.\de[+-]\d\d", memory.inner_text())
        widget.screenshot(path=str(ARTIFACTS / "rnn-unroll.png"))


def test_gradient_flow_follows_the_forget_bias(lab):  # noqa: F811
    from playwright.sync_api import expect

    with notebook_page(lab, "07_gradient_flow.ipynb") as page:
        widget = _widget(page, "flow = GradientFlow()", "rnnlab-gradient-flow")
        bias = widget.locator(".rnnlab-control-forget-bias .widget-readout")
        expect(bias).to_have_text("0.0", timeout=30_000)
        forget = _readout(widget, "LSTM mean forget gate")
        before, after = _press_and_wait(page, widget, "forget-bias", ["ArrowRight"] * 4, forget)
        expect(bias).to_have_text("2.0")
        assert float(after) > float(before)          # a higher bias opens the forget gate
        widget.screenshot(path=str(ARTIFACTS / "gradient-flow.png"))


def test_threshold_trades_recall_for_precision(lab):  # noqa: F811
    from playwright.sync_api import expect

    with notebook_page(lab, "08_evaluating_models.ipynb") as page:
        widget = _widget(page, "explorer = ThresholdExplorer(", "rnnlab-threshold-explorer")
        threshold = _readout(widget, "threshold")
        expect(threshold).to_have_text(re.compile(r"^0\.\d\d$"), timeout=30_000)
        recall_before = float(_readout(widget, "recall").inner_text())
        before, after = _press_and_wait(page, widget, "threshold", ["PageUp"], threshold)
        assert float(after) > float(before)
        assert float(_readout(widget, "recall").inner_text()) <= recall_before   # never more recall
        widget.screenshot(path=str(ARTIFACTS / "threshold-explorer.png"))
