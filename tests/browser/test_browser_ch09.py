"""Chapter 09's two widgets in a real JupyterLab, driven in headless Chromium (the `lab` fixture).

One run of the lecture serves both checks: the next-character explorer's temperature slider is
moved with the keyboard (a lower temperature sharpens the distribution: the top probability
can only rise, the entropy only fall), and the cell viewer's unit menu is switched to another
unit (its rank and correlation change). Both must fit a 1366 x 768 screen."""

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
from readouts import _readout

pytestmark = pytest.mark.browser


def test_language_model_widgets(lab):
    from playwright.sync_api import expect

    with notebook_page(lab, "09_language_models.ipynb") as page:
        explorer = widget_in_cell(page, "explorer = NextCharExplorer(", "rnnlab-next-char")
        temperature = _readout(explorer, "temperature")
        expect(temperature).to_have_text("1.0", timeout=30_000)
        top = _readout(explorer, "top 1")
        entropy = _readout(explorer, "entropy")
        expect(top).to_have_text(re.compile(r"^\S+ 0\.\d{3}$"))
        top_before, entropy_before = float(top.inner_text().split()[-1]), float(entropy.inner_text().split()[0])
        check_widget_on_screen(page, explorer, "09-next-char")
        before, _ = press_and_wait(page, explorer, "temperature", ["ArrowLeft"] * 5, temperature)
        assert before == "1.0"
        expect(temperature).to_have_text("0.5", timeout=30_000)  # each key press updates it
        expect(entropy).not_to_have_text(f"{entropy_before:.2f} bits")
        assert float(top.inner_text().split()[-1]) >= top_before  # sharper: the favourite gains
        assert float(entropy.inner_text().split()[0]) < entropy_before
        explorer.screenshot(path=str(ARTIFACTS / "next-char-explorer.png"))
        time_updates(page, explorer, "09-next-char", key_presses(explorer, "temperature", "ArrowRight", "ArrowLeft"))

        viewer = widget_in_cell(page, "viewer = CellViewer(", "rnnlab-cell-viewer")
        rank = _readout(viewer, "rank")
        expect(rank).to_have_text(re.compile(r"^1 of 48$"), timeout=30_000)
        expect(viewer.locator(".rnnlab-coloured-text span[data-v]").first).to_be_visible()
        check_widget_on_screen(page, viewer, "09-cell-viewer")
        menu = viewer.locator(".rnnlab-control-unit select")
        change_and_wait(page, viewer, lambda: menu.select_option(index=5), rank)
        expect(rank).to_have_text("6 of 48")
        time_updates(
            page, viewer, "09-cell-viewer", [lambda: menu.select_option(index=4), lambda: menu.select_option(index=5)]
        )
        viewer.screenshot(path=str(ARTIFACTS / "cell-viewer.png"))
