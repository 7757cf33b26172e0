"""Accessibility checks of a page in JupyterLab: axe-core's WCAG 2.1 A and AA rules, and every
control of a widget driven by the keyboard alone (issue 57, items 1 and 2).

axe-core comes bundled in axe-playwright-python (nothing is fetched). Each node axe reports is
put on one side or the other: the course's own content is what the notebook's cells show (their
rendered Markdown and their outputs, widgets included); everything else (menus, toolbars,
sidebars, the cell editors and prompts) is JupyterLab's own UI, recorded but not the course's to
fix. The keyboard driver reaches each control of a widget with Tab from its neighbour (checking
`document.activeElement` at every step and that the focus is drawn), then changes it with the
keys its kind takes and waits for the widget to show the change.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
# the cells' own content: what the course wrote (Markdown) and what its code shows (outputs)
COURSE_CONTENT = ".jp-RenderedMarkdown, .jp-OutputArea-output"

# JupyterLab (contentVisibility windowing) skips painting the cells away from the view, and axe
# skips what is not painted: every cell is painted while axe runs.
PAINT_ALL = ".jp-Notebook .jp-Cell { content-visibility: visible !important; }"

# axe judges colour contrast only for text it deems on screen, and inside JupyterLab's windowed
# notebook it deems none on screen (axe 4.12's isVisibleOnScreen is false for everything in
# .jp-WindowedPanel-inner, even in view): the rule passed 8 nodes of JupyterLab's bars and nothing
# else. So the contrast of the course's text is measured here as WCAG 1.4.3 (and axe) define it:
# the text's colour over the first opaque background behind it (its own or an ancestor's,
# blended through semi-transparent ones), at least 4.5:1, or 3:1 for large text (24 px, or
# 18.66 px bold). Images are not judged (axe leaves them out too); nor is hidden text, nor that
# of a disabled control (WCAG exempts inactive controls).
CONTRAST_JS = """([course]) => {
    const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
        const [r, g, b, a = 1] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [r, g, b, a]; };
    const lum = ([r, g, b]) => { const f = v => { v /= 255; \
return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const over = (top, below) => top.slice(0, 3).map((v, k) => v * top[3] + below[k] * (1 - top[3]));
    const background = e => { const layers = [];
        for (let x = e; x; x = x.parentElement) { const c = parse(getComputedStyle(x).backgroundColor);
            if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
        let rgb = [255, 255, 255];
        for (const c of layers.reverse()) rgb = over(c, rgb);
        return rgb; };
    const found = [], seen = new Set();
    for (const root of document.querySelectorAll('.jp-Notebook .jp-Cell')) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const e = walker.currentNode.parentElement;
            if (!walker.currentNode.textContent.trim() || !e || seen.has(e) || !e.closest(course)) continue;
            seen.add(e);
            const s = getComputedStyle(e);
            if (s.visibility === 'hidden' || !e.getClientRects().length || e.closest('[aria-hidden=true]')) continue;
            if (e.closest(':disabled, [aria-disabled=true]')) continue;     // WCAG exempts inactive controls
            const fg = parse(s.color), bg = background(e);
            const [a, b] = [lum(over(fg, bg)), lum(bg)];
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            const px = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
            const needed = px >= 24 || (bold && px >= 18.66) ? 3 : 4.5;
            if (ratio < needed)
                found.push({course: true, impact: 'serious', target: [e.tagName.toLowerCase() + \
(e.className ? '.' + String(e.className).split(' ').join('.') : '')],
                            html: e.outerHTML.slice(0, 300),
                            summary: `contrast ${ratio.toFixed(2)}:1 (needs ${needed}:1): \
${s.color} on rgb(${bg.map(Math.round)}), ${px}px`});
        }
    }
    return found.length ? [{id: 'color-contrast', impact: 'serious', \
help: 'Elements must meet minimum color contrast ratio thresholds (measured by the course: \
axe sees no text in the notebook as on screen)', nodes: found}] : [];
}"""

AXE_RUN_JS = """async ([tags, course, paintAll]) => {
    const style = document.createElement('style');
    style.textContent = paintAll;
    document.head.appendChild(style);
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    try {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                resultTypes: ['violations'], elementRef: true});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => {
            const el = n.element;
            const inCell = el && el.closest && el.closest('.jp-Notebook .jp-Cell');
            return {course: Boolean(inCell && el.closest(course)), impact: n.impact || v.impact,
                    target: n.target, html: n.html.slice(0, 300), summary: n.failureSummary || ''};
        })}));
    } finally {
        style.remove();
    }
}"""


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page, each node marked `course` or not, and the
    colour contrast of the course's text (CONTRAST_JS), which axe cannot see in a notebook."""
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(Axe().axe_script)
    found = page.evaluate(AXE_RUN_JS, [WCAG_TAGS, COURSE_CONTENT, PAINT_ALL])
    assert "color-contrast" not in {v["id"] for v in found if any(n["course"] for n in v["nodes"])}, (
        "axe now judges the contrast of text in the notebook: CONTRAST_JS can go"
    )
    painted = page.add_style_tag(content=PAINT_ALL)
    try:
        return found + page.evaluate(CONTRAST_JS, [COURSE_CONTENT])
    finally:
        painted.evaluate("(s) => s.remove()")


