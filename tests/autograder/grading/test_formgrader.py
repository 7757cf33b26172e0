"""A hostile submission opened by the instructor in nbgrader's formgrader, in a real browser.

autograder/authoring/grader_attacks/hostile_html.py puts one JavaScript payload into an explain answer
(`<img onerror>`, `<script>`) and into text/html, application/javascript and SVG outputs. The
payload counts its runs in a page global and writes PWNED-formgrader.txt into the course
through the contents API, with the instructor's rights. The submission is graded through the
real pipeline twice: as the course grades (the graded notebook made inert), and with that step
switched off (the positive control, which proves the payload and the page would run it).
"""

import pytest

from autograder.authoring import fixtures as F
from formgrader_pages import HOSTILE, A, open_submission
from support import _need_browser

pytestmark = pytest.mark.browser


# a student's own display name (Moodle and Canvas let students edit theirs), which the formgrader's
# submission page writes unescaped beside the answer
NAME = "<img src=x onerror=window.__rnnlab_name=1>"


def name_ran(page) -> int:
    return max(frame.evaluate("window.__rnnlab_name || 0") for frame in page.frames)


# tests/autograder/course/test_student_text.py's browser test opens the same batch, graded once per pytest worker
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
