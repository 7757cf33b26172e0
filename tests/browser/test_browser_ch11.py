"""Chapter 11's scan widget in a real JupyterLab, driven in headless Chromium: the level and step
sliders moved with the keyboard, the length toggled with a click. One server for the session (the
`lab` fixture of conftest.py); latencies go to make bench like every widget's."""

import re

import pytest

from lab_pages import (
    ARTIFACTS,
    change_and_wait,
    check_widget_on_screen,
    key_presses,
    notebook_page,
    press_and_wait,
    time_updates,
    widget_in_cell,
)

pytestmark = pytest.mark.browser
LECTURE = "11_parallel_recurrence.ipynb"


def _readout(widget, name):
    return widget.locator(f".rnnlab-readout tr[data-name='{name}'] td").nth(1)


def test_scan_tree_levels_and_steps(lab):
    from playwright.sync_api import expect

    with notebook_page(lab, LECTURE) as page:
        widget = widget_in_cell(page, "ScanTree()", "rnnlab-scan-tree")
        holds = _readout(widget, "node holds steps")
        expect(holds).to_have_text("5..6", timeout=30_000)  # length 8, level 1, step 6
        check_widget_on_screen(page, widget, "11-scan-tree")
        press_and_wait(page, widget, "level", ["ArrowRight"], holds)
        expect(holds).to_have_text("3..6")
        press_and_wait(page, widget, "level", ["ArrowRight"], holds)
        expect(holds).to_have_text("1..6")
        expect(_readout(widget, "equal")).to_have_text("yes")
        time_updates(page, widget, "11-scan-tree-step", key_presses(widget, "step", "ArrowLeft", "ArrowRight"))
        sixteen = widget.locator(".rnnlab-control-length button", has_text="16")
        change_and_wait(page, widget, sixteen.click, _readout(widget, "length, level, step"))
        expect(_readout(widget, "length, level, step")).to_have_text(
            re.compile(r"^16, 3, [56]$")
        )  # the timing moved the step
        check_widget_on_screen(page, widget, "11-scan-tree-16")
        time_updates(page, widget, "11-scan-tree-level", key_presses(widget, "level", "ArrowRight", "ArrowLeft"))
        widget.screenshot(path=str(ARTIFACTS / "scan-tree.png"))
