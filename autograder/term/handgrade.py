"""Hand grading by question: `make hand-grade ASSIGNMENT=ps03` (`serve`) serves, on the loopback interface,
one page per manually graded question: its model answer from source/ beside every student's answer, each
with a score, a comment and a Save that writes the gradebook as the formgrader's own API does. How the
pages are guarded: docs/grading.md, "The hand-grading pages"."""

from __future__ import annotations

import contextlib
import hmac
import html
import ipaddress
import json
import math
import secrets
import socket
import sys
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat

from ..course.folder import REPO, gradebook_url, is_file_gradebook
from ..course.student_text import markdown_html as render_markdown
from ..course.student_text import unescape_markdown
from ..gradebook.report import refresh

STATIC = Path(__file__).resolve().parent / "handgrade_static"
MATHJAX = REPO / "deploy" / "mathjax" / "node_modules" / "mathjax" / "es5"
ASSETS = {"handgrade.js": "text/javascript; charset=utf-8", "handgrade.css": "text/css; charset=utf-8"}
MATHJAX_TYPES = {".js": "text/javascript; charset=utf-8", ".woff": "font/woff", ".json": "application/json"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
    "img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HTML = "text/html; charset=utf-8"
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
MAX_BODY = 256 * 1024  # bytes of one save request
MAX_COMMENT = 20_000  # characters of one comment


class HandGradeError(RuntimeError):
    """The pages cannot be served: one sentence says why."""


@dataclass
class Question:
    grade_id: str
    notebook: str
    points: float
    prompt: str  # the markdown cell above the answer cell in source/ (the exercise), or ""
    model: str  # the model answer


@dataclass
class Answer:
    student: str
    text: str
    max_score: float
    auto_score: float | None
    manual_score: float | None
    needs_manual_grade: bool
    manual_comment: str | None
    auto_comment: str | None

    @property
    def state(self) -> str:
        """pending (no one scored it), changed (scored, but the answer changed since) or graded."""
        if not self.needs_manual_grade:
            return "graded"
        return "pending" if self.manual_score is None else "changed"


def model_answer(source: str) -> str:
    """The lines between a source cell's BEGIN SOLUTION and END SOLUTION markers, else the whole cell."""
    lines = source.splitlines()
    begin = next((n for n, line in enumerate(lines) if "BEGIN SOLUTION" in line), None)
    if begin is None:
        return source.strip()
    end = next((n for n in range(begin + 1, len(lines)) if "END SOLUTION" in lines[n]), len(lines))
    return "\n".join(lines[begin + 1 : end]).strip()


def questions(course: Path, assignment: str) -> list[Question]:
    """The manually graded answer cells (grade and solution) of the assignment in source/, in order."""
    found = []
    for path in sorted((course / "source" / assignment).glob("*.ipynb")):
        cells = nbformat.read(path, 4).cells
        for n, cell in enumerate(cells):
            grading = cell.metadata.get("nbgrader", {})
            if not (grading.get("grade") and grading.get("solution") and grading.get("grade_id")):
                continue
            above = cells[n - 1] if n else None
            is_prompt = above is not None and above.cell_type == "markdown" and "nbgrader" not in above.metadata
            points = float(grading.get("points", 0))
            prompt = above.source if is_prompt else ""
            found.append(Question(grading["grade_id"], path.stem, points, prompt, model_answer(cell.source)))
    return found


# -- the gradebook -----------------------------------------------------------------------------
class HandGrading:
    """One assignment's hand-graded questions, answers and saves, on a course's gradebook."""

    def __init__(self, course: Path, assignment: str):
        self.course, self.assignment = Path(course).resolve(), assignment
        self.db_url = gradebook_url(self.course)
        self.lock = threading.Lock()
        self._answers: dict = {}  # notebook path -> (its mtime, its answers by grade id)
        if is_file_gradebook(self.db_url) and not (self.course / "gradebook.db").is_file():
            raise HandGradeError(f"{self.course} has no gradebook.db: grade the class first (make autograde)")
        self.questions = {q.grade_id: q for q in questions(self.course, assignment)}
        if not self.questions:
            raise HandGradeError(f"{assignment} has no answer graded by hand in source/{assignment}/")
        from nbgrader.api import MissingEntry

        with self.gradebook() as gb:
            try:
                gb.find_assignment(assignment)
            except MissingEntry:
                raise HandGradeError(
                    f"{assignment} is not in {self.course}'s gradebook yet: grade it first (make autograde)"
                ) from None

    def gradebook(self):
        from nbgrader.api import Gradebook

        return Gradebook(self.db_url)

    def answer_text(self, student: str, question: Question) -> str | None:
        """The student's answer in their graded notebook, as they wrote it; None without one."""
        path = self.course / "autograded" / student / self.assignment / f"{question.notebook}.ipynb"
        try:
            mtime = path.stat().st_mtime_ns
            if self._answers.get(path, (None,))[0] != mtime:  # read again after a regrade
                meta = [(c.metadata.get("nbgrader"), c.source) for c in nbformat.read(path, 4).cells]
                ids = {m["grade_id"]: source for m, source in meta if isinstance(m, dict) and m.get("grade_id")}
                self._answers[path] = (mtime, ids)
            text = self._answers[path][1].get(question.grade_id)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return None if text is None else unescape_markdown(text)

    def answers(self, question: Question) -> list[Answer]:
        """Every graded student's answer to `question`: pending first, then changed, then graded; by id."""
        from nbgrader.api import MissingEntry

        found = []
        with self.lock, self.gradebook() as gb:
            try:
                submitted_notebooks = gb.find_notebook(question.notebook, self.assignment).submissions
            except MissingEntry:  # a notebook of source/ not generated yet
                submitted_notebooks = []
            for submitted in submitted_notebooks:
                grade = next((g for g in submitted.grades if g.name == question.grade_id), None)
                comment = next((c for c in submitted.comments if c.name == question.grade_id), None)
                text = self.answer_text(submitted.student.id, question)
                if grade is None or text is None:
                    continue  # no graded notebook (an extension granted, say)
                scores = (
                    float(grade.max_score or 0),
                    grade.auto_score,
                    grade.manual_score,
                    bool(grade.needs_manual_grade),
                )
                comments = (comment.manual_comment, comment.auto_comment) if comment else (None, None)
                found.append(Answer(submitted.student.id, text, *scores, *comments))
        order = {"pending": 0, "changed": 1, "graded": 2}
        return sorted(found, key=lambda a: (order[a.state], a.student))

    def save(self, grade_id: str, student: str, score_text: str, comment_text: str) -> tuple[int, dict]:
        """Write a hand grade as the formgrader does: (HTTP status, reply). A score that is not a number from
        0 to the question's points is refused (400) and nothing is written."""
        from nbgrader.api import MissingEntry

        question = self.questions.get(grade_id)
        if question is None:
            return 404, {"message": f"{self.assignment} has no hand-graded question {grade_id!r}"}
        if len(comment_text) > MAX_COMMENT:
            return 400, {"message": f"the comment is longer than {MAX_COMMENT} characters"}
        with self.lock, self.gradebook() as gb:
            try:
                grade = gb.find_grade(grade_id, question.notebook, self.assignment, student)
                comment = gb.find_comment(grade_id, question.notebook, self.assignment, student)
            except MissingEntry:
                return 404, {"message": f"no graded submission of {self.assignment} by {student!r}"}
            top = float(grade.max_score or 0)
            try:
                score = float(score_text.strip())
            except ValueError:
                score = math.nan
            if not (math.isfinite(score) and 0 <= score <= top):
                return 400, {
                    "message": f"not saved: the score must be a number from 0 to {top:g} "
                    f"(got {score_text.strip()[:40]!r})"
                }
            grade.manual_score = score
            grade.needs_manual_grade = False  # a score is set (the formgrader's PUT /api/grade)
            # a blank comment leaves nbgrader's own ("No response." for an unanswered cell)
            comment.manual_comment = comment_text if comment_text.strip() else None
            gb.db.commit()
            stale = self.refresh_reports(student)
        saved = f"saved: {score:g} / {top:g}{stale}"
        return 200, {"message": saved, "score": score, "max_score": top, "student": student, "question": grade_id}

    def refresh_reports(self, student: str) -> str:
        """The reports again with the final score the new grade gives `student` (that row alone); '' when
        done, else a sentence to add to the reply (the grade itself is saved)."""
        try:
            refresh(self.course, self.assignment, {student})
        except Exception as err:
            return (
                f"; the reports could not be written again ({type(err).__name__}: {str(err)[:200]}): "
                f"make feedback ASSIGNMENT={self.assignment} does it"
            )
        return ""


# -- pages -------------------------------------------------------------------------------------
def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _head(title: str) -> str:
    mathjax = '<script src="/mathjax/tex-chtml.js" async></script>' if (MATHJAX / "tex-chtml.js").is_file() else ""
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n<title>{_e(title)}</title>\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<link rel="stylesheet" href="/static/handgrade.css">\n'
        f'<script src="/static/handgrade.js"></script>\n{mathjax}\n</head>\n'
    )


