"""nbgrader's formgrader in a real browser, logged in."""

import contextlib
import os
import time

from autograder.authoring import fixtures as F
from support import start_jupyter, stop_server

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
