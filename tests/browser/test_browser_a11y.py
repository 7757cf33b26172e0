"""Issue 57 on the JupyterLab side: the course's pages meet WCAG 2.1 A and AA as axe-core
measures them, and every widget works with the keyboard alone.

The start page is checked here, run as a student runs it; lecture 03 in test_browser.py's
TestLecture03, which shares one run of the lecture with the gate explorer's test. The checks
themselves are in a11y.py. axe's nodes are split into the course's content (what the cells show)
and JupyterLab's own UI: only the course's are asserted; JupyterLab's go to
test-artifacts/a11y-jupyterlab.json and a one-line summary.
"""

import pytest

from a11y import check_axe
from lab_pages import A11Y_FILE, notebook_page

pytestmark = pytest.mark.browser


def test_start_page_meets_wcag_21_aa(lab):
    with notebook_page(lab, "00_start_here.ipynb") as page:
        page.locator(".rnnlab-flashcards").first.wait_for(timeout=30_000)  # the review, drawn
        check_axe(page, "00_start_here", A11Y_FILE)
