"""A widget as static HTML, from the state a notebook saves for it (ipywidgets' widget-state JSON),
each element marked by its model id (`data-w`) for static/baked.js; one not baked is drawn disabled.
"""

from __future__ import annotations

import html
import json

REF = "IPY_MODEL_"
# layout properties copied to the element (display: a part the widget hides stays hidden)
LAYOUT = ("width", "height", "min_width", "max_width", "flex", "align_self", "margin", "padding", "display")


class Renderer:
    def __init__(self, state: dict, live: bool, pictures: dict[str, str] | None = None):
        self.models = state["state"]
        self.live = live  # controls left enabled (the page's script drives them)
        self.pictures = pictures or {}  # model id -> a baked picture's URL, instead of inline data

    def model(self, ref: str) -> tuple[str, dict]:
        model_id = ref[len(REF) :] if ref.startswith(REF) else ref
        entry = self.models[model_id]
        return model_id, entry

    def style(self, state: dict) -> str:
        layout = self.models.get(state.get("layout", "")[len(REF) :], {}).get("state", {})
        parts = [f"{k.replace('_', '-')}:{layout[k]}" for k in LAYOUT if layout.get(k)]
        return ";".join(parts)

    def description(self, state: dict) -> str:
        text = state.get("description") or ""
        if not text:
            return ""
        width = (
            self.models.get(state.get("style", "")[len(REF) :], {}).get("state", {}).get("description_width") or "auto"
        )
        return f"<span class='bk-desc' style='width:{html.escape(width)}'>{html.escape(text)}</span>"

    def __call__(self, ref: str) -> str:
        model_id, entry = self.model(ref)
        name, s = entry["model_name"], entry["state"]
        classes = " ".join(html.escape(c) for c in s.get("_dom_classes", []))
        attrs = f"data-w='{model_id}' class='bk-{name[:-5].lower()} {classes}' style='{self.style(s)}'"
        off = "" if self.live and not s.get("disabled") else " disabled"
        if name in ("VBoxModel", "HBoxModel", "BoxModel"):
            inner = "".join(self(child) for child in s.get("children", []))
            return f"<div {attrs}>{inner}</div>"
        if name in ("HTMLModel", "HTMLMathModel"):
            return f"<div {attrs}>{s.get('value', '')}</div>"
        if name == "LabelModel":
            return f"<span {attrs}>{html.escape(s.get('value', ''))}</span>"
        if name == "ImageModel":
            src = self.pictures.get(model_id) or image_src(entry)
            # a live widget's script names the widget and its setting (baked.js); a saved one is as the lecture left it
            return f"<img {attrs} alt='a widget figure, as the lecture left it' src='{src}'>"
        desc = self.description(s)
        if name in ("FloatSliderModel", "IntSliderModel"):
            value = s.get("value", 0)
            return (
                f"<label {attrs}>{desc}<input type='range' min='{s.get('min', 0)}' max='{s.get('max', 1)}'"
                f" step='{s.get('step', 1)}' value='{value}'{off}><output>{value}</output></label>"
            )
        if name in ("DropdownModel", "SelectModel"):
            options = "".join(
                f"<option value='{k}'{' selected' if k == s.get('index') else ''}>{html.escape(str(label))}</option>"
                for k, label in enumerate(s.get("_options_labels", []))
            )
            return f"<label {attrs}>{desc}<select{off}>{options}</select></label>"
        if name == "ToggleButtonsModel":
            buttons = "".join(
                f"<button type='button' value='{k}' class='{'bk-on' if k == s.get('index') else ''}'"
                f"{off}>{html.escape(str(label))}</button>"
                for k, label in enumerate(s.get("_options_labels", []))
            )
            return f"<div {attrs}>{desc}<span class='bk-toggles'>{buttons}</span></div>"
        if name == "RadioButtonsModel":
            group = f"r{model_id}"
            radios = "".join(
                f"<label><input type='radio' name='{group}' value='{k}'"
                f"{' checked' if k == s.get('index') else ''}{off}> {html.escape(str(label))}</label>"
                for k, label in enumerate(s.get("_options_labels", []))
            )
            return f"<div {attrs}>{desc}{radios}</div>"
        if name == "CheckboxModel":
            checked = " checked" if s.get("value") else ""
            return (
                f"<label {attrs}><input type='checkbox'{checked}{off}> {html.escape(s.get('description', ''))}</label>"
            )
        if name in ("TextModel", "TextareaModel"):
            tag = "textarea" if name == "TextareaModel" else "input"
            value = html.escape(s.get("value", ""))
            hint = "title='type your own in the notebook; on this page, pick an example'"
            if tag == "textarea":
                return f"<label {attrs}>{desc}<textarea readonly {hint}>{value}</textarea></label>"
            placeholder = "type in the notebook" if self.live else html.escape(s.get("placeholder", ""))
            return f"<label {attrs}>{desc}<input readonly {hint} value='{value}' placeholder='{placeholder}'></label>"
        if name == "ButtonModel":
            return f"<button type='button' {attrs}{off}>{html.escape(s.get('description', ''))}</button>"
        if name in ("FloatProgressModel", "IntProgressModel"):
            return (
                f"<progress {attrs} max='{s.get('max', 100)}' value='{s.get('value', 0)}'>"
                f"{s.get('value', 0)}</progress>"
            )
        if name == "OutputModel":  # what a kernel printed into it: nothing a page can show
            return ""
        if name == "PlayModel":
            return f"<button type='button' {attrs} disabled title='plays in the notebook'>&#9654;</button>"
        return f"<span {attrs}>{html.escape(s.get('description', '') or '')}</span>"


def image_src(entry: dict) -> str:
    for buffer in entry.get("buffers", []):
        if buffer.get("path") == ["value"]:
            fmt = entry["state"].get("format", "png")
            return f"data:image/{fmt};base64,{buffer['data']}"
    return ""


def widget_html(state: dict, model_id: str, baked: dict | None, base: str) -> str:
    """The widget's HTML, drawn from its saved state; live when baked, with its states inline and
    its pictures under `base`."""
    if baked is None:
        body = Renderer(state, live=False)(model_id)
        note = (
            "<p class='bk-note'>This one works with your own copy of the course: run the notebook "
            "(Binder or <code>make lab</code>).</p>"
            if "bk-button" in body
            else ""
        )
        return f"<div class='bk-widget bk-saved'>{body}{note}</div>"
    pictures = {}
    if baked["kind"] == "figure":  # the start state's picture, as a file
        start = baked["states"][baked["start"]]
        for out, value in zip(baked["outputs"], start):
            if out["kind"] == "image" and baked["strings"][value]:
                pictures[out["id"]] = base + baked["strings"][value]
    body = Renderer(state, live=True, pictures=pictures)(model_id)
    if baked["kind"] == "figure" and len(baked["states"]) > 1:
        body += (
            f"<p class='bk-note'>On this page: {len(baked['states'])} settings, drawn when the site was "
            "built. Every setting works when you run the notebook (the rocket button above: Colab or "
            "Binder).</p>"
        )
    if baked["kind"] == "deck":
        body += (
            "<p class='bk-note'>The cards turn on this page. In the notebook, <i>I knew it</i> and "
            "<i>Not yet</i> set when each card comes back (the start page's review).</p>"
        )
    data = json.dumps(baked).replace("</", "<\\/")  # no "</script>" inside the script
    return (
        f"<div class='bk-widget bk-live' data-base='{base}'>{body}"
        f"<script type='application/json' class='bk-data'>{data}</script></div>"
    )
