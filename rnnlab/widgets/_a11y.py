"""What ipywidgets 8 leaves out for keyboard and screen-reader users, added to every course widget.

- A slider's handle (noUiSlider's `role="slider"` element, the part that takes the arrow keys)
  has no accessible name: its description label is not tied to it, so a screen reader announces
  "slider, 0.5" without saying which (axe: aria-input-field-name, serious). Each handle gets its
  label's text as `aria-label`.
- An Image widget has no alt text (and ipywidgets 8.1.9 fails to draw one that has a tooltip,
  its title): a course figure's text alternative, kept up to date by the widget, is a hidden
  HTML widget (`.rnnlab-figure-alt`) shown with it, whose text becomes the image's `alt`.
- JupyterLab takes some keys pressed in a notebook's output for its own shortcuts (command
  mode): ArrowDown on a dropdown or a radio button moves to the next cell instead, Enter on a
  button opens the cell's editor instead of pressing it. Each widget control is marked
  `data-lm-suppress-shortcuts`, which JupyterLab (Lumino) honours: the keys go to the control.
- ipywidgets' radio buttons have no `name`, so they are no group: Tab stops at every option
  and the arrow keys do nothing. The options of each RadioButtons get one name: Tab enters and
  leaves the group at once, the arrows check the next option (the click they send is what
  ipywidgets listens to).
- ipywidgets gives each radio option one fixed-height line: an option longer than the widget is
  wide wraps onto lines that the next option is drawn over (a quiz at 200% zoom). Each option
  takes the height its text needs.
- Several controls show no focus when reached with Tab (the slider handle, the slider's value
  field, the buttons): each control of a widget gets an outline when it has the keyboard focus
  (`:focus-visible`, so a click shows none), 2 px in a blue that stands out 5.7:1 from white.

Both need the browser: a script, run once per page, that adds the style sheet, names every
slider handle of the page, groups its radio buttons, keeps JupyterLab's shortcuts off the controls
and gives every course figure its alt text, now and at once whenever one appears or its text changes
(before a scan or a screen reader can read the page). It travels inside each course widget as a
hidden Output widget that holds it (Output widgets render their outputs as trusted), so a
lecture's saved widget state carries it too, and no cell gets an output of its own.
"""

from __future__ import annotations

import ipywidgets as W

from ..colours import FOCUS

FOCUS_CSS = f"""
.widget-radio-box label {{
    height: auto !important; line-height: 1.3 !important; min-height: var(--jp-widgets-radio-item-height);
    align-items: flex-start; padding: 2px 0;
}}
.jupyter-widgets .noUi-handle:focus-visible, .jupyter-widgets .widget-readout:focus-visible,
.jupyter-widgets button:focus-visible, .jupyter-widgets select:focus-visible,
.jupyter-widgets input:focus-visible, .jupyter-widgets textarea:focus-visible {{
    outline: 2px solid {FOCUS} !important; outline-offset: 1px;
}}
"""

SCRIPT = """(() => {
    // once per page; a newer version (a lecture saved before it, then run) takes over: version 1
    // set `true` and left no handle, so its observer stays, harmless
    const VERSION = 2, before = window.__rnnlabA11y;
    if (before && before.version >= VERSION) return;
    if (before && before.observer) before.observer.disconnect();
    const style = document.getElementById('rnnlab-a11y') || document.createElement('style');
    style.id = 'rnnlab-a11y';
    style.textContent = %s;
    document.head.appendChild(style);
    let groups = 0;
    const alts = () => {
        for (const img of document.querySelectorAll('img.rnnlab-figure')) {
            let box = img.parentElement, text = null;
            while (box && !(text = box.querySelector(':scope > .rnnlab-figure-alt'))) box = box.parentElement;
            const alt = text ? text.textContent.trim() : '';
            if (alt && img.getAttribute('alt') !== alt) img.setAttribute('alt', alt);
        }
    };
    const name = () => {
        alts();
        for (const control of document.querySelectorAll(
                '.jupyter-widgets :is(select, button, input, .widget-radio-box):not([data-lm-suppress-shortcuts])'))
            control.setAttribute('data-lm-suppress-shortcuts', 'true');
        for (const box of document.querySelectorAll('.widget-radio-box')) {
            const radios = box.querySelectorAll('input[type=radio]:not([name])');
            if (radios.length) {
                box.dataset.rnnlabGroup = box.dataset.rnnlabGroup || `rnnlab-radio-${VERSION}-${++groups}`;
                for (const radio of radios) radio.name = box.dataset.rnnlabGroup;
            }
        }
        for (const handle of document.querySelectorAll('.widget-slider .noUi-handle:not([aria-label])')) {
            const label = handle.closest('.widget-slider').querySelector('.widget-label');
            const text = label && label.textContent.trim();
            if (text) handle.setAttribute('aria-label', text);
        }
    };
    // a figure's alt at once, with every change (a redrawn figure is a new image, which a screen
    // reader, or a scan, may reach before the next pass); the rest once the page has been quiet
    // for 200 ms (a Run All changes it all the time), and at least every second while it is not
    let timer = null, last = Date.now();
    const observer = new MutationObserver(() => {
        alts();
        clearTimeout(timer);
        const run = () => { last = Date.now(); name(); };
        if (Date.now() - last > 1000) run(); else timer = setTimeout(run, 200);
    });
    observer.observe(document.body, {childList: true, subtree: true, characterData: true});
    window.__rnnlabA11y = {version: VERSION, observer};
    name();
})();
"""

_patch: W.Output | None = None


def patch() -> W.Output:
    """The hidden Output widget that holds the script (one per kernel, shown in every widget)."""
    global _patch
    if _patch is None:
        import json

        from IPython.display import Javascript

        _patch = W.Output(layout=W.Layout(display="none"))
        _patch.add_class("rnnlab-a11y")
        _patch.append_display_data(Javascript(SCRIPT % json.dumps(FOCUS_CSS)))
    return _patch


def accessible(box: W.Box, *hidden: W.Widget) -> W.Box:
    """`box` with the `hidden` widgets (a figure's alt text) and the script as its last
    children (each added once)."""
    missing = [w for w in (*hidden, patch()) if w not in box.children]
    if missing:
        box.children = (*box.children, *missing)
    return box