def index_page(grading: HandGrading, token: str) -> str:
    rows = []
    for q in grading.questions.values():
        answers = grading.answers(q)
        graded = sum(a.state == "graded" for a in answers)
        pending = len(answers) - graded
        link = f"/q/{urllib.parse.quote(q.grade_id)}?token={token}"
        rows.append(
            f'<tr><td><a href="{_e(link)}">{_e(q.grade_id)}</a></td><td>{q.points:g}</td>'
            f'<td class="graded-count">{graded}</td><td class="pending-count">{pending}</td></tr>'
        )
    return (
        _head(f"{grading.assignment}: hand grading")
        + f'<body class="tex2jax_ignore index"><h1>{_e(grading.assignment)}: answers graded by hand</h1>\n'
        "<table><thead><tr><th>question</th><th>points</th><th>graded</th><th>not graded yet</th></tr></thead>\n"
        f"<tbody>{''.join(rows)}</tbody></table>\n"
        "<p>Scores and comments go into the gradebook, as the formgrader's do; afterwards run "
        f"<code>make feedback ASSIGNMENT={_e(grading.assignment)}</code>.</p></body></html>\n"
    )


STATES = {"pending": "not graded yet", "changed": "changed since it was graded: look again", "graded": "graded"}


def _answer_card(answer: Answer, question: Question, token: str) -> str:
    auto = "" if answer.auto_score is None else f' placeholder="{answer.auto_score:g} (automatic)"'
    value = "" if answer.manual_score is None else f' value="{answer.manual_score:g}"'
    note = f'<p class="auto-comment">nbgrader: {_e(answer.auto_comment)}</p>' if answer.auto_comment else ""
    anchor = f"student-{answer.student}"
    return (
        f'<section class="answer {answer.state}" id="{_e(anchor)}">\n'
        f'<h3><span class="student">{_e(answer.student)}</span> '
        f'<span class="status">{STATES[answer.state]}</span></h3>\n'
        f'<div class="md tex2jax_process">{render_markdown(answer.text)}</div>\n{note}'
        '<form class="grade-form" method="post" action="/save">\n'
        f'<input type="hidden" name="token" value="{_e(token)}">'
        f'<input type="hidden" name="question" value="{_e(question.grade_id)}">'
        f'<input type="hidden" name="student" value="{_e(answer.student)}">\n'
        f'<label>Score <input type="number" name="score" min="0" max="{answer.max_score:g}" step="0.5" '
        f"required{value}{auto}> / {answer.max_score:g}</label>\n"
        f'<label class="comment">Comment <textarea name="comment" rows="3">{_e(answer.manual_comment or "")}'
        "</textarea></label>\n"
        '<button type="submit">Save</button> <output class="saved" aria-live="polite"></output>\n'
        "</form></section>\n"
    )


