"""Moving a term's gradebook from its SQLite file to PostgreSQL (autograder.term.move, `make
gradebook-move`), and cluster grading tried on one machine (autograder.deploying.trycluster,
`make try-cluster`).

The term is built through nbgrader's API and the course's own `make due` functions, without a
kernel: four students, two assignments (one of two notebooks), every kind of cell, due dates, an
extension, automatic and hand grades, extra credit, comments, a flag, a late penalty. After a
move, both databases are read again here, with sqlite3 and psycopg (not the module's check), and
compared table by table, field by field. One PostgreSQL server serves the module, a database per
test.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import queue
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import psycopg
import pytest
from sqlalchemy.engine import make_url

from autograder.__main__ import main
from autograder.authoring import fixtures as F
from autograder.course.folder import REPO
from autograder.deploying.pgserver import another_database
from autograder.term.due import due_time, extend, set_due
from autograder.term.move import check, move
from cluster_support import A

# nbgrader's add_submission builds its rows before adding them to the session, and SQLAlchemy says so
pytestmark = pytest.mark.filterwarnings("ignore:Object of type <Submitted:sqlalchemy.exc.SAWarning")
COURSE_ID = "rnn-deep-dive"
STUDENTS = {
    "alice": dict(first_name="Alice", last_name="Liddell", email="alice@example.org", lms_user_id="1201"),
    "zoe": dict(first_name="Zoë", last_name="Ñúñez-O'Brien", lms_user_id="1202"),
    "bob": {},
    "no-show": dict(first_name="Nora", email="nora@example.org"),
}
NOTEBOOKS = {"ps01_alpha": ["ps01_alpha"], "ps02_beta": ["ps02_beta", "ps02_extra"]}
SOURCES = [
    ("intro", "markdown", True, '# Gates\n\nRead §2 "the forget gate" first.\t✓\n'),
    ("q1-code", "code", False, "def step(x, h):\n    ### BEGIN SOLUTION\n    return x + h\n    ### END SOLUTION\n"),
    ("q1-test", "code", True, "assert step(1, 2) == 3\n### BEGIN HIDDEN TESTS\nassert step(0, 0) == 0\n"),
    ("q2-explain", "markdown", False, "YOUR ANSWER HERE"),
    ("task", "markdown", True, "Describe what the plot shows."),
]
PASSWORD = "s3cret-never-shown"


def term_gradebook(course: Path) -> None:
    """A term's gradebook.db in `course`, with a row in every table of nbgrader's schema."""
    from nbgrader.api import Gradebook

    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url, COURSE_ID) as gb:
        for student, details in STUDENTS.items():
            gb.update_or_create_student(student, **details)
        for assignment, notebooks in NOTEBOOKS.items():
            gb.update_or_create_assignment(assignment)
            for nb in notebooks:
                gb.update_or_create_notebook(nb, assignment, kernelspec=json.dumps({"name": "python3"}))
                gb.update_or_create_grade_cell("q1-test", nb, assignment, max_score=2.5, cell_type="code")
                gb.update_or_create_grade_cell("q2-explain", nb, assignment, max_score=3.0, cell_type="markdown")
                gb.update_or_create_solution_cell("q1-code", nb, assignment)
                gb.update_or_create_solution_cell("q2-explain", nb, assignment)
                gb.update_or_create_task_cell("task", nb, assignment, max_score=1.0, cell_type="markdown")
                for name, kind, locked, text in SOURCES:
                    gb.update_or_create_source_cell(
                        name,
                        nb,
                        assignment,
                        cell_type=kind,
                        locked=locked,
                        source=text,
                        checksum=hashlib.sha256(text.encode()).hexdigest(),
                    )
    # the course's own commands (make due): due dates, and zoe's extension, which makes her submission
    set_due(course, "ps01_alpha", dt.datetime(2026, 12, 1, 22, 59, 0, 250000))
    set_due(course, "ps02_beta", due_time("2026-12-15 23:59 Europe/Berlin"))
    extend(course, "ps01_alpha", "zoe", days=2, hours=3)
    with Gradebook(url, COURSE_ID) as gb:
        gb.update_or_create_submission("ps01_alpha", "zoe", timestamp="2026-12-03 10:15:42.123456 UTC")
        for student in ("alice", "bob"):
            for assignment in NOTEBOOKS:
                gb.add_submission(assignment, student, timestamp=f"2026-12-0{len(student)} 09:00:00 UTC")
        for n, submission in enumerate(sub for a in NOTEBOOKS for sub in gb.assignment_submissions(a)):
            for nb in submission.notebooks:
                nb.flagged = submission.student_id == "bob"
                nb.late_submission_penalty = 1.5 if submission.student_id == "zoe" else None
                for grade in nb.grades:
                    code = grade.cell.cell_type == "code"
                    grade.auto_score = (0.1 + 0.2) * n if code else None
                    grade.needs_manual_grade = not code
                    if grade.name == "q2-explain" and submission.student_id == "alice":  # a hand grade
                        grade.manual_score, grade.extra_credit, grade.needs_manual_grade = 2.5, 0.5, False
                for comment in nb.comments:
                    comment.auto_comment = (
                        "Mistake: the gates in the order i, f, o, g\n<b>not</b> i, f, g, o" if n % 2 else None
                    )
                    if comment.name == "q2-explain" and submission.student_id != "bob":
                        comment.manual_comment = f'Good — but see §3 "gates" ({submission.student_id})'
        gb.db.commit()


# -- an independent read of both databases ---------------------------------------------------
def sqlite_tables(path: Path) -> dict[str, list[dict]]:
    """Every table of a SQLite file, each row as {column: value}, values as PostgreSQL returns them."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = {}
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            kinds = {row[1]: row[2].upper() for row in con.execute(f"PRAGMA table_info({name})")}
            cursor = con.execute(f"SELECT * FROM {name}")
            columns = [d[0] for d in cursor.description]
            found[name] = sorted(
                ({c: _as_postgres(v, kinds[c], c == "extension") for c, v in zip(columns, row)} for row in cursor),
                key=repr,
            )
        return found
    finally:
        con.close()


