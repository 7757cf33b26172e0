"""Every path to a grade is the pipeline's (issue 50, item 1; autograder/grading/nbgrader_guard.py).

The walk of the issue, as a test: a course with a graded class (as `nbgrader autograde` leaves
it, test_handgrade's class) and one more submission, collected but not graded, whose only cell
lists `source/` into a file of the course root when it runs. A formgrader serves the course
(test_formgrader's server), and every route of nbgrader's formgrader API that writes (read from
nbgrader's own list of routes, so that a route a later nbgrader adds is not missed) is called
over HTTP, as the instructor's browser calls it. Autograde is refused with the sentence that
names `make autograde` and leaves no trace; feedback the grading withheld stays withheld, a page
that would show a hidden-test line is withheld as the pipeline withholds it, and release sends
neither. Chromium shows the sentence where the instructor clicks. `nbgrader autograde` on the
command line is refused with it too, nbgrader's Python API with the exporter replaced is refused
by the hook, and so is `validate` of the collected notebook. A positive control grades the same
submission with both guards switched off: the file appears.
"""

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.authoring import fixtures as F
from autograder.course.folder import venv_env
from support import _need_browser

A = "ps01_sequence_data"
HOSTILE = "mallory"
TRACE = "PWNED-paths.txt"
# the answer a hostile student hands in: with the instructor's rights it lists the hidden folder
PAYLOAD = (
    "import os, pathlib\n"
    "root = pathlib.Path.cwd()\n"
    "while not (root / 'nbgrader_config.py').exists():\n"
    "    root = root.parent\n"
    f"(root / {TRACE!r}).write_text('\\n'.join(os.listdir(root / 'source')))\n"
)
REFUSAL = "Autograde here would run the student's code with your rights, outside the sandbox"

