"""Student text is text everywhere a person reads it (issue 50, items 5 and 8).

A student controls the first line of an answer cell (the re-check's comment quotes it), their
markdown, their outputs, the messages their code raises, their file and folder names, their name
in an LMS's file names and class lists, and timestamp.txt. Each place that shows such text to a
person escapes it for its renderer: the feedback and its comments, the formgrader, make
hand-grade's pages, report.md, the Moodle worksheet's comment. The browser test opens the pages of
autograder/authoring/grader_attacks/hostile_html.py, graded through the pipeline, in Chromium and looks for any
element or script of the student's; its positive control finds them in the same text unescaped.

Feedback names no host folder: comments are redacted like outputs, and the runtime folders a run
makes in $TMPDIR count as host folders for the redaction and the leak scan.
"""

import html
import re
import textwrap
import threading
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.authoring import fixtures as F
from autograder.course import leakscan
from autograder.course.folder import REPO
from autograder.course.student_text import escape_markdown, markdown_html, markdown_text, unescape_markdown, visible
from autograder.gradebook.report import _cell
from autograder.grading import recheck
from rendered_text import elements, markdown_renderers

A = "ps03_lstm_gates"
HOSTILE = next(fx for fx in F.attacks() if fx.name == "hostile_html")
# what a student may put into any field: HTML that runs, markdown that links or fetches, markup
FIELDS = [
    "<img src=x onerror=\"document.title='pwned'\">",
    "<script>document.title='pwned'</script>",
    "<svg onload=\"document.title='pwned'\"></svg>",
    "[click](javascript:document.title='pwned')",
    "![pixel](http://127.0.0.1:9/pixel.png) [site](http://127.0.0.1:9/)",
    "<http://127.0.0.1:9/auto> &lt;b&gt; `code` **bold** _it_ ~~gone~~ $x^2$ a|b",
    "#`<img src=x onerror=document.title='pwned'>`",
    "Ana <b>Bold</b>_12345_assignsubmission_file_",
    "2026-11-20 10:00:00 <iframe src=javascript:alert(1)>",
    "line one\n| forged | row |\n<img src=x onerror=alert(1)>",
]


