"""Student text as a reader's browser renders it."""

from html.parser import HTMLParser


class Elements(HTMLParser):
    """The tags of an HTML fragment and every attribute they carry."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def elements(fragment: str) -> Elements:
    parser = Elements()
    parser.feed(fragment)
    parser.close()
    return parser


def markdown_renderers():
    """What instructors open report.md with: markdown-it (a code host's CommonMark, tables,
    raw HTML let through as GitHub and JupyterLab let some through) and nbconvert's mistune."""
    from markdown_it import MarkdownIt
    from nbconvert.filters.markdown import markdown2html

    it = MarkdownIt("commonmark", {"html": True}).enable("table")
    return {"markdown-it": it.render, "nbconvert": markdown2html}
