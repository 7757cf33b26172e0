"""Text a student controls, shown to a person as text: never as an element, a link they chose, or
formatting (docs/grading.md, "Student text is text"). Each is escaped where it is rendered, for its
renderer: `markdown_html` (markdown to HTML: the feedback's comments, the hand-grading pages),
`markdown_text` (a field in report.md), `visible` (a line printed to a terminal), `escape_markdown`
(a markdown cell nbgrader's pages render) and `unescape_markdown` (its text back, for a page that
escapes every tag itself). Pages the course writes escape with `html.escape`.
"""

from __future__ import annotations

import functools
import html
import re

# what an inline markdown parser reads as markup, bare addresses (`http://`, `www.`) among it; an
# underscore inside a word (alice_smith) cannot open or close emphasis, so it stays
MARKUP = re.compile(r"[\\`*~\[\]<>&|$]|(?<![^\W_])_|_(?![^\W_])|:(?=//)|(?<=\bwww)\.")


# control characters but tab and line breaks: a terminal acts on them
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def visible(text) -> str:
    """`text` with every control character written as `\\xNN`: safe to print to a terminal."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", str(text))


def markdown_text(text) -> str:
    """`text` as one line of markdown that renders as exactly that text (markup backslash-escaped,
    line breaks as spaces, control characters as in `visible`)."""
    return MARKUP.sub(lambda m: "\\" + m.group(0), " ".join(visible(text).splitlines()))


@functools.cache
def _renderer_class():
    from mistune.renderers.html import HTMLRenderer
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    class SafeRenderer(IPythonRenderer):
        """nbconvert's renderer (it leaves `$...$` and `$$...$$` to MathJax, escaped), with every
        tag in the text escaped, links to http(s), mailto and the like only, and no image or
        diagram: code blocks are plain escaped text."""

        def __init__(self):
            super().__init__(escape=True, allow_harmful_protocols=False, exclude_anchor_links=True)

        def block_code(self, code, info=None):
            return HTMLRenderer.block_code(self, code, info)

        def image(self, text, url, title=None):
            return (
                f'<span class="not-shown">[image not shown: {html.escape(url)}'
                f"{' (' + text + ')' if text else ''}]</span>"
            )

        def link(self, text, url, title=None):
            return (
                "<a"
                + self.render_attrs(
                    {"href": self.sanitize_url(url), "title": title or None, "rel": "noopener noreferrer nofollow"}
                )
                + ">"
                + text
                + "</a>"
            )

    return SafeRenderer


def markdown_html(text) -> str:
    """HTML of untrusted markdown: no element of its own, no script, no image, no harmful link."""
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    return MarkdownWithMath(renderer=_renderer_class()()).render(str(text or ""))


LINK = re.compile(r"(?i)\b(java|vb)script\s*:|\bdata\s*:")


def escape_markdown(text: str) -> str:
    """Markdown that renders as the text the student wrote, with no HTML element and no image (`![`
    becomes `!&#91;`, which shows as written and fetches nothing)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace("![", IMAGE)
    return LINK.sub(lambda m: "unsafe-" + m.group(0), text)


IMAGE = "!&#91;"  # an image's `![` as escape_markdown writes it (a student's own `&` is `&amp;`)


def unescape_markdown(text: str) -> str:
    """The text `escape_markdown` was given, but for its neutralised links."""
    return text.replace(IMAGE, "![").replace("&lt;", "<").replace("&amp;", "&")
