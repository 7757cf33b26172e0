"""Chapter 10's widgets in a real JupyterLab, driven in headless Chromium: the attention map
(pick an example, type an input) and the beam explorer (move the width slider). One server for
the session (the `lab` fixture of conftest.py); latencies go to make bench like every widget's."""

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
LECTURE = "10_seq2seq_attention.ipynb"


def _readout(widget, name):
    return widget.locator(f".rnnlab-readout tr[data-name='{name}'] td").nth(1)


def test_attention_map_and_beam_explorer(lab):
    from playwright.sync_api import expect

    with notebook_page(lab, LECTURE) as page:
        widget = widget_in_cell(page, "AttentionMap(models[", "rnnlab-attention-map")
        decoded = _readout(widget, "decoded")
        expect(decoded).to_have_text("hgfedcba", timeout=30_000)
        check_widget_on_screen(page, widget, "10-attention-map")
        select = widget.locator(".rnnlab-control-example select")
        change_and_wait(page, widget, lambda: select.select_option("badge"), decoded)
        expect(decoded).to_have_text("egdab")
        examples = select.locator("option").all_inner_texts()
        time_updates(
            page,
            widget,
            "10-attention-map",
            [lambda: select.select_option(examples[0]), lambda: select.select_option("badge")],
        )
        typed = widget.locator(".rnnlab-control-text input")

        def type_input():
            typed.fill("jihgfe")
            typed.press("Enter")

        change_and_wait(page, widget, type_input, decoded)
        expect(decoded).to_have_text("efghij")
        expect(_readout(widget, "right?")).to_have_text("yes")

        def typing(text):  # one change: the text is filled in, Enter sends it
            return lambda: (typed.fill(text), typed.press("Enter"))

        time_updates(page, widget, "10-attention-map-typed", [typing("abcde"), typing("jihgfe")])
        widget.screenshot(path=str(ARTIFACTS / "attention-map.png"))
        # issue 31, item 5: an input it cannot show fades the picture; no row of the last decoding
        image = widget.locator("img").first
        before = image.get_attribute("src")
        typing("hello")()
        said = widget.locator(".rnnlab-readout").first  # the readout widget, around its table
        expect(said).to_contain_text("only the lower-case letters a to j", timeout=30_000)
        expect(said).to_contain_text(re.compile(r"the last input it could show, [a-j]+\."))
        expect(_readout(widget, "right?")).to_have_count(0)
        page.wait_for_function(
            "([img, src]) => img.getAttribute('src') !== src", arg=[image.element_handle(), before], timeout=30_000
        )
        widget.screenshot(path=str(ARTIFACTS / "attention-map-bad-input-after.png"))

        widget = widget_in_cell(page, "BeamExplorer(models[", "rnnlab-beam-explorer")
        width = _readout(widget, "width")
        expect(width).to_have_text("3", timeout=30_000)
        check_widget_on_screen(page, widget, "10-beam-explorer")
        press_and_wait(page, widget, "width", ["ArrowRight"], width)
        expect(width).to_have_text("4")
        expect(_readout(widget, "beam 4")).to_have_text(re.compile(r"^[a-j]+.*-\d+\.\d{3}$"))
        time_updates(page, widget, "10-beam-explorer", key_presses(widget, "width", "ArrowLeft", "ArrowRight"))
        widget.screenshot(path=str(ARTIFACTS / "beam-explorer.png"))
        # issue 31, item 5: the example that width changes both ways, then a typed input, at width 5
        right_at = _readout(widget, "right at widths")
        select = widget.locator(".rnnlab-control-example select")
        change_and_wait(page, widget, lambda: select.select_option("jbggfheghj"), right_at)
        expect(right_at).to_have_text("2")
        press_and_wait(page, widget, "width", ["ArrowRight"] * 4, width)  # to the widest, 5
        expect(width).to_have_text("5")
        check_widget_on_screen(page, widget, "10-beam-explorer-width-5")
        widget.screenshot(path=str(ARTIFACTS / "beam-explorer-after.png"))
        typed = widget.locator(".rnnlab-control-text input")
        shown = _readout(widget, "input")
        change_and_wait(page, widget, lambda: (typed.fill("abcab"), typed.press("Enter")), shown)
        expect(shown).to_have_text("abcab")
        expect(_readout(widget, "beam 5")).to_have_text(re.compile(r"^[a-j]+.*-\d+\.\d{3}$"))
