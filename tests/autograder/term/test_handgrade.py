"""Hand grading by question (issue 30, "Hand grading"): `make hand-grade` serves each explain
question's model answer beside every student's answer, and saves scores and comments into
nbgrader's gradebook as the formgrader does; feedback says "not graded yet" for an answer still to
be graded by hand, where nbgrader says 0.

The class is graded without a kernel, as cheaply as nbgrader allows: the problem set is generated
into the gradebook by nbgrader (in this process, as the pipeline's worker does), each submission
is the instructor's solution with its own explain answer, made inert and scored by nbgrader's own
SaveAutoGrades (test cells without an error score full marks; a changed written answer needs a
hand grade), as `nbgrader autograde` would after running it.
"""

import json
import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.authoring import fixtures as F
from autograder.course import leakscan
from autograder.course.folder import REPO, course_config
from autograder.course.student_text import escape_markdown, unescape_markdown
from autograder.term import handgrade as H
from handgraded_class import ANSWERS, HAND_GRADED, A, Q, _graded_class
from support import auto_points

MODEL = "Windows that start one hour apart share 47 of their 48 values."
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    course = F.make_course(tmp_path_factory.mktemp("handgrade") / "course", [A])
    _graded_class(course)
    return course


@pytest.fixture
def course(graded, tmp_path) -> Path:
    """A copy of the graded class of its own for each test (saves change its gradebook)."""
    return Path(shutil.copytree(graded, tmp_path / "course"))


@pytest.fixture
def server(course):
    server = H.HandGradeServer(H.HandGrading(course, A), log=lambda *a: None)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _base(server) -> str:
    return server.url.split("/?")[0]


def _get(server, path: str, token: str | None = "right"):
    token = server.token if token == "right" else token
    query = "" if token is None else "?" + urllib.parse.urlencode({"token": token})
    return _request(urllib.request.Request(_base(server) + path + query))


