"""Text a student controls, shown to a person as text: never as an element, a link they chose,
or formatting.

A student controls far more than their answers: the first line of an answer cell (the grader's
comment quotes it), the messages their code raises, the names of the files and folders they hand
in, their name in an LMS's file names and class lists, `timestamp.txt`. Each is escaped where it
is rendered, for the renderer it is rendered by, and stored as it came:

- `markdown_html`: markdown (an answer, a grader's comment) to HTML in which every tag of the
  text is escaped, links go only to harmless protocols and no image is fetched (the feedback's
  comments, the hand-grading pages);
- `markdown_text`: a field put into a markdown document (report.md), so that any markdown viewer
  (JupyterLab, a code host, markdown-it) shows it as written: no HTML, link, image, code span,
  emphasis, table cell break or formula;
- `visible`: a field printed to the instructor's terminal (a reason naming a file), with its
  control characters written out, so that no escape sequence of a file name acts there;
- `escape_markdown`: a student's markdown cell made inert where nbgrader's pages render it (the
  graded notebook, the formgrader: autograder.grading.inert), and `unescape_markdown`, the text it
  was given, for a page that escapes every tag itself (autograder.term.handgrade).

HTML pages written by the course escape with `html.escape` (autograder.term.handgrade does). A page
of the next tools (similarity, statistics) follows the same rule: docs/authoring.md's checklist.
"""

from __future__ import annotations

import functools
import html
import re

# What an inline markdown parser reads as markup: backslash escapes, code spans, emphasis and
# strikethrough, links and images, HTML and autolinks, entities, table cells, formulas, and the
# bare addresses that GitHub's and nbconvert's markdown turn into links (`http://`, `www.`). An
# underscore inside a word (alice_smith, lstm_step) cannot open or close emphasis, so it stays
# as it is and report.md stays readable as plain text.
MARKUP = re.compile(r"[\\`*~\[\]<>&|$]|(?<![^\W_])_|_(?![^\W_])|:(?=//)|(?<=\bwww)\.")


# Control characters but tab and line breaks: a terminal acts on them (an escape sequence in a
# file name can move the cursor, recolour or hide what follows, or set the clipboard).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def visible(text) -> str:
    """`text` with every control character written as `\\xNN`: safe to print to a terminal or
    to put in a file that someone may `cat`."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", str(text))


def markdown_text(text) -> str:
    """`text` as one line of markdown that renders as exactly that text (ASCII punctuation that a
    parser would read is backslash-escaped, as CommonMark allows; line breaks become spaces;
    control characters are written as `\\xNN`, see `visible`)."""
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
    """Markdown that renders as the text the student wrote, with no HTML element in it, and no
    image: `![` becomes `!&#91;`, which shows as written and fetches nothing from the address a
    student chose when the instructor opens the page."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace("![", IMAGE)
    return LINK.sub(lambda m: "unsafe-" + m.group(0), text)


IMAGE = "!&#91;"  # an image's `![` as escape_markdown writes it (a student's own `&` is `&amp;`)


def unescape_markdown(text: str) -> str:
    """The text `escape_markdown` was given (but for its neutralised links): a page that escapes
    every tag itself (autograder.term.handgrade) shows an inert notebook's answer as it was written."""
    return text.replace(IMAGE, "![").replace("&lt;", "<").replace("&amp;", "&")
