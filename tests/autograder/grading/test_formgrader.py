"""A hostile submission opened by the instructor in nbgrader's formgrader, in a real browser.

autograder/authoring/grader_attacks/hostile_html.py puts one JavaScript payload into an explain answer
(`<img onerror>`, `<script>`) and into text/html, application/javascript and SVG outputs. The
payload counts its runs in a page global and writes PWNED-formgrader.txt into the course
through the contents API, with the instructor's rights. The submission is graded through the
real pipeline twice: as the course grades (the graded notebook made inert), and with that step
switched off (the positive control, which proves the payload and the page would run it).
"""

import contextlib
import os
import time

import pytest

from autograder.authoring import fixtures as F
from conftest import _need_browser, start_jupyter, stop_server

pytestmark = pytest.mark.browser
A = "ps03_lstm_gates"
HOSTILE = next(fx for fx in F.attacks() if fx.name == "hostile_html")


@contextlib.contextmanager
def formgrader(course):
    """A Jupyter server with nbgrader's formgrader, serving `course` as the instructor would."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    server, url, token = start_jupyter(
        ["server", f"--ServerApp.root_dir={course}"], course / "formgrader.log", env, seconds=60, cwd=course
    )
    try:
        yield url, token
    finally:
        stop_server(server)


def log_in(page, url: str, token: str, path: str) -> None:
    """Log in to the server at `url` as the instructor does (a session for the whole server, as
    in JupyterLab), and land on `path`."""
    page.goto(f"{url}/login?next={path}")
    page.locator("#password_input").fill(token)
    page.locator("#password_input").press("Enter")
    page.wait_for_url(f"**{path}")


def open_submission(batch, browser, inspect=None) -> dict:
    """Open the hostile submission's page in the formgrader, in the session's shared Chromium
    (a fresh page and context); what its payload managed to do, and what `inspect(page)` found."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{batch.course / 'gradebook.db'}") as gb:
        sid = gb.find_submission_notebook(A, A, F.student_id(HOSTILE)).id
    marker = batch.course / "PWNED-formgrader.txt"
    with formgrader(batch.course) as (url, token):
        page = browser.new_page()
        try:
            # the instructor opens the submission for hand grading
            log_in(page, url, token, f"/formgrader/submissions/{sid}/")
            page.wait_for_load_state("networkidle")
            page.get_by_text("The forget gate decides what to keep.").first.wait_for()
            deadline = time.time() + 3  # give a payload time to run and its request to land
            while time.time() < deadline and not marker.exists():
                time.sleep(0.2)
            runs = max(frame.evaluate("window.__rnnlab_pwned || 0") for frame in page.frames)
            text = page.content()
            inspected = inspect(page) if inspect else None
        finally:
            page.close()
    return {"runs": runs, "file": marker.exists(), "page": text, "inspected": inspected}


# a student's own display name (Moodle and Canvas let students edit theirs), which the formgrader's
# submission page writes unescaped beside the answer
NAME = "<img src=x onerror=window.__rnnlab_name=1>"


def name_ran(page) -> int:
    return max(frame.evaluate("window.__rnnlab_name || 0") for frame in page.frames)


# tests/test_student_text.py's browser test opens the same batch, graded once per pytest worker
def test_formgrader_runs_no_script_from_a_submission(grade_batch, lab):
    from autograder.gradebook import roster

    _need_browser()
    batch = grade_batch(A, [HOSTILE], "formgrader-inert", jobs=1)
    assert batch.result(HOSTILE).status == "graded"
    roster.into_gradebook(batch.course, [roster.Entry(F.student_id(HOSTILE), f"{NAME}, Eve", "canvas", "7")])
    seen = open_submission(batch, lab[3], inspect=name_ran)
    assert seen["runs"] == 0 and not seen["file"], seen["runs"]
    assert "onerror" in seen["page"]  # the answer is shown, as text
    assert seen["inspected"] == 0 and "Eve" in seen["page"], "the roster's name ran as markup, or is not shown"


def test_positive_control_the_payload_runs_without_the_sanitising_step(grade_batch, lab):
    from nbgrader.api import Gradebook

    _need_browser()
    batch = grade_batch(A, [HOSTILE], "formgrader-raw", jobs=1, inert=False)
    with Gradebook(f"sqlite:///{batch.course / 'gradebook.db'}") as gb:  # the name as the LMS gave it
        gb.update_or_create_student(F.student_id(HOSTILE), first_name="Eve", last_name=NAME)
    seen = open_submission(batch, lab[3], inspect=name_ran)
    assert seen["runs"] >= 1, "the payload did not run even unsanitised: the test above would prove nothing"
    assert seen["file"], "the payload ran but could not write through the contents API"
    assert seen["inspected"] == 1, "a name with markup did not run unchanged: the name check above proves nothing"