# What each route of nbgrader's formgrader does when it writes, by nbgrader's handler class
# (nbgrader/server_extensions/formgrader/apihandlers.py and handlers.py). A handler missing
# here fails test_every_formgrader_route_is_known: decide what it does first.
READS = {
    "StatusHandler",
    "AssignmentCollectionHandler",
    "NotebookCollectionHandler",
    "SubmissionCollectionHandler",
    "SubmissionHandler",
    "SubmittedNotebookCollectionHandler",
    "GradeCollectionHandler",
    "CommentCollectionHandler",
    "StudentCollectionHandler",
    "StudentSubmissionCollectionHandler",
    "StudentNotebookSubmissionCollectionHandler",
    # the pages (handlers.py)
    "FormgraderHandler",
    "ManageAssignmentsHandler",
    "ManageSubmissionsHandler",
    "GradebookAssignmentsHandler",
    "GradebookNotebooksHandler",
    "GradebookNotebookSubmissionsHandler",
    "ManageStudentsHandler",
    "ManageStudentsAssignmentsHandler",
    "ManageStudentNotebookSubmissionsHandler",
    "SubmissionNavigationHandler",
    "SubmissionFilesHandler",
    "StaticFileHandler",
    "Template404",
}
WRITES = {
    "AutogradeHandler": "runs the student's code: refused",
    "GenerateFeedbackHandler": "writes feedback: checked page by page as the pipeline checks it",
    "GenerateAllFeedbackHandler": "writes feedback: checked page by page as the pipeline checks it",
    "ReleaseFeedbackHandler": "sends feedback/: no path leaves withheld feedback there",
    "ReleaseAllFeedbackHandler": "sends feedback/: no path leaves withheld feedback there",
    "GradeHandler": "the instructor's hand grade",
    "CommentHandler": "the instructor's comment",
    "FlagSubmissionHandler": "the instructor's flag",
    "AssignmentHandler": "the due date (make due)",
    "StudentHandler": "a student's name and e-mail",
    "AssignHandler": "generate_assignment from source/: the instructor's own code",
    "ReleaseHandler": "the exchange: release/ to students",
    "UnReleaseHandler": "the exchange: withdraws a release",
    "CollectHandler": "the exchange: copies submissions into submitted/ (autograder.deploying.exchange), runs nothing",
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def formgrader_routes() -> list[tuple[str, type]]:
    from nbgrader.server_extensions.formgrader import apihandlers, handlers

    return [(route[0], route[1]) for route in apihandlers.default_handlers + handlers.default_handlers]


def writes(handler: type) -> list[str]:
    """The HTTP methods `handler` answers that may change something."""
    from tornado.web import RequestHandler

    return [m for m in WRITE_METHODS if getattr(handler, m) is not getattr(RequestHandler, m)]


def test_every_formgrader_route_is_known():
    """Each route is in READS (and answers no write method) or in WRITES, with what it does."""
    unknown, reads_but_writes = [], []
    for route, handler in formgrader_routes():
        if handler.__name__ in WRITES:
            continue
        if handler.__name__ not in READS:
            unknown.append(f"{route} ({handler.__name__})")
        elif writes(handler):
            reads_but_writes.append(f"{route} ({handler.__name__}: {', '.join(writes(handler))})")
    assert not unknown, f"formgrader routes this test does not know; decide what each does: {unknown}"
    assert not reads_but_writes, f"formgrader routes listed as reading that now write: {reads_but_writes}"
    assert all(writes(h) for _, h in formgrader_routes() if h.__name__ in WRITES)


# ---------------------------------------------------------------------- the course and its server
def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def course(tmp_path_factory, request):
    """test_handgrade's graded class of ps01 (ada, bob, cy), with what nbgrader's collect and
    autograde leave beside each notebook, bob's feedback withheld by the grading run, a
    hidden-test line in the comment on cy's answer, and mallory's hostile submission collected
    into submitted/ (in the gradebook, not graded)."""
    from nbgrader.api import Gradebook

    from autograder.course.folder import STAGED
    from autograder.grading.feedbackscan import scanned_secrets, withheld_marker
    from handgraded_class import Q, _graded_class

    base = tmp_path_factory.mktemp("paths")
    course = F.make_course(base / "course", [A])
    _graded_class(course)
    (base / "exchange").mkdir()
    # the test's Jupyter servers talk to kernels over Unix sockets (support.start_jupyter), which
    # nbgrader would make in the graded notebook's folder and look for in the server's: here they
    # lie in a short folder of their own, so that a kernel nbgrader starts would run as on a laptop
    sockets = tempfile.mkdtemp(prefix="rnnlab-rt-", dir="/tmp")
    request.addfinalizer(lambda: shutil.rmtree(sockets, ignore_errors=True))
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(
            f"\nc.Exchange.root = {str(base / 'exchange')!r}\n"
            f"c.KernelManager.transport = 'ipc'\nc.KernelManager.ip = {sockets + '/kernel'!r}\n"
        )
    for student in ("ada", "bob", "cy"):
        folder = course / "autograded" / student / A
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
        (folder / "submission_secret.txt").write_text(f"secret-of-{student}")
        shutil.copytree(course / STAGED / student, course / "submitted" / student)  # as collect left it
    marker = withheld_marker(course, A, "bob")
    marker.parent.mkdir(parents=True)
    marker.write_text("feedback withheld: it contained 1 line(s) of hidden tests (by the test)\n")
    source = nbformat.read(course / "source" / A / f"{A}.ipynb", 4)
    hidden = sorted(scanned_secrets(source, nbformat.read(course / "release" / A / f"{A}.ipynb", 4)))[0]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PAYLOAD)])  # the rest deleted
    nb.metadata = nbformat.read(course / "release" / A / f"{A}.ipynb", 4).metadata
    (course / "submitted" / HOSTILE / A).mkdir(parents=True)
    nbformat.write(nb, course / "submitted" / HOSTILE / A / f"{A}.ipynb")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_student(HOSTILE)
        gb.add_submission(A, HOSTILE)
        comment = gb.find_comment(Q, A, A, "cy")
        comment.manual_comment = f"Compare with the check:\n\n    {hidden}"
        gb.db.commit()
    return course


@pytest.fixture(scope="module")
def server(course):
    from formgrader_pages import formgrader

    with formgrader(course) as (url, token):
        yield url, token