def question_page(grading: HandGrading, question: Question, token: str) -> str:
    answers = grading.answers(question)
    pending = sum(a.state != "graded" for a in answers)
    prompt = (
        f'<h2>Question</h2><div class="md tex2jax_process">{render_markdown(question.prompt)}</div>'
        if question.prompt.strip()
        else ""
    )
    return (
        _head(f"{question.grade_id}: {grading.assignment}") + '<body class="tex2jax_ignore question">\n<header>'
        f'<a href="/?token={_e(token)}">all questions of {_e(grading.assignment)}</a>'
        f"<h1>{_e(question.grade_id)} <small>({question.points:g} points)</small></h1>"
        f'<p><span id="answer-count">{len(answers)}</span> answers, '
        f'<span id="pending-count">{pending}</span> not graded yet '
        '<button type="button" id="save-all">Save all changed</button></p></header>\n'
        '<div class="layout">\n<aside class="model">'
        f'{prompt}<h2>Model answer</h2><div class="md tex2jax_process">{render_markdown(question.model)}</div>'
        '</aside>\n<main class="answers">\n'
        + (
            "".join(_answer_card(a, question, token) for a in answers)
            or "<p>No graded notebook holds an answer to this question yet.</p>"
        )
        + "</main></div></body></html>\n"
    )