# every element report.md's own text may render to: the course writes no code span, link or raw
# HTML into it, so a student's text that became one of those shows as a tag outside this set
REPORT_MARKUP = {"h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "strong", "em"}


# -- the re-check's comment quotes a first line -------------------------------------------------------------


def _begins():
    """The re-check process's `begins` (it runs inside the sandbox, as text of runner_source)."""
    source = Path(recheck.runner.__file__).read_text()
    body = re.search(r"\n( +)def begins\(source\):\n.*?(?=\n\1\S)", source, re.S).group(0)
    scope: dict = {}
    exec(textwrap.dedent(body), scope)
    return scope["begins"]


@pytest.mark.parametrize(
    "line",
    [
        "#`<img src=x onerror=alert(1)>`",
        "x = 1  # `a` ``b`` <b>",
        "`",
        "print('![i](http://127.0.0.1:9/i.png)')",
        "y = '<svg onload=alert(1)>'",
    ],
)
def test_the_quoted_first_line_is_one_code_span(line):
    """Rendered as nbgrader renders a comment (markdown2html, HTML let through), the quote is one
    <code> holding the line as written. Before: `#`<img ...>` closed the quote's backticks after
    `#`, and the rest was a live <img onerror>."""
    from nbconvert.filters.markdown import markdown2html

    said = _begins()(line + "\nmore = 2")
    found = elements(markdown2html(said).strip())
    assert [tag for tag, _ in found.tags] == ["p", "code"], said
    assert "".join(found.text).strip() == "the cell beginning " + line


# -- comments, markdown and report.md -----------------------------------------------------------------------


@pytest.mark.parametrize("text", FIELDS)
def test_comments_render_with_no_element_of_the_text(text):
    """A grader's comment is rendered with every tag escaped, links only to harmless protocols and
    no image (the feedback template's `untrusted_markdown`); the text itself is still shown."""
    found = elements(markdown_html(text))
    for tag, attrs in found.tags:
        assert tag not in {"img", "script", "svg", "iframe", "object", "embed", "style", "link", "form"}, (tag, text)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert tag != "a" or attrs.get("href", "").startswith(("http://", "https://", "#harmful")), attrs
    assert "onerror" not in text or "onerror" in "".join(found.text)


def test_the_feedback_template_renders_a_comment_as_text():
    """The course's feedback template, with the exporter settings nbgrader_config.py gives
    generate_feedback, renders a comment quoting hostile lines with no element of theirs. Before,
    nbgrader's footer (markdown2html) put the <img onerror>, <script> and <svg> into the page."""
    import nbgrader
    from nbconvert.exporters import HTMLExporter
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    course = REPO
    ours = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    c = Config()
    c.HTMLExporter = ours.GenerateFeedback.HTMLExporter
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.extra_template_basedirs = [str(formgrader / "templates")]
    c.HTMLExporter.extra_template_paths = [str(formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    comment = "there the cell beginning `#`<img src=x onerror=alert(1)>`` stopped\n\n" + "\n\n".join(FIELDS)
    nb = new_notebook(
        cells=[
            new_code_cell(
                "x = 1",
                metadata={
                    "nbgrader": {
                        "grade": True,
                        "solution": True,
                        "grade_id": "a",
                        "points": 2,
                        "score": 0.0,
                        "comment": comment,
                    }
                },
            )
        ]
    )
    page, _ = HTMLExporter(config=c).from_notebook_node(
        nb,
        resources={
            "nbgrader": {"notebook": A, "score": 0.0, "max_score": 2.0, "late_penalty": 0, "pending_points": 0.0}
        },
    )
    footer = page.split('<div class="panel-footer">', 1)[1].split("</div>\n</div>", 1)[0]
    for tag, attrs in elements(footer).tags:
        assert tag not in {"img", "script", "svg", "iframe"}, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not attrs.get("href", "").startswith("javascript"), attrs
    assert "onerror=alert(1)" in html.unescape(footer)  # shown, as text


@pytest.mark.parametrize("text", FIELDS)
def test_report_md_fields_render_as_the_text_itself(text):
    """Each field of report.md (a name, a file name, a reason, a flag) renders in a table cell as
    exactly its text under markdown-it and nbconvert: no element, no link, no emphasis. Before,
    only `|` and line breaks were escaped."""
    for name, render in markdown_renderers().items():
        page = render(f"| student | notes |\n|---|---|\n| ann | {_cell(text)} |\n")
        found = elements(page)
        tags = {tag for tag, _ in found.tags}
        assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "p"}, (name, tags, text)
        shown = "".join(found.text).split("notes", 1)[-1]
        assert " ".join(text.splitlines()) in shown.replace("\n", ""), (name, shown)


@pytest.mark.parametrize("text", FIELDS)
def test_question_statistics_show_a_quiz_answer_and_a_student_id_as_text(text):
    """A quiz answer (anything a student wrote into their quiz_answers dict) and a student id in
    the question statistics: report.md's section renders them as their text under markdown-it and
    nbconvert, and questions.html has exactly the elements it has for harmless text."""
    from dataclasses import asdict

    from autograder.gradebook.questions import Item
    from autograder.gradebook.report import questions_section
    from autograder.term.questions import page

    def stats(answer, student):
        item = Item(
            "quiz_q1",
            "quiz",
            1.0,
            students=5,
            right=1,
            share_right=0.2,
            mean_share=0.2,
            key="b",
            wrong_answer=answer,
            wrong_count=3,
            wrong_total=4,
            flags=["negative discrimination"],
            discrimination=-0.3,
        )
        return {"students": 5, "items": [asdict(item)], "unreadable": [student], "min_students": 5}

    section = "\n".join(questions_section(stats(text, text))).split("## Question statistics", 1)[1]
    for name, render in markdown_renderers().items():
        found = elements(render(section))
        assert {tag for tag, _ in found.tags} <= REPORT_MARKUP, (name, text)
        shown = "".join(found.text).replace("\n", " ")
        assert shown.count(" ".join(text.splitlines())) == 2, (name, shown)
    harmless = elements(page(A, stats("d", "ann"), b"png"))
    found = elements(page(A, stats(text, text), b"png"))
    assert found.tags == harmless.tags, text
    assert "".join(found.text).count(text) == 2


def test_markdown_text_keeps_ordinary_text_readable():
    assert markdown_text("alice_smith lstm_step_backward 3.5 / 22") == "alice_smith lstm_step_backward 3.5 / 22"
    assert markdown_text("_x_ a*b <c> [d](e) http://f") == r"\_x\_ a\*b \<c\> \[d\](e) http\://f"


def test_control_characters_are_written_out():
    """A file name with terminal escape sequences (set the clipboard, clear the screen) is printed
    by make autograde in a reason and may be `cat` from report.md: its control characters are
    written as \\xNN in both."""
    name = "notes\x1b]52;c;ZXZpbA==\x07\x1b[2J.ipynb"
    assert visible(name) == r"notes\x1b]52;c;ZXZpbA==\x07\x1b[2J.ipynb"
    assert not re.search(r"[\x00-\x08\x0e-\x1f\x7f]", _cell(name))
    assert visible("tab\tand\nline") == "tab\tand\nline"
    for render in markdown_renderers().values():
        assert r"notes\x1b]52;c;ZXZpbA==\x07\x1b[2J.ipynb" in html.unescape(render(_cell(name)))


def test_student_markdown_fetches_no_image():
    """The graded notebook's markdown (autograder.grading.inert) shows a markdown image as text: the
    formgrader and the feedback fetched the address the student chose."""
    from nbconvert.filters.markdown import markdown2html

    text = "See ![chart](http://127.0.0.1:9/chart.png) and ![ref][r].\n\n[r]: http://127.0.0.1:9/r.png"
    page = markdown2html(escape_markdown(text))
    assert not [tag for tag, _ in elements(page).tags if tag == "img"], page
    assert "![chart]" in html.unescape(re.sub("<[^>]+>", "", page))
    assert unescape_markdown(escape_markdown(text)) == text


def test_moodle_comment_is_text_in_moodle():
    """Moodle renders the worksheet's "Feedback comments" as HTML; a reason quoting a file name
    goes there escaped."""
    from autograder.term import lms

    row = {"final": None, "status": "rejected", "reason": FIELDS[0] + " " + FIELDS[1]}
    shown = lms.worksheet_comment(row)
    assert "<" not in shown and html.unescape(shown) == lms.comment(row)


# -- no host folder in feedback ------------------------------------------------------------------------------


def test_comments_and_runtime_folders_are_redacted_in_feedback(monkeypatch, tmp_path):
    """A comment (typed in the formgrader from a graded notebook's traceback, or quoting one) is
    redacted like an output, and a run's runtime folder under $TMPDIR (a cluster node's) counts
    as the grader's. Before: comments were not redacted, and only /tmp/rnnlab-... was known."""
    import tempfile

    from autograder.grading.feedback import PlainFeedback

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    course = tmp_path / "course"
    course.mkdir()
    monkeypatch.chdir(course)
    run = course / "grading-runs" / "ps03_lstm_gates-20261125-101010-42"
    runtime = scratch / "rnnlab-rt-k3j2"
    answer = new_code_cell(
        "x = 1",
        metadata={
            "nbgrader": {
                "grade": False,
                "solution": True,
                "grade_id": "a",
                "comment": f"File {run}/recheck/s.txt and {runtime}/kernel-1.json, see {course}/staged",
            }
        },
    )
    nb, _ = PlainFeedback().preprocess(
        new_notebook(cells=[answer]), {"nbgrader": {"student": "s", "assignment": "ps", "notebook": "ps"}}
    )
    comment = nb.cells[0].metadata.nbgrader.comment
    assert (
        comment == "File <grader>/grading-runs/ps03_lstm_gates-20261125-101010-42/recheck/s.txt and "
        "<grader>/kernel-1.json, see <grader>/staged"
    ), comment
    page = f'<div class="panel-footer"><div><b>Comments:</b> <p>{runtime}/kernel-1.json</p></div></div>'
    assert leakscan.find(leakscan.produced_text(page), set(leakscan.host_paths(course)))


# -- in Chromium ---------------------------------------------------------------------------------------------

INJECTED = """() => {
  const bad = [];
  const payload = /pwned|__rnnlab|alert\\(/;
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const a of el.attributes) {
      if (/^on/i.test(a.name) && payload.test(a.value)) bad.push(`${tag}[${a.name}]`);   // not the page's own
      if (/^\\s*(javascript|vbscript|data):/i.test(a.value) && /^(href|src|action|formaction)$/.test(a.name))
        bad.push(`${tag}[${a.name}=${a.value.slice(0, 40)}]`);
    }
    if (tag === 'img' && /^(x|nope\\.png)$|127\\.0\\.0\\.1:9/.test(el.getAttribute('src') || '')) bad.push('img');
    if (['script', 'svg', 'iframe', 'object', 'embed'].includes(tag) && payload.test(el.outerHTML)) bad.push(tag);
  }
  return {bad, title: document.title, runs: window.__rnnlab_pwned || 0};
}"""


def injected(page, url: str | None = None, content: str | None = None) -> dict:
    """What of a student's got into the page's DOM or ran: elements, script runs, the title."""
    if url:
        page.goto(url)
    else:
        page.goto("about:blank")  # no Content-Security-Policy of the page before
        page.set_content(content)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # an onerror fires after the image fails
    return page.evaluate(INJECTED)


def clean(seen: dict) -> bool:
    return not seen["bad"] and seen["title"] != "pwned" and not seen["runs"]


@pytest.mark.browser
def test_no_student_element_in_any_page_in_chromium(grade_batch, chromium, tmp_path):
    """hostile_html graded through the pipeline (the batch tests/autograder/grading/test_formgrader.py grades too):
    its feedback, its formgrader page, the hand-grading page of its explain answer and report.md
    rendered as a code host would, opened in Chromium, hold no element or script of the student's,
    while each shows the text. The positive control: the same check on the same text rendered
    as before (nbgrader's markdown2html, report.md's old escaping) finds the elements and the
    script's run."""
    from autograder.term import handgrade as H
    from formgrader_pages import open_submission
    from support import _need_browser

    _need_browser()
    batch = grade_batch(A, [HOSTILE], "formgrader-inert", jobs=1)
    student = F.student_id(HOSTILE)
    result = batch.result(HOSTILE)
    assert result.status == "graded" and any("could not be run again" in f for f in result.flags), result.flags
    page = chromium.new_page()
    try:
        feedback = batch.course / "feedback" / student / A / f"{A}.html"
        seen = injected(page, url=feedback.as_uri())
        assert clean(seen), ("feedback", seen)
        comment = page.locator(".panel-footer").first.inner_text()
        assert "onerror=document.title='pwned'" in comment, comment  # shown, as text

        report = (batch.course / "reports" / A / "report.md").read_text()
        for render in markdown_renderers().values():  # the course's own markup only
            tags = {
                tag
                for tag, attrs in elements(render(report)).tags
                if not (tag == "a" and attrs.get("href", "").startswith("#"))
            }  # nbconvert's heading anchors
            assert tags <= REPORT_MARKUP, tags
        rows = "".join(f"| {i} | {_cell(text)} |\n" for i, text in enumerate(FIELDS))
        synthetic = f"| field | text |\n|---|---|\n{rows}"
        for name, render in markdown_renderers().items():
            for md in (report, synthetic):
                seen = injected(page, content=render(md))
                assert clean(seen), (name, seen)
        assert "onerror=document.title" in page.content()

        grading = H.HandGrading(batch.course, A)
        server = H.HandGradeServer(grading, log=lambda *a: None)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            seen = injected(page, url=server.url.replace("/?", "/q/explain_forget?"))
            assert clean(seen), ("hand-grade", seen)
            assert "The forget gate decides what to keep." in page.content()
        finally:
            server.shutdown()
            server.server_close()

        # the positive control: the same check finds what the old renderings let through
        from nbconvert.filters.markdown import markdown2html

        old_quote = "the cell beginning `#`<img src=x onerror=document.title='pwned'>``"  # as begins() quoted
        raw = "".join(f"<div>{markdown2html(text)}</div>" for text in FIELDS + [old_quote])
        seen = injected(page, content=f"<html><body>{raw}</body></html>")
        assert seen["title"] == "pwned" and len(seen["bad"]) >= 4, seen
        old_cells = "".join(
            f"| {i} | {' '.join(text.splitlines()).replace('|', chr(92) + '|')} |\n" for i, text in enumerate(FIELDS)
        )  # report.md's old escaping
        seen = injected(page, content=markdown_renderers()["markdown-it"](f"| field | text |\n|---|---|\n{old_cells}"))
        assert seen["bad"], seen
    finally:
        page.close()

    # the formgrader: the comment is the comment box's placeholder; the error and the markdown as text
    seen = open_submission(
        batch,
        chromium,
        inspect=lambda page: {
            "dom": page.evaluate(INJECTED),
            "placeholder": page.locator("#lstm_step_backward-comment").get_attribute("placeholder"),
        },
    )
    assert seen["runs"] == 0 and not seen["file"] and clean(seen["inspected"]["dom"]), ("formgrader", seen["inspected"])
    assert "onerror=document.title='pwned'" in seen["inspected"]["placeholder"], seen["inspected"]
    assert "javascript:alert(1)" in seen["page"]  # the raised error, as text


# -- make similarity: its page and report.md's section -------------------------------------------------------


def _similarity_page(text: str) -> str:
    """make similarity's page of one pair whose first student's id, name and code hold `text`."""
    from autograder.term import similarity as S

    code = f"x = 1  # {text}\ny = '{text}'\n"
    match = S.Match((0.9, 0.8), 80, ([(0, len(code) // 2)], [(0, 5)]))
    pair = S.Pair("lstm_step_backward", (text, "ben"), match, (code, "z = 2\n"))
    return S.page(
        S.Findings(
            A,
            [text, "ben"],
            ["lstm_step_backward"],
            {"quiz": 48},
            [pair, S.Pair("", (text, "ben"), match, (code, "z = 2\n"))],
            left_out={text: "no notebook"},
            names={text: text, "ben": text},
        )
    )


SIMILARITY_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "h1",
    "h2",
    "h3",
    "p",
    "table",
    "tr",
    "th",
    "td",
    "a",
    "div",
    "pre",
    "mark",
    "ul",
    "li",
}


@pytest.mark.parametrize("text", FIELDS)
def test_similarity_page_shows_student_fields_as_text(text):
    """make similarity's page (autograder.term.similarity) has only its own elements whatever a
    student's id, name and code hold, each shown as text."""
    found = elements(_similarity_page(text))
    assert {tag for tag, _ in found.tags} <= SIMILARITY_TAGS, found.tags
    for tag, attrs in found.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert tag != "a" or attrs.get("href", "").startswith("#"), attrs
    assert "".join(found.text).count(text) >= 6


@pytest.mark.parametrize("text", FIELDS)
def test_similarity_section_of_report_md_renders_as_the_text_itself(text):
    """report.md's "Similar submissions" section (autograder.gradebook.report.similarity_section)
    names the students of each pair as text under markdown-it and nbconvert."""
    from autograder.gradebook.report import similarity_section

    record = {
        "finished": "t",
        "students": [{"student": text, "name": text}, {"student": "ben", "name": ""}],
        "similarity": {
            "computed": "t",
            "graded": "t",
            "students": 2,
            "page": "similarity.html",
            "pairs": [
                {"exercise": "lstm_step_backward", "students": [text, "ben"], "shares": [0.9, 0.8], "matched": 80}
            ],
        },
    }
    section = "\n".join(similarity_section(record)) + "\n"
    for name, render in markdown_renderers().items():
        found = elements(render(section))
        tags = {tag for tag, attrs in found.tags if not (tag == "a" and attrs.get("href", "").startswith("#"))}
        assert tags <= REPORT_MARKUP, (name, tags)
        assert "".join(found.text).replace("\n", "").count(" ".join(text.splitlines())) == 2, name


@pytest.mark.browser
def test_similarity_page_holds_no_student_element_in_chromium(chromium, monkeypatch):
    """The similarity page of every field, opened in Chromium: no element or script of the
    student's. The positive control: the same page with its escaping taken out has them."""
    from autograder.term import similarity as S
    from support import _need_browser

    _need_browser()
    page = chromium.new_page()
    try:
        for text in FIELDS:
            seen = injected(page, content=_similarity_page(text))
            assert clean(seen), (text, seen)
        assert "onerror=alert(1)" in page.content()  # the last field, as text
        monkeypatch.setattr(S, "_e", str)
        seen = injected(page, content="".join(_similarity_page(text) for text in FIELDS[:3]))
        assert seen["bad"], seen
    finally:
        page.close()