def split(violations: list[dict]) -> tuple[dict, dict]:
    """(course, jupyterlab): per rule id, {impact, help, count, example: {target, html, summary}}."""
    sides: tuple[dict, dict] = ({}, {})
    for v in violations:
        for course in (True, False):
            nodes = [n for n in v["nodes"] if n["course"] is course]
            if nodes:
                impacts = Counter(n["impact"] for n in nodes)
                sides[0 if course else 1][v["id"]] = {
                    "impact": impacts.most_common(1)[0][0],
                    "help": v["help"],
                    "count": len(nodes),
                    "example": {k: nodes[0][k] for k in ("target", "html", "summary")},
                }
    return sides


def blocking(rules: dict) -> dict:
    return {rule: r for rule, r in rules.items() if r["impact"] in BLOCKING}


def summary(rules: dict) -> str:
    return ", ".join(f"{rule} ({r['impact']}) x{r['count']}" for rule, r in sorted(rules.items())) or "none"


def record_jupyterlab(path: Path, page_name: str, rules: dict) -> None:
    """JupyterLab's own violations on one page, merged into the JSON record at `path` (one key per
    page; the other pytest worker may write its page at the same time)."""
    import fcntl

    path.parent.mkdir(exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(path.read_text()) if path.exists() else {}
        data[page_name] = rules
        path.write_text(json.dumps(data, indent=1, sort_keys=True))


def describe(rules: dict) -> str:
    """The course's violations, one paragraph per rule, for an assertion message."""
    return "\n".join(
        f"{rule} ({r['impact']}, {r['count']} nodes): {r['help']}\n    e.g. {r['example']['target']}: "
        f"{r['example']['html'][:160]}\n    {r['example']['summary'][:300]}"
        for rule, r in rules.items()
    )


# ------------------------------------------------------------------ the keyboard alone
# The controls a widget offers in the order Tab visits them: what is focusable, shown, enabled and
# not taken out of the order; a group of radio buttons is one stop (Tab enters it, arrows move in
# it), represented by its checked button or else its first.
TAB_STOPS_JS = """(root) => {
    const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    const candidates = root.querySelectorAll(
        'a[href], button, input, select, textarea, [tabindex], [contenteditable="true"]');
    const stops = [], groups = new Set();
    for (const e of candidates) {
        // an editable field is in the order unless its tabindex takes it out (its tabIndex reads -1)
        const index = e.isContentEditable && !e.hasAttribute('tabindex') ? 0 : e.tabIndex;
        if (e.disabled || index < 0 || !shown(e) || e.closest('[inert]')) continue;
        if (e.type === 'radio') {
            const group = e.closest('.widget-radio-box') || e.name;
            if (groups.has(group)) continue;
            groups.add(group);
            const all = [...root.querySelectorAll('input[type=radio]')].filter(r => \
(r.closest('.widget-radio-box') || r.name) === group);
            stops.push(all.find(r => r.checked) || all[0]);
            continue;
        }
        stops.push(e);
    }
    return stops;
}"""

# What a control looks like around its edge: focus must change one of these (outline or shadow)
EDGE_JS = """(e) => { const s = getComputedStyle(e);
    return {outline: s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 ? 'none'
                     : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
            shadow: s.boxShadow, focusVisible: e.matches(':focus-visible')}; }"""

KIND_JS = """(e) => {
    if (e.classList.contains('noUi-handle')) return 'slider';
    if (e.classList.contains('widget-readout')) return 'slider-readout';
    if (e.tagName === 'SELECT') return 'dropdown';
    if (e.tagName === 'INPUT' && e.type === 'radio') return 'radio';
    if (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA') return 'text';
    if (e.tagName === 'BUTTON' && e.closest('.widget-toggle-buttons')) return 'toggle';
    if (e.tagName === 'BUTTON') return 'button';
    return 'other';
}"""

LABEL_JS = """(e) => (e.getAttribute('aria-label') || e.textContent || e.value || e.getAttribute('title') || '')
    .trim().replace(/\\s+/g, ' ').slice(0, 40)"""

# What the widget shows, minus its controls' own state: its figures, its readouts and texts (the
# kernel writes those), and the choices made in it
SHOWN_JS = """(root) => JSON.stringify([
    [...root.querySelectorAll('img')].map(i => i.getAttribute('src')),
    [...root.querySelectorAll('.widget-html, .widget-label:not(.widget-readout), .widget-htmlmath')]
        .map(e => e.textContent),
    [...root.querySelectorAll('input[type=radio]')].map(r => r.checked)])"""
FIGURE_JS = "(root) => [...root.querySelectorAll('img.rnnlab-figure')].map(i => i.getAttribute('src')).join('|')"


def _none(page, handle) -> bool:
    return page.evaluate("(x) => x === null", handle)


def _is_active(page, element) -> bool:
    return page.evaluate("(e) => document.activeElement === e", element)


def _change_keys(kind: str, element) -> list[str] | None:
    """The keys that change a control of this kind, or None when pressing it here would change
    nothing (the toggle button already chosen)."""
    if kind == "slider":
        return ["ArrowRight"]
    if kind == "dropdown":  # Chromium on Linux picks the next option at once
        return ["ArrowDown"]
    if kind == "radio":
        return ["ArrowDown"]
    if kind == "toggle":
        return None if "mod-active" in (element.get_attribute("class") or "") else ["Space"]
    if kind == "button":
        return ["Enter"]
    return None  # text fields and slider readouts: typed, see drive_widget


def drive_widget(page, widget, name: str, operate=None, text: str | None = None, seconds: float = 15) -> list[dict]:
    """Every control of `widget` by the keyboard alone, in Tab order: the first one is focused
    by script (no click), each next one must be where one Tab press leads (document.activeElement),
    and each must show that it has the focus (its outline or box shadow differs from the unfocused
    control's). Each control for which `operate(label, kind)` is true is then changed with its
    keys (sliders: ArrowRight; dropdowns, radio groups: ArrowDown; buttons: Enter; toggle buttons:
    Space; text fields: `text` typed and Enter; a slider's value field: a new value typed and
    Enter), and what the widget shows must change: its figure, when it has one, else its readouts,
    texts or choices. Returns one record per control: label, kind, focus edge, changed or not."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    handle = widget.element_handle()
    has_figure = bool(page.evaluate(FIGURE_JS, handle))
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    current = page.evaluate_handle(f"(root) => ({TAB_STOPS_JS})(root)[0] || null", handle)
    assert not _none(page, current), f"{name}: no control can take the keyboard focus"
    unfocused = page.evaluate(EDGE_JS, current)
    # focused by script, then by the keyboard: Tab away and Shift+Tab back (focus-visible)
    current.as_element().focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    records = []
    while True:
        element = current.as_element()
        kind, label = page.evaluate(KIND_JS, element), page.evaluate(LABEL_JS, element)
        assert _is_active(page, element), (
            f"{name}: the keyboard did not bring the focus to {kind} '{label}' but to "
            f"{page.evaluate('() => document.activeElement && document.activeElement.outerHTML.slice(0, 160)')}"
        )
        edge = page.evaluate(EDGE_JS, element)
        entry = {"control": label, "kind": kind, "focus": edge, "unfocused": unfocused}
        assert edge["focusVisible"], f"{name}: {kind} '{label}' reached by Tab does not match :focus-visible"
        assert (edge["outline"], edge["shadow"]) != (unfocused["outline"], unfocused["shadow"]), (
            f"{name}: {kind} '{label}' shows no focus (outline and box shadow as unfocused: {edge})"
        )
        if operate is None or operate(label, kind):
            keys = _change_keys(kind, element)
            before = page.evaluate(FIGURE_JS if has_figure else SHOWN_JS, handle)
            if kind == "text":
                keys = ["Control+a", *list(text or "x"), "Enter"]
            elif kind == "slider-readout":  # to the end of the range farther away
                value = page.evaluate(
                    """(e) => {
                    const h = e.parentElement.querySelector('.noUi-handle');
                    const [lo, hi] = ['aria-valuemin', 'aria-valuemax'].map(a => parseFloat(h.getAttribute(a)));
                    return parseFloat(e.textContent) > (lo + hi) / 2 ? lo : hi; }""",
                    element,
                )
                keys = ["Control+a", *list(f"{value:g}"), "Enter"]
            if keys:
                for key in keys:
                    page.keyboard.press(key)
                try:
                    page.wait_for_function(
                        f"([root, old]) => ({FIGURE_JS if has_figure else SHOWN_JS})(root) !== old",
                        arg=[handle, before],
                        timeout=seconds * 1000,
                    )
                except PlaywrightTimeout:
                    raise AssertionError(
                        f"{name}: {kind} '{label}' changed by {keys}, but the widget showed no change in {seconds:g} s"
                    ) from None
                entry["changed_by"] = keys
                # arrows in a radio group move the focus to the button they check
                element = page.evaluate_handle(
                    """([root, e]) => root.contains(document.activeElement)
                    ? document.activeElement : e""",
                    [handle, element],
                ).as_element()
        records.append(entry)
        # the next control: where Tab must lead from this one (the controls may have changed:
        # a button that enables others, a card that moves on)
        expected = page.evaluate_handle(
            f"""([root, e]) => {{
            const stops = ({TAB_STOPS_JS})(root);
            const group = x => x.type === 'radio' ? x.closest('.widget-radio-box') : x;
            const after = stops.filter(s => group(s) !== group(e)
                && (e.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING));
            return after.length ? after[0] : null; }}""",
            [handle, element],
        )
        if _none(page, expected):
            break
        unfocused = page.evaluate(EDGE_JS, expected)
        page.keyboard.press("Tab")
        current = expected
    return records


def check_axe(page, page_name: str, record_file: Path) -> tuple[dict, dict]:
    """axe on the page: JupyterLab's own violations recorded in `record_file` (not asserted) and
    printed on one line, the course's beside it (a11y-course.json); no serious or critical
    violation may be the course's."""
    course, jupyterlab = split(axe_violations(page))
    record_jupyterlab(record_file, page_name, jupyterlab)
    record_jupyterlab(record_file.with_name("a11y-course.json"), page_name, course)
    print(f"\naxe on {page_name}: JupyterLab's own UI: {summary(jupyterlab)}; the course's content: {summary(course)}")
    assert not blocking(course), (
        f"{page_name}: serious or critical WCAG violations in the course's content:\n" + describe(blocking(course))
    )
    return course, jupyterlab