def call(server, method: str, path: str, body: dict | None = None):
    url, token = server
    request = urllib.request.Request(
        f"{url}{path}",
        method=method.upper(),
        data=json.dumps(body or {}).encode(),
        headers={"Authorization": f"token {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:
            text = answer.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()
    try:
        return 200, json.loads(text)
    except ValueError:
        return 200, text


def state(course: Path) -> dict:
    """What a run of student code or a grade outside the pipeline would change."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s.student.id: (s.score, s.code_score) for s in gb.assignment_submissions(A)}
    return {
        "trace": (course / TRACE).exists(),
        "scores": scores,
        "autograded": {str(p.relative_to(course)): _hash(p) for p in (course / "autograded").rglob("*.ipynb")},
    }


def feedback(course: Path, student: str) -> Path:
    return course / "feedback" / student / A / f"{A}.html"


def released(course: Path, student: str) -> bool:
    from nbgrader.utils import notebook_hash

    exchange = Path(course).parent / "exchange" / "rnn-deep-dive" / "feedback"
    return (exchange / f"{notebook_hash(secret=f'secret-of-{student}', notebook_id=A)}.html").exists()


@pytest.mark.browser
def test_every_formgrader_route_that_writes_is_the_pipelines_or_refused(course, server):
    from nbgrader.api import Gradebook

    from autograder.grading.feedbackscan import withheld_marker
    from handgraded_class import Q

    before = state(course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        ids = {
            "submission": gb.find_submission_notebook(A, A, HOSTILE).id,
            "grade": gb.find_grade(Q, A, A, "ada").id,
            "comment": gb.find_comment(Q, A, A, "ada").id,
        }
    # each route that writes, with the arguments an instructor's click sends, in a term's order:
    # records and hand grades, autograde, feedback, release
    calls = {
        "AssignmentHandler": [
            ("put", f"assignment/{A}", {"duedate_notimezone": "2026-12-01 12:00:00", "duedate_timezone": "UTC"})
        ],
        "StudentHandler": [("put", f"student/{HOSTILE}", {"first_name": "M", "last_name": "H", "email": ""})],
        "AssignHandler": [("post", f"assignment/{A}/assign", None)],
        "ReleaseHandler": [("post", f"assignment/{A}/release", None)],
        "UnReleaseHandler": [("post", f"assignment/{A}/unrelease", None)],
        "CollectHandler": [("post", f"assignment/{A}/collect", None)],
        "GradeHandler": [("put", f"grade/{ids['grade']}", {"manual_score": 2.0})],
        "CommentHandler": [("put", f"comment/{ids['comment']}", {"manual_comment": "Fine, but name the split."})],
        "FlagSubmissionHandler": [("post", f"submitted_notebook/{ids['submission']}/flag", None)],
        "AutogradeHandler": [("post", f"submission/{A}/{s}/autograde", None) for s in (HOSTILE, "ada")],
        "GenerateFeedbackHandler": [
            ("post", f"assignment/{A}/{s}/generate_feedback", None) for s in ("bob", "cy", "ada")
        ],
        "GenerateAllFeedbackHandler": [("post", f"assignment/{A}/generate_feedback", None)],
        "ReleaseFeedbackHandler": [("post", f"assignment/{A}/{s}/release_feedback", None) for s in ("bob", "cy")],
        "ReleaseAllFeedbackHandler": [("post", f"assignment/{A}/release_feedback", None)],
    }
    writing = {handler.__name__ for _, handler in formgrader_routes() if writes(handler)}
    assert writing == set(calls), f"routes that write and are not walked: {writing - set(calls)}"
    answers = {}
    for requests in calls.values():
        for method, path, body in requests:
            answers[f"{method} {path}"] = call(server, method, f"/formgrader/api/{path}", body)
            assert not (course / TRACE).exists(), f"{method} {path} ran the hostile submission: {answers}"
    assert all(code == 200 for code, _ in answers.values()), answers
    after = state(course)

    for student in (HOSTILE, "ada"):
        code, answer = answers[f"post submission/{A}/{student}/autograde"]
        assert code == 200 and answer["success"] is False and REFUSAL in answer["log"], answer
        assert "make autograde ASSIGNMENT=ps01_sequence_data SUBMISSIONS=submitted" in answer["log"]
    assert not (course / "autograded" / HOSTILE).exists()
    assert after["autograded"] == before["autograded"], "an autograded notebook changed"
    assert after["scores"][HOSTILE] == before["scores"][HOSTILE]
    # the withheld and the leaking page are refused, by name, and neither is written nor sent;
    # ada's is written (with the hand grade given above) and sent
    code, answer = answers[f"post assignment/{A}/bob/generate_feedback"]
    assert answer["success"] is False and "The feedback of bob for ps01_sequence_data stays withheld" in answer["log"]
    code, answer = answers[f"post assignment/{A}/cy/generate_feedback"]
    assert (
        answer["success"] is False
        and "The feedback of cy for ps01_sequence_data is withheld: it contained 1 line(s) of hidden tests"
        in answer["log"]
    ), answer
    assert withheld_marker(course, A, "cy").exists()
    assert answers[f"post assignment/{A}/ada/generate_feedback"][1]["success"], answers
    assert not feedback(course, "bob").exists() and not feedback(course, "cy").exists()
    assert feedback(course, "ada").exists() and "name the split" in feedback(course, "ada").read_text()
    assert released(course, "ada") and not released(course, "bob") and not released(course, "cy")


@pytest.mark.browser
def test_the_formgrader_shows_the_refusal_where_the_instructor_clicks(course, server, chromium):
    from formgrader_pages import log_in

    _need_browser()
    url, token = server
    page = chromium.new_page()
    try:
        log_in(page, url, token, f"/formgrader/manage_submissions/{A}/")
        row = page.locator("tr", has_text=HOSTILE)
        row.locator(".autograde a").click()
        modal = page.locator("#error-modal, #success-modal")  # what nbgrader's page opens
        modal.wait_for(timeout=60_000)
        text = modal.inner_text()
    finally:
        page.close()
    assert REFUSAL in text and "make autograde ASSIGNMENT=ps01_sequence_data SUBMISSIONS=submitted" in text, text
    assert not (course / TRACE).exists()


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=venv_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.browser
def test_autograde_elsewhere_is_refused_and_the_payload_is_real(course, tmp_path, monkeypatch):
    """`nbgrader autograde` on the command line, then nbgrader's Python API with the exporter
    replaced (the hook refuses once the kernel is up, before any cell), `validate` of the
    collected notebook, then the positive control: both switched off, stock nbgrader runs the
    payload with these rights."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.validator import Validator
    from traitlets.config import Config

    from autograder.course.folder import course_config
    from autograder.grading.nbgrader_guard import Refused

    course = Path(shutil.copytree(course, tmp_path / "course"))  # the runs below change it
    before = state(course)
    refused = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", A, "--student", HOSTILE],
        cwd=course,
        env=venv_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode == 1 and REFUSAL in refused.stderr, refused.stderr[-2000:]
    assert state(course) == before

    def autograde(**switched_off) -> dict:
        config = course_config(course)
        config.merge(Config(switched_off))
        return NbGraderAPI(config=config).autograde(A, HOSTILE)

    monkeypatch.chdir(course)
    second = autograde(Autograde={"exporter_class": "nbconvert.exporters.NotebookExporter"})
    assert not second["success"] and REFUSAL in second["log"] and not (course / TRACE).exists(), second
    # `nbgrader validate` (JupyterLab's Validate button) of the collected notebook is refused too
    collected = course / "submitted" / HOSTILE / A / f"{A}.ipynb"
    with pytest.raises(Refused, match="would run a student's code with your rights"):
        Validator(config=course_config(course)).validate(str(collected))
    assert not (course / TRACE).exists()
    autograde(Autograde={"exporter_class": "nbconvert.exporters.NotebookExporter"}, Execute={"on_notebook_start": None})
    assert (course / TRACE).exists() and A in (course / TRACE).read_text(), (
        "the payload left no trace when run: the checks above prove nothing"
    )