def _as_postgres(value, kind: str, interval: bool):
    if value is None:
        return None
    if interval:  # nbgrader's Interval, which SQLite keeps as a time after 1970-01-01
        return dt.datetime.fromisoformat(value) - dt.datetime(1970, 1, 1)
    if kind == "BOOLEAN":
        return bool(value)
    if kind == "DATETIME":
        return dt.datetime.fromisoformat(value)
    if kind == "FLOAT":
        return float(value)
    return value


def connect(url: str) -> psycopg.Connection:
    u = make_url(url)
    return psycopg.connect(host=u.query["host"], user=u.username, dbname=u.database, autocommit=True)


def postgres_tables(url: str) -> dict[str, list[dict]]:
    with connect(url) as conn:
        names = [
            n for (n,) in conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        ]
        found = {}
        for name in names:
            cursor = conn.execute(f'SELECT * FROM "{name}"')
            columns = [d.name for d in cursor.description]
            found[name] = sorted((dict(zip(columns, row)) for row in cursor), key=repr)
        return found


def file_state(path: Path) -> tuple:
    """A file's bytes and time, and whether SQLite left a journal beside it."""
    stat = path.stat()
    beside = sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns, beside


def command(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def term(tmp_path_factory) -> Path:
    course = F.make_course(tmp_path_factory.mktemp("term") / "course", [])
    term_gradebook(course)
    return course


@pytest.fixture(autouse=True)
def no_gradebook_in_the_environment(monkeypatch):
    monkeypatch.delenv("RNNLAB_GRADEBOOK_URL", raising=False)


def test_the_term_has_a_row_in_every_table(term):
    from nbgrader.api import Base

    rows = sqlite_tables(term / "gradebook.db")
    assert {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"} == set(rows)
    assert all(rows.values()), {name for name, held in rows.items() if not held}
    assert len(rows["student"]) == 4 and len(rows["assignment"]) == 2 and len(rows["notebook"]) == 3
    assert any(r["extension"] for r in rows["submitted_assignment"])
    assert any(r["manual_score"] is not None for r in rows["grade"])
    assert any(r["manual_comment"] for r in rows["comment"]) and any(
        r["late_submission_penalty"] for r in rows["submitted_notebook"]
    )


def test_the_whole_term_moves_and_gradebook_db_is_untouched(postgres, term):
    url = another_database(postgres, "moved")
    before = file_state(term / "gradebook.db")
    typed = url.replace("gradebook@", f"gradebook:{PASSWORD}@")  # the server trusts the socket: any password
    code, out, err = command("gradebook-move", "--to", typed, "--course", str(term))
    assert code == 0, out + err
    assert file_state(term / "gradebook.db") == before  # not a byte, not its time, no journal beside it
    assert PASSWORD not in out + err
    assert re.search(
        r"^  export RNNLAB_GRADEBOOK_URL='postgresql\+psycopg://gradebook:\*\*\*@/moved\?host=", out, re.M
    ), out
    assert "student " in out and "grade_cells " in out and "checked: every row of the 13 tables arrived" in out
    assert "nbgrader_config.py" in out

    mine, theirs = sqlite_tables(term / "gradebook.db"), postgres_tables(url)
    assert set(mine) == set(theirs)
    for table in mine:
        assert mine[table] == theirs[table], table  # every row, every column, equal

    # and nbgrader reads the moved term as the old one
    from nbgrader.api import Gradebook

    seen = []
    for where in (f"sqlite:///{term / 'gradebook.db'}", url):
        with Gradebook(where, COURSE_ID) as gb:
            zoe = gb.find_submission("ps01_alpha", "zoe")
            seen.append(
                (
                    gb.find_assignment("ps02_beta").duedate,
                    zoe.extension,
                    zoe.duedate,
                    zoe.total_seconds_late,
                    [
                        (s.student_id, s.score, s.max_score, s.late_submission_penalty, s.needs_manual_grade)
                        for a in NOTEBOOKS
                        for s in sorted(gb.assignment_submissions(a), key=lambda s: s.student_id)
                    ],
                    gb.find_comment("q2-explain", "ps02_extra", "ps02_beta", "alice").manual_comment,
                )
            )
    assert seen[0] == seen[1] and seen[0][2] == dt.datetime(2026, 12, 1, 22, 59, 0, 250000) + dt.timedelta(
        days=2, hours=3
    )


def test_a_database_that_holds_a_gradebook_is_refused_and_left_as_it_was(postgres, term):
    from nbgrader.api import Gradebook

    held = another_database(postgres, "held")
    with Gradebook(held, COURSE_ID) as gb:  # another term's gradebook, one student in it
        gb.update_or_create_student("someone")
    notes = another_database(postgres, "notes")
    with connect(notes) as conn:
        conn.execute("CREATE TABLE notes (line text)")
        conn.execute("INSERT INTO notes VALUES ('the department''s own')")
    for url, why in (
        (held, "already holds a gradebook with data (1 student)"),
        (notes, "tables that are not nbgrader's (notes)"),
    ):
        before = postgres_tables(url)
        code, out, err = command("gradebook-move", "--to", url, "--course", str(term))
        assert code == 2 and why in err and "nothing was written" in err, (url, out, err)
        assert postgres_tables(url) == before, url

    # nbgrader writes its course's name when it first opens a gradebook: such a database is empty
    opened = another_database(postgres, "opened")
    Gradebook(opened, "default_course").close()
    assert move(term, opened).check.differences == []
    assert postgres_tables(opened)["course"] == sqlite_tables(term / "gradebook.db")["course"]


def test_the_check_reports_a_row_changed_or_lost_in_the_target(postgres, term):
    url = another_database(postgres, "altered")
    assert move(term, url).check.differences == []
    with connect(url) as conn:
        grade = conn.execute(
            "SELECT g.id FROM grade g JOIN base_cell c ON c.id = g.cell_id "
            "WHERE c.name = 'q2-explain' AND g.manual_score = 2.5 LIMIT 1"
        ).fetchone()[0]
        conn.execute("UPDATE grade SET manual_score = 2.75 WHERE id = %s", (grade,))
        comment = conn.execute("SELECT id FROM comment LIMIT 1").fetchone()[0]
        conn.execute("DELETE FROM comment WHERE id = %s", (comment,))
    found = check(term / "gradebook.db", url).differences
    assert f"grade: the row {grade} differs in the target (manual_score 2.5 -> 2.75)" in found, found
    assert f"comment: the row {comment} is missing from the target" in found, found
    assert len(found) == 3 and any(line.startswith("comment: ") and "row(s) in gradebook.db" in line for line in found)


def test_a_move_without_a_target_or_into_sqlite_is_refused(term, tmp_path):
    code, _, err = command("gradebook-move", "--course", str(term))
    assert code == 2 and "export RNNLAB_GRADEBOOK_URL=" in err and "make gradebook-move" in err
    code, _, err = command("gradebook-move", "--to", f"sqlite:///{tmp_path / 'other.db'}", "--course", str(term))
    assert code == 2 and "moves to PostgreSQL" in err and not (tmp_path / "other.db").exists()


# -- trying cluster grading on one machine -------------------------------------------------
def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


@pytest.mark.grading
def test_try_cluster_grades_through_the_lines_it_prints_and_leaves_nothing(term, tmp_path):
    """`python -m autograder try-cluster` (make try-cluster) moves the course's gradebook into its
    own server, prints two lines; a class graded with them lands in that gradebook; Ctrl-C stops
    the scheduler, the worker and the server, and removes the server's folder."""
    course, klass = F.course_with_class(tmp_path, A, [F.SOLUTION])
    shutil.copy(term / "gradebook.db", course / "gradebook.db")  # a term to carry along (its sets are not ps03)
    before = file_state(course / "gradebook.db")
    trial = subprocess.Popen(
        [sys.executable, "-m", "autograder", "try-cluster", "--course", str(course), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        cwd=REPO,
    )
    printed: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(trial.stdout, printed), daemon=True).start()
    out = ""
    try:
        deadline = time.monotonic() + 120
        while "Ctrl-C here stops" not in out:
            line = printed.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, out
            out += line
        url = re.search(r"^  export RNNLAB_GRADEBOOK_URL='([^']+)'$", out, re.M).group(1)
        address = re.search(r"^  make autograde .* CLUSTER=(tcp://127\.0\.0\.1:\d+)$", out, re.M).group(1)
        assert "copied there and checked" in out and "1 worker(s) of one thread each" in out

        graded = subprocess.run(
            [
                sys.executable,
                "-m",
                "autograder",
                "grade",
                A,
                str(klass),
                "--course",
                str(course),
                "--cluster",
                address,
                "--cell-timeout",
                "30",
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "RNNLAB_GRADEBOOK_URL": url},
            timeout=300,
        )
        assert graded.returncode == 0, graded.stdout + graded.stderr
        assert re.search(r"^solution\s+\S+ / \S+\s+graded", graded.stdout, re.M), graded.stdout
        with connect(url) as conn:  # the trial's gradebook: the term moved, and the new grade
            students = {s for (s,) in conn.execute("SELECT student_id FROM submitted_assignment")}
        assert students == {"alice", "bob", "zoe", "solution"}

        started = psutil.Process(trial.pid).children(recursive=True)  # the server, scheduler, workers
        assert len(started) >= 4, started
        trial.send_signal(signal.SIGINT)
        assert trial.wait(60) == 0
    finally:
        if trial.poll() is None:
            os.killpg(trial.pid, signal.SIGKILL)
            trial.wait()
    while (line := printed.get(timeout=10)) is not None:
        out += line
    assert "stopped: the Dask workers and scheduler, and the PostgreSQL server" in out, out
    assert not Path(make_url(url).query["host"]).exists()
    assert not [p for p in started if _running(p)], started
    left = re.search(r"\(logs: (\S+)\)", out).group(1)
    assert not Path(left).exists()
    assert file_state(course / "gradebook.db") == before
    shutil.rmtree(course / "grading-runs", ignore_errors=True)


def _running(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