def _save(
    server,
    student="ada",
    score="2.5",
    comment="Right, but no split proposed.",
    token="right",
    question=Q,
    accept="application/json",
):
    form = {"question": question, "student": student, "score": score, "comment": comment}
    if token is not None:
        form["token"] = server.token if token == "right" else token
    return _request(
        urllib.request.Request(
            _base(server) + "/save", data=urllib.parse.urlencode(form).encode(), headers={"Accept": accept}
        )
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _request(request) -> tuple[int, dict, str]:
    """(status, headers, body) of a request, errors and redirects included."""
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode()


def _grade(course: Path, student: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade, comment = gb.find_grade(Q, A, A, student), gb.find_comment(Q, A, A, student)
        return {
            "manual_score": grade.manual_score,
            "needs_manual_grade": grade.needs_manual_grade,
            "manual_comment": comment.manual_comment,
            "score": grade.score,
        }


def _card(page: str, student: str) -> str:
    """One student's answer on the question page."""
    found = re.search(rf'<section class="answer [a-z]+" id="student-{student}">(.*?)</section>', page, re.S)
    assert found, f"no answer of {student} on the page"
    return found.group(1)


# -- the pages -----------------------------------------------------------------------------------
def test_the_index_counts_graded_and_ungraded_answers_of_each_question(server):
    status, headers, page = _get(server, "/")
    assert status == 200
    assert f"/q/{Q}?token={server.token}" in page
    assert '<td class="graded-count">1</td><td class="pending-count">2</td>' in page
    assert _get(server, "/", token=None)[0] == 403
    assert _get(server, "/", token="not-the-token")[0] == 403


def test_a_question_page_shows_the_model_answer_and_every_answer_ungraded_first(server):
    status, headers, page = _get(server, f"/q/{Q}")
    assert status == 200
    model = page.split('<aside class="model">')[1].split("</aside>")[0]
    assert MODEL in model and "BEGIN SOLUTION" not in model
    assert "Exercise 5: explain" in model  # the question itself, above it
    order = re.findall(r'<section class="answer ([a-z]+)" id="student-([^"]+)"', page)
    assert order == [("pending", "ada"), ("pending", "bob"), ("graded", "cy")]
    assert "The window after a test window holds its target" in _card(page, "ada")
    assert "not graded yet" in _card(page, "ada") and "not graded yet" not in _card(page, "cy")
    cy = _card(page, "cy")  # prefilled from the gradebook
    assert 'name="score" min="0" max="3" step="0.5" required value="2"' in cy and HAND_GRADED[2] in cy
    # what the browser may run: this server's files, no inline script
    policy = headers["Content-Security-Policy"]
    scripts = re.search(r"script-src ([^;]*)", policy).group(1).split()
    assert scripts == ["'self'"] and "default-src 'none'" in policy
    assert re.findall(r"<script\b[^>]*>", page) == [
        '<script src="/static/handgrade.js">',
        '<script src="/mathjax/tex-chtml.js" async>',
    ]
    assert _get(server, "/q/no_such_question")[0] == 404
    assert _get(server, f"/q/{Q}", token=None)[0] == 403


def test_the_server_serves_its_script_and_mathjax_and_no_other_file(server):
    status, headers, script = _get(server, "/static/handgrade.js", token=None)
    assert status == 200 and "window.MathJax" in script and headers["Content-Security-Policy"] == H.CSP
    for path in (
        "/mathjax/../../package.json",
        "/mathjax/%2e%2e/%2e%2e/package.json",
        "/static/../handgrade.py",
        "/mathjax/../../../../autograder/term/handgrade.py",
    ):
        assert _get(server, path, token=None)[0] == 404, path
    if (H.MATHJAX / "tex-chtml.js").is_file():
        status, headers, _ = _get(server, "/mathjax/tex-chtml.js", token=None)
        assert status == 200 and headers["Content-Type"].startswith("text/javascript")


def test_the_pages_are_served_on_the_loopback_interface_only(course, capsys):
    from autograder.__main__ import main

    for host in ("0.0.0.0", "192.0.2.1", "example.org"):
        with pytest.raises(H.HandGradeError, match="not a loopback address"):
            H.HandGradeServer(H.HandGrading(course, A), host=host)
    assert main(["handgrade", "ps01", "--course", str(course), "--host", "0.0.0.0"]) == 2
    assert "not a loopback address" in capsys.readouterr().err


def test_a_students_html_is_shown_as_text(server):
    bob = _card(_get(server, f"/q/{Q}")[2], "bob")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in bob and "<script" not in bob
    assert "&lt;img src=http://127.0.0.1:9/pixel.png&gt;" in bob
    assert "<img" not in bob and "onerror=alert(2)" in bob  # the diagram's source, as text
    assert "[image not shown: http://example.invalid/chart.png (chart)]" in bob
    assert 'href="#harmful-link"' in bob and "javascript:" not in bob


@pytest.mark.parametrize("text", ["a < b & c", "&lt;b&gt; and &amp;", "<i>x</i> $a<b$"])
def test_an_inert_notebooks_answer_shows_as_written(text):
    # the graded notebook holds answers escaped by autograder.grading.inert; the page escapes by itself
    assert unescape_markdown(escape_markdown(text)) == text
    assert H.render_markdown(unescape_markdown(escape_markdown(text))) == H.render_markdown(text)


def test_the_model_answer_is_the_text_between_the_solution_markers():
    assert H.model_answer("Intro\n### BEGIN SOLUTION\nThe answer.\n$x$\n### END SOLUTION\nafter") == "The answer.\n$x$"
    assert H.model_answer("No markers at all.") == "No markers at all."


# -- saving --------------------------------------------------------------------------------------
def test_a_save_writes_what_the_formgrader_writes_and_a_regrade_keeps_it(server, course):
    from nbgrader.preprocessors import SaveAutoGrades
    from traitlets.config import Config

    from autograder.grading.recheck import SaveGrades
    from autograder.grading.scoring import answers_in

    status, headers, _ = _save(server, accept="text/html")  # the form without the page's script
    assert status == 303 and headers["Location"].endswith(f"/q/{Q}?token={server.token}#student-ada")
    status, _, body = _save(server, score="3", comment="Clear, and the split is right.")
    assert status == 200 and json.loads(body)["message"] == "saved: 3 / 3"
    assert _grade(course, "ada") == {
        "manual_score": 3.0,
        "needs_manual_grade": False,
        "manual_comment": "Clear, and the split is right.",
        "score": 3.0,
    }
    # a regrade: stock nbgrader's autograde marks every hand-graded answer "needs manual grade"
    # again; the run's SaveGrades (recheck.preprocessors) leaves it off where the answer is the one
    # graded (its answers of the last run: scoring.remember_earlier)
    db = f"sqlite:///{course / 'gradebook.db'}"
    for save in (SaveAutoGrades, SaveGrades):
        for student in ANSWERS:
            path = course / "autograded" / student / A / f"{A}.ipynb"
            config = Config({"SaveGrades": {"earlier_answers": answers_in(path)}})
            resources = {"nbgrader": {"notebook": A, "assignment": A, "student": student, "db_url": db}}
            save(config=config).preprocess(nbformat.read(path, 4), resources)
        if save is SaveAutoGrades:
            assert _grade(course, "ada")["needs_manual_grade"] is True
    assert _grade(course, "ada")["needs_manual_grade"] is False, "the page's hand grade was not kept"
    assert _grade(course, "cy")["needs_manual_grade"] is False, "the formgrader's hand grade was not kept"
    assert _grade(course, "bob")["needs_manual_grade"] is True


def test_a_save_without_the_token_is_refused(server, course):
    before = _grade(course, "ada")
    assert _save(server, token=None)[0] == 403
    wrong = server.token[:-1] + ("y" if server.token.endswith("x") else "x")  # never the token itself
    status, _, body = _save(server, token=wrong)
    assert status == 403 and "token" in json.loads(body)["message"]
    assert _grade(course, "ada") == before


@pytest.mark.parametrize("score", ["-0.5", "3.5", "three", "nan", "inf", ""])
def test_a_score_outside_the_points_or_not_a_number_is_refused(server, course, score):
    before = _grade(course, "cy")
    status, _, body = _save(server, student="cy", score=score)
    assert status == 400, body
    assert "the score must be a number from 0 to 3" in json.loads(body)["message"]
    assert _grade(course, "cy") == before
    assert _save(server, student="nobody")[0] == 404
    assert _save(server, question="explain_nothing")[0] == 404


# -- feedback (Part B) ---------------------------------------------------------------------------
def _feedback(course: Path, student: str) -> str:
    return (course / "feedback" / student / A / f"{A}.html").read_text()


def _explain_heading(html: str) -> str:
    """The heading line of the explain answer in a feedback page."""
    return html.split(f'<a name="{Q}"></a>')[1].split("</div>")[0]


def test_feedback_says_not_graded_yet_until_the_answer_is_graded_by_hand(server, course, monkeypatch):
    from nbgrader.apps import NbGraderAPI

    from autograder.__main__ import main
    from autograder.grading.worker import course_config

    automatic = auto_points(nbformat.read(course / "source" / A / f"{A}.ipynb", 4))
    assert main(["feedback", A, "--course", str(course)]) == 0  # make feedback
    before = _feedback(course, "ada")
    assert "not graded yet, 3 points" in _explain_heading(before)
    assert not re.search(r"0(\.0)? / 3", _explain_heading(before)), "the ungraded answer shows a score of 0"
    assert f"Score: {automatic:g} / {automatic + 3:g} (3 points not graded yet)" in before
    graded = _feedback(course, "cy")
    assert "Score: 2.0 / 3.0" in _explain_heading(graded) and "not graded yet" not in graded
    assert f"Score: {automatic + 2:g} / {automatic + 3:g}</h4>" in graded

    assert _save(server, score="2.5")[0] == 200
    monkeypatch.chdir(course)  # as the grading run's worker writes feedback
    assert NbGraderAPI(config=course_config(course)).generate_feedback(A, "ada", force=True)["success"]
    after = _feedback(course, "ada")
    assert "Score: 2.5 / 3.0" in _explain_heading(after) and "not graded yet" not in after
    # the comment saved with it, where the feedback's leak scan reads comments
    assert "Right, but no split proposed." in leakscan.produced_text(after)


def test_the_feedback_template_marks_code_answers_not_graded_yet_too():
    """A hand-graded code answer (none of the course's sets has one yet) gets the same words."""
    import nbgrader
    from nbconvert.exporters import HTMLExporter
    from nbformat.v4 import new_code_cell, new_notebook
    from traitlets.config import Config

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    c = Config()  # what nbgrader's GenerateFeedback and the course's config set
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.extra_template_basedirs = [str(formgrader / "templates")]
    c.HTMLExporter.extra_template_paths = [str(formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    c.HTMLExporter.template_file = str(REPO / "autograder" / "grading" / "templates" / "feedback.html.j2")
    c.HTMLExporter.filters = course_config().GenerateFeedback.HTMLExporter.filters  # the template uses them
    grading = {"grade": True, "solution": True, "grade_id": "code_answer", "points": 2, "score": 0.0}
    nb = new_notebook(
        cells=[new_code_cell("def f():\n    return 1", metadata={"nbgrader": {**grading, "not_graded_yet": True}})]
    )
    page, _ = HTMLExporter(config=c).from_notebook_node(
        nb,
        resources={
            "nbgrader": {"notebook": A, "score": 0.0, "max_score": 2.0, "late_penalty": 0, "pending_points": 2.0}
        },
    )
    assert "Coding free-response</a> (not graded yet, 2 points)" in page
    assert '<span class="pull-right not-graded-yet">not graded yet, 2 points' in page
    assert "Score: 0 / 2 (2 points not graded yet)</h4>" in page and "0.0 / 2" not in page


# -- in the browser ------------------------------------------------------------------------------
@pytest.mark.browser
def test_in_the_browser_formulas_render_and_a_score_is_saved(server, course, chromium):
    # make test and make test-browser install it (mathjax-deps): missing, the page cannot do its job
    assert (H.MATHJAX / "tex-chtml.js").is_file(), "MathJax is not installed: run make mathjax-deps"
    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{_base(server)}/q/{Q}?token={server.token}")
        ada = page.locator("#student-ada")
        ada.locator("mjx-container").first.wait_for(timeout=20_000)  # MathJax typeset $h_t$
        assert ada.locator("mjx-container").count() == 2  # $h_t$ and the $$...$$
        assert page.evaluate("window.__pwned") is None, "a student's script ran"
        ada.locator("input[name=score]").fill("2.5")
        ada.locator("textarea[name=comment]").fill("Right, but no split proposed.")
        ada.get_by_role("button", name="Save").click()
        # (the page's policy forbids evaluating strings, which wait_for_function does: expect() polls)
        expect(ada.locator("output.saved")).to_have_text("saved: 2.5 / 3")
        expect(page.locator("#pending-count")).to_have_text("1")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "handgrade.png"))
    finally:
        page.close()
    assert _grade(course, "ada") == {
        "manual_score": 2.5,
        "needs_manual_grade": False,
        "manual_comment": "Right, but no split proposed.",
        "score": 2.5,
    }
    assert all(url.startswith(_base(server) + "/") for url in requests), [
        u for u in requests if not u.startswith(_base(server))
    ]
    assert any("/mathjax/output/chtml/fonts/woff-v2/" in url for url in requests), "MathJax's fonts were not served"
    assert not errors, errors


def test_the_re_check_s_verdict_is_saved_with_the_grade(course):
    """recheck.SaveGrades is nbgrader's SaveAutoGrades with the re-check's verdict (Judge puts it in
    the resources): a taken-back test scores 0 in the one save, a held one waits for a hand grade,
    and the answer's comment says why after what nbgrader says."""
    from nbgrader.api import Gradebook

    from autograder.grading.recheck import SaveGrades

    path = course / "autograded" / "bob" / A / f"{A}.ipynb"
    nb = nbformat.read(path, 4)
    tests = [
        c.metadata.nbgrader.grade_id
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata.nbgrader.get("solution")
    ]
    taken, held = tests[0], tests[1]
    db = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(db) as gb:
        assert gb.find_grade(taken, A, A, "bob").auto_score > 0, "the test passes as nbgrader saved it"
    verdict = {"deducted": {taken, held}, "held": [held], "comments": {Q: ["Why, in a sentence."]}}
    resources = {"nbgrader": {"notebook": A, "assignment": A, "student": "bob", "db_url": db}}
    resources["rnnlab_recheck"] = verdict
    SaveGrades().preprocess(nb, resources)
    with Gradebook(db) as gb:
        assert gb.find_grade(taken, A, A, "bob").auto_score == 0
        assert not gb.find_grade(taken, A, A, "bob").needs_manual_grade
        assert gb.find_grade(held, A, A, "bob").needs_manual_grade
        assert gb.find_comment(Q, A, A, "bob").auto_comment.endswith("Why, in a sentence.")