# -- the server --------------------------------------------------------------------------------
class Handler(BaseHTTPRequestHandler):
    server: HandGradeServer
    server_version = "rnnlab-handgrade"
    sys_version = ""

    def log_request(self, code="-", size="-"):
        # never the query string: it holds the token
        self.server.log(f"{self.command} {urllib.parse.urlsplit(self.path).path} {code}")

    def log_message(self, format, *args):
        self.server.log(format % args)

    def reply(self, code: int, body: str | bytes, content_type: str = HTML, headers: dict | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(code)
        headers = {"Content-Type": content_type, "Content-Length": str(len(data)), **HEADERS, **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def refuse(self, code: int, message: str) -> None:
        if "application/json" in self.headers.get("Accept", ""):
            return self.reply(code, json.dumps({"message": message}), "application/json")
        body = f'<body class="tex2jax_ignore"><p class="error">{_e(message)}</p></body></html>\n'
        self.reply(code, _head("hand grading") + body)

    def host_ok(self) -> bool:
        """The Host header names this server (no other site reads ours through a name that resolves here)."""
        port = self.server.server_address[1]
        return self.headers.get("Host", "") in {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}

    def token_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.server.token.encode())

    def do_GET(self):
        self.guarded(self.get)

    def do_POST(self):
        self.guarded(self.post)

    def guarded(self, handle) -> None:
        """`handle` the request; a fault of this server is a 500 with one line, not a dropped connection."""
        try:
            handle()
        except Exception as err:
            self.server.log(f"{self.command} {urllib.parse.urlsplit(self.path).path}: {type(err).__name__}: {err}")
            self.refuse(500, f"the hand-grading server failed: {type(err).__name__}: {str(err)[:200]}")

    def get(self) -> None:
        if not self.host_ok():
            return self.refuse(403, "unknown host")
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/static/"):
            name = url.path.removeprefix("/static/")
            if name not in ASSETS:
                return self.refuse(404, "not found")
            return self.reply(200, (STATIC / name).read_bytes(), ASSETS[name])
        if url.path.startswith("/mathjax/"):
            return self.mathjax(url.path.removeprefix("/mathjax/"))
        if url.path == "/favicon.ico":  # the browser asks for it on every page
            return self.reply(204, b"", "image/x-icon")
        token = urllib.parse.parse_qs(url.query).get("token", [None])[0]
        if not self.token_ok(token):
            return self.refuse(403, "open the address `make hand-grade` printed: it holds the token")
        grading = self.server.grading
        if url.path == "/":
            return self.reply(200, index_page(grading, token))
        if url.path.startswith("/q/"):
            question = grading.questions.get(urllib.parse.unquote(url.path.removeprefix("/q/")))
            if question is not None:
                return self.reply(200, question_page(grading, question, token))
        return self.refuse(404, "not found")

    def mathjax(self, relative: str) -> None:
        """A file of MathJax's es5 folder (its components and fonts), nothing outside it."""
        root = MATHJAX.resolve()
        path = (root / urllib.parse.unquote(relative)).resolve()
        if not path.is_relative_to(root) or not path.is_file() or path.suffix not in MATHJAX_TYPES:
            return self.refuse(404, "not found (is MathJax installed? make mathjax-deps)")
        self.reply(200, path.read_bytes(), MATHJAX_TYPES[path.suffix], {"Cache-Control": "max-age=3600"})

    def post(self) -> None:
        if not self.host_ok():
            return self.refuse(403, "unknown host")
        if urllib.parse.urlsplit(self.path).path != "/save":
            return self.refuse(404, "not found")
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            return self.refuse(400, "the request's body is missing or too large")
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        form = urllib.parse.parse_qs(body, keep_blank_values=True, max_num_fields=20)
        field = {name: values[0] for name, values in form.items()}
        if not self.token_ok(field.get("token")):
            why = "the token is missing or wrong (open the address make hand-grade printed)"
            return self.refuse(403, f"not saved: {why}")
        question, student, score, comment = (field.get(k, "") for k in ("question", "student", "score", "comment"))
        code, answer = self.server.grading.save(question, student, score, comment)
        if code != 200:
            return self.refuse(code, answer["message"])
        self.server.log(f"{answer['question']} of {answer['student']}: {answer['message']}")
        if "application/json" in self.headers.get("Accept", ""):
            return self.reply(200, json.dumps(answer), "application/json")
        back = (
            f"/q/{urllib.parse.quote(answer['question'])}?token={self.server.token}"
            f"#student-{urllib.parse.quote(answer['student'])}"
        )
        self.reply(303, "", headers={"Location": back})


class HandGradeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, grading: HandGrading, host: str = "127.0.0.1", port: int = 0, log=print):
        if not _loopback(host):
            raise HandGradeError(
                f"{host} is not a loopback address: the pages show students' answers and "
                "are served without encryption, so only 127.0.0.1 (or ::1) is allowed"
            )
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)
        self.grading, self.log = grading, log
        self.token = secrets.token_urlsafe(24)

    @property
    def url(self) -> str:
        host = self.server_address[0]
        return f"http://{'[' + host + ']' if ':' in host else host}:{self.server_address[1]}/?token={self.token}"


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(course: Path, assignment: str, host: str = "127.0.0.1", port: int = 0) -> int:
    """Serve the pages until interrupted; 2 (with the reason) if they cannot be served."""
    try:
        server = HandGradeServer(HandGrading(course, assignment), host, port, log=lambda t: print(t, file=sys.stderr))
    except (HandGradeError, OSError) as err:
        print(f"hand-grade: {err}", file=sys.stderr)
        return 2
    if not (MATHJAX / "tex-chtml.js").is_file():
        print("MathJax is not installed (make mathjax-deps): formulas show as LaTeX source")
    print(f"Hand grading of {assignment}: open\n    {server.url}\n(Ctrl-C to stop)")
    try:
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    finally:
        server.server_close()
    return 0
