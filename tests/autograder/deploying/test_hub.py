"""A term of the course on a real JupyterHub, with nbgrader's exchange, as its users would live it.

The test creates four local users (an instructor, three students), starts JupyterHub with the
course's deploy/jupyterhub_config.py on 127.0.0.1 (its proxy from npm, `make hub-deps`), and
then works only through the hub's REST API and each user's own server:

- the instructor generates and releases ps03 in the formgrader (its API);
- each student fetches it (nbgrader's assignment-list API) and answers: student1 right, in
  JupyterLab in Chromium (the file is what JupyterLab saves), student2 wrong (a known wrong
  solution), student3 blank; each saves through the contents API and submits;
- student3 also forges a submission in student1's name, which the course's collector refuses;
- the instructor collects (formgrader), grades the collected folder with the course's sandboxed
  pipeline in a terminal of their server (`python -m autograder grade ps03 submitted`, what
  `make autograde` runs), hand-grades student1's explain answer in the formgrader, regenerates
  feedback and releases it; each student fetches their own;
- every student probes, from a terminal of their own server, what else they can read.

What each user could and could not do lands in test-artifacts/hub/term.json. Without root
(no users can be made) the test is skipped, except under CI=true, where that fails.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import pytest

from autograder.authoring import fixtures as F
from autograder.course.folder import REPO
from autograder.course.leakscan import hidden_test_lines
from autograder.deploying import hub as H
from autograder.deploying import serverenv as E
from hub_support import ASSIGNMENT, NOTEBOOK, Hub, Server, _need, stop_and_clean

pytestmark = pytest.mark.hub
ARTIFACTS = REPO / "test-artifacts" / "hub"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EXPLAIN = "explain_forget"
COMMENT = "Right: a forget gate near 1 keeps the cell state, so the gradient survives."
WRONG = "step_gate_order"  # a known wrong solution of ps03 (source/ps03_lstm_gates/mutants)


# -- the term ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def term(hub_env_view):
    _need(os.geteuid() == 0, "the hub test creates local users, which needs root")
    _need(H.PROXY.exists(), f"JupyterHub's proxy is not installed ({H.PROXY}); run make hub-deps")
    _need(shutil.which("bwrap") is not None, "bubblewrap (the grading sandbox) is not installed")
    tag = secrets.token_hex(2)
    users = {"instructor": f"rh{tag}-teach", "right": f"rh{tag}-s1", "wrong": f"rh{tag}-s2", "blank": f"rh{tag}-s3"}
    state = Path(tempfile.mkdtemp(prefix="rnnlab-hub-", dir="/tmp"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "hub.log", "w")
    proc, made = None, []
    record: dict = {"users": users, "seconds": {}}
    t0 = time.monotonic()

    def lap(name: str) -> None:
        record["seconds"][name] = round(time.monotonic() - t0 - sum(record["seconds"].values()), 1)

    try:
        settings = H.prepare_state(
            state, instructor=users["instructor"], students=[users["right"], users["wrong"], users["blank"]], port=0
        )
        for user in users.values():
            H.create_user(user, comment="rnnlab hub test")
            made.append(user)
        course = H.setup_instructor(users["instructor"], [ASSIGNMENT])
        proc = H.start(settings, log)
        hub = Hub(settings)
        hub.spawn_all(list(users.values()))
        srv = {role: hub.server(user) for role, user in users.items()}
        lap("hub and four servers started")
        run_term(hub, srv, users, course, settings, record, lap)
        record["seconds"]["whole term"] = round(time.monotonic() - t0, 1)
        yield record
    finally:
        (ARTIFACTS / "term.json").write_text(json.dumps({k: v for k, v in record.items() if k != "feedback"}, indent=1))
        stop_and_clean(proc, log, made, state)


def run_term(hub, srv, users, course, settings, record, lap):
    teach, right, wrong, blank = srv["instructor"], srv["right"], srv["wrong"], srv["blank"]
    students = [right, wrong, blank]
    source_nb = nbformat.read(REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)

    # the instructor releases ps03 (release/ is generated and committed) in the formgrader
    teach.formgrader("POST", f"assignment/{ASSIGNMENT}/release")
    lap("instructor released ps03")

    # answers: right (in JupyterLab, in the browser), wrong (a known wrong solution), blank
    solution = F.answers(F.SOLUTION, source_nb)
    solution[EXPLAIN] = (
        "A forget gate near 1 copies the cell state forward almost unchanged, so its gradient survives many steps."
    )
    mutant = next(fx for fx in F.fixtures_for(ASSIGNMENT, "mutants") if fx.name == WRONG)
    failed: list = []

    def in_background(work, *args):
        def run():
            try:
                work(*args)
            except BaseException as err:  # re-raised below, in the test's thread
                failed.append(err)

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    # student1 fetches and works in the browser while the instructor opens the formgrader's
    # assignment list (its first use makes the gradebook) and the others work through the API
    right.nbgrader("fetch")
    browser = in_background(answer_in_browser, settings, right, users["right"], solution, record)
    formgrader = in_background(teach.formgrader, "GET", "assignments")
    for s in (wrong, blank):
        s.nbgrader("fetch")
    for s in students:
        assert s.read_nb(NOTEBOOK)["cells"], f"{s.user} fetched an empty notebook"
    nb = wrong.read_nb(NOTEBOOK)
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            cell["source"] = F.answers(mutant, source_nb)[gid]
    wrong.save_nb(NOTEBOOK, nb)
    blank.save_nb(NOTEBOOK, blank.read_nb(NOTEBOOK))
    wrong.nbgrader("submit")
    blank.nbgrader("submit")

    # student3 forges a submission in student1's name, newer than anything real
    inbound = f"{settings.exchange}/rnn-deep-dive/inbound"
    forged = f"{inbound}/{users['right']}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+forged"
    rc, out = blank.shell(
        f"mkdir '{forged}' && cp ~/{NOTEBOOK} '{forged}/' && "
        f"echo '2099-01-01 00:00:00.000000 UTC' > '{forged}/timestamp.txt'"
    )
    record["student3 could forge a submission folder named for student1"] = rc == 0
    assert rc == 0, out
    browser.join()
    formgrader.join()
    if failed:
        raise failed[0]
    right.nbgrader("submit")
    lap("three students fetched, saved (student1 in JupyterLab in Chromium) and submitted")

    # the instructor collects: the course's collector refuses the forgery ...
    teach.formgrader("POST", f"assignment/{ASSIGNMENT}/collect")
    collected = {
        u: teach.read_nb(f"rnn-deep-dive/submitted/{u}/{NOTEBOOK}")
        for u in (users["right"], users["wrong"], users["blank"])
    }
    assert _answer(collected[users["right"]], "lstm_step_backward") == solution["lstm_step_backward"].strip(), (
        "student1's collected notebook is not what student1 saved (the forgery won?)"
    )
    record["the course's collector refused the forgery"] = True
    # (stock nbgrader's collector takes it, with a warning: tests/autograder/deploying/test_exchange.py)
    lap("instructor collected")

    # the instructor grades the collected folder with the course's sandboxed pipeline
    rc, out = teach.shell("cd ~/rnn-deep-dive && python -m autograder grade ps03 submitted --course . --jobs 2 2>&1")
    assert rc == 0, out
    record["grading output"] = out.strip().splitlines()[-6:]
    report = json.loads(teach.read_text(f"rnn-deep-dive/reports/{ASSIGNMENT}/report.json"))
    record["grades"] = {
        r["student"]: {
            k: r[k] for k in ("score", "max_score", "status", "flags", "reason", "failed_tests", "needs_manual")
        }
        for r in report["students"]
    }
    assert report["sandboxed"], report
    # graded by a user who is not root: every kernel in a sandbox of its own, whose launcher recorded
    # the limits it ran under (the process limit is not in force: one uid for the grader and its kernels)
    record["limits"] = {r["student"]: r["limits"] for r in report["students"] if r["status"] == "graded"}
    assert record["limits"] and all(
        "address space per process" in limits and "NOT IN FORCE" in limits["processes of the sandbox uid"]
        for limits in record["limits"].values()
    ), record["limits"]
    lap("instructor graded in the sandbox (python -m autograder grade ps03 submitted)")

    # hand grading of student1's explain answer in the formgrader
    subs = teach.formgrader("GET", f"submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
    sub = next(s for s in subs if s["student"] == users["right"])
    grade = next(
        g for g in teach.formgrader("GET", "grades", params={"submission_id": sub["id"]}) if g["name"] == EXPLAIN
    )
    assert grade["needs_manual_grade"], grade
    teach.formgrader("PUT", f"grade/{grade['id']}", json={"manual_score": grade["max_score"]})
    comment = next(
        c for c in teach.formgrader("GET", "comments", params={"submission_id": sub["id"]}) if c["name"] == EXPLAIN
    )
    teach.formgrader("PUT", f"comment/{comment['id']}", json={"manual_comment": COMMENT})
    record["hand grade"] = {"student": users["right"], "points": grade["max_score"]}
    # nbgrader's generate_feedback with the course's config (what make feedback runs), in the formgrader
    teach.formgrader("POST", f"assignment/{ASSIGNMENT}/generate_feedback")
    teach.formgrader("POST", f"assignment/{ASSIGNMENT}/release_feedback")
    lap("instructor hand-graded, regenerated and released feedback")

    record["feedback"] = {}
    for s in students:
        s.nbgrader("fetch_feedback")
        folder = s.json("GET", f"api/contents/{ASSIGNMENT}/feedback")["content"]
        assert len(folder) == 1, folder
        html = s.read_text(f"{folder[0]['path']}/{ASSIGNMENT}.html")
        record["feedback"][s.user] = html
    lap("three students fetched their feedback")

    record["visibility"] = probe_visibility(srv, users, course, settings, record)
    record["repository"] = probe_repository(settings, users["blank"])
    record["student servers"] = {s.user: probe_student_server(s, settings) for s in (right, blank)}
    record["instructor server"] = probe_student_server(teach, settings)
    lap("isolation probes")


def _answer(nb: dict, grade_id: str) -> str:
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)
    src = cell["source"]
    return ("".join(src) if isinstance(src, list) else src).strip()


def answer_in_browser(settings, server: Server, user: str, answers: dict, record: dict) -> None:
    """Log in on the hub's page, open the fetched notebook in JupyterLab, type the answers into
    its cells (JupyterLab's own cell models) and save with JupyterLab's save command."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{settings.url}/hub/login")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", settings.password)
            page.click("input[type=submit], button[type=submit]")
            page.wait_for_url(re.compile(rf"/user/{user}/"), timeout=120_000)
            page.goto(f"{settings.url}/user/{user}/lab/tree/{NOTEBOOK}?reset")
            page.wait_for_function(
                """() => {
                const app = window.jupyterapp; const w = app && app.shell.currentWidget;
                return w && w.context && w.context.isReady && w.content && w.content.widgets.length > 0;
            }""",
                timeout=120_000,
            )
            filled = page.evaluate(
                """(answers) => {
                const panel = window.jupyterapp.shell.currentWidget;
                let n = 0;
                for (const cell of panel.content.widgets) {
                    const meta = cell.model.getMetadata('nbgrader');
                    if (meta && meta.solution && answers[meta.grade_id] !== undefined) {
                        cell.model.sharedModel.setSource(answers[meta.grade_id]); n += 1;
                    }
                }
                return n;
            }""",
                answers,
            )
            assert filled == len(answers), (filled, sorted(answers))
            page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
            page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "student1-jupyterlab.png"))
        finally:
            browser.close()
    saved = server.read_nb(NOTEBOOK)
    for gid, text in answers.items():
        assert _answer(saved, gid) == text.strip(), f"JupyterLab did not save the answer of {gid}"
    record["student1 saved in JupyterLab"] = True


PROBES = {
    # what: (shell test that succeeds if the user can do it)
    "read the instructor's source/ (solutions, hidden tests)": "cat {course}/source/{a}/{a}.ipynb",
    "list the instructor's home": "ls {instructor_home}",
    "read the instructor's gradebook": "cat {course}/gradebook.db",
    "list another student's home": "ls {other_home}",
    "read another student's notebook": "cat {other_home}/{a}/{a}.ipynb",
    "read the released assignment in the exchange": "cat {exchange}/rnn-deep-dive/outbound/{a}/{a}.ipynb",
    "list the exchange's inbound (every submission's name)": "ls {exchange}/rnn-deep-dive/inbound",
    "read another student's submission, knowing its folder name": "cat '{other_submission}/{a}.ipynb'",
    "read another student's submission secret, knowing its folder name": (
        "cat '{other_submission}/submission_secret.txt'"
    ),
    "list the exchange's feedback folder": "ls {exchange}/rnn-deep-dive/feedback",
    "read another student's feedback, knowing its file name": "cat {other_feedback}",
    "write into another student's submission folder, knowing its name": "touch '{other_submission}/x'",
    "list the instructor's repository": "ls {repo}",
    "list the repository's source/": "ls {repo}/source",
    "read the repository's gradebook.db": "cat {repo}/gradebook.db",
    "read the repository's .git": "git -C {repo} log -1",
}


def probe_visibility(srv, users, course, settings, record) -> dict:
    """Each student tries PROBES from a terminal of their own server; the answers (yes/no)."""
    import glob
    import hashlib

    inbound = f"{settings.exchange}/rnn-deep-dive/inbound"
    submission_of = {
        u: max(f for f in glob.glob(f"{inbound}/{u}+{ASSIGNMENT}+*") if not f.endswith("+forged"))
        for u in (users["right"], users["wrong"], users["blank"])
    }
    feedback_of = {}
    for u, folder in submission_of.items():
        secret = Path(folder, "submission_secret.txt").read_text()
        feedback_of[u] = (
            f"{settings.exchange}/rnn-deep-dive/feedback/{hashlib.md5((secret + ASSIGNMENT).encode()).hexdigest()}.html"
        )
        assert Path(feedback_of[u]).exists(), f"no released feedback at {feedback_of[u]}"
    order = ["right", "wrong", "blank"]
    seen = {}
    for i, role in enumerate(order):
        other = users[order[(i + 1) % 3]]
        fill = dict(
            a=ASSIGNMENT,
            course=course,
            repo=REPO,
            instructor_home=course.parent,
            other_home=f"/home/{other}",
            exchange=settings.exchange,
            other_submission=submission_of[other],
            other_feedback=feedback_of[other],
        )
        script = "; ".join(
            f"({cmd.format(**fill)}) >/dev/null 2>&1 && echo 'P{n}:yes' || echo 'P{n}:no'"
            for n, cmd in enumerate(PROBES.values())
        )
        rc, out = srv[role].shell(script)
        answers = dict(re.findall(r"P(\d+):(yes|no)", out))
        assert len(answers) == len(PROBES), out
        seen[users[role]] = {what: answers[str(n)] == "yes" for n, what in enumerate(PROBES)}
    return seen


# what a student's process can open: every path it is given (folders listed, links read, files
# opened), and the (device, inode) of every file under the folders it is given
REACH = r"""
import json, os, sys
ask = json.load(sys.stdin)
opened = []
for p in ask["paths"]:
    try:
        if os.path.islink(p):
            os.readlink(p)
        elif os.path.isdir(p):
            os.listdir(p)
        else:
            os.close(os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY))
        opened.append(p)
    except OSError:
        pass
inodes = set()
for top in ask["walk"]:
    for folder, dirs, files in os.walk(top):
        for f in files:
            try:
                st = os.stat(os.path.join(folder, f), follow_symlinks=False)
                inodes.add((st.st_dev, st.st_ino))
            except OSError:
                pass
print(json.dumps({"opened": opened, "inodes": sorted(inodes)}))
"""


def probe_repository(settings, student: str) -> dict:
    """The instructor's repository as a student of the hub meets it: every path under it (walked
    as root, links not followed) tried as that student (their uid and group, no other group),
    and whether any file of it outside its .venv (the third-party packages every server loads),
    other than a file of the Python runtime (a copy of which the hub may have linked there), is
    the same file as one the student can reach in the servers' environments (a hard link)."""
    import pwd
    import subprocess
    import sys

    def files_under(top: str):
        for folder, dirs, files in os.walk(top):
            for name in dirs + files:
                path = os.path.join(folder, name)
                yield path, name in files and stat_is_file(st := os.stat(path, follow_symlinks=False)) and st

    # the course environment and the Python runtime (pyenv's, here) are not the instructor's:
    # every server loads views of them, so their files may be reachable under other names
    runtime = {(st.st_dev, st.st_ino) for _, st in files_under(sys.base_prefix) if st}
    paths, own = [str(REPO)], set()
    for path, st in files_under(str(REPO)):
        paths.append(path)
        if st and not path.startswith(f"{REPO}/.venv/") and (st.st_dev, st.st_ino) not in runtime:
            own.add((st.st_dev, st.st_ino))
    walk = [settings.state, *(p for p in [os.environ.get(H.SHARED_VIEW_ENV)] if p)]
    pw = pwd.getpwnam(student)
    run = subprocess.run(
        [settings.python, "-c", REACH],
        input=json.dumps({"paths": paths, "walk": walk}),
        user=pw.pw_uid,
        group=pw.pw_gid,
        extra_groups=[],
        capture_output=True,
        text=True,
        cwd="/",
        env={"PATH": "/usr/bin:/bin", "HOME": pw.pw_dir, **settings.python_env},
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    shared = own & {tuple(i) for i in seen["inodes"]}
    return {
        "paths tried": len(paths),
        "opened": seen["opened"][:50],
        "opened count": len(seen["opened"]),
        "files of the repository outside .venv": len(own),
        "their inodes reachable": len(shared),
        "repository closed to others": E.closed_folder(REPO) is not None,
    }


def stat_is_file(st) -> bool:
    import stat as S

    return S.S_ISREG(st.st_mode)


# run in a terminal of a server: where its `rnnlab` comes from, and whether it has the instructor's tools
IMPORTS = """
import importlib.metadata as md, json, os, sys
out = {"python": sys.executable}
import rnnlab
top = os.path.realpath(rnnlab.__path__[0])
out["rnnlab"] = top
out["rnnlab files"] = [os.path.realpath(os.path.join(d, f)) for d, _, fs in os.walk(top) for f in fs]
out["rnnlab modules"] = sorted({os.path.realpath(m.__file__) for n, m in sys.modules.items()
                                if n.split(".")[0] == "rnnlab" and getattr(m, "__file__", None)})
try:        # installed (the students'), or a view of the instructor's working copy (no metadata)
    url = md.distribution("rnnlab").read_text("direct_url.json") or "{}"
    out["editable"] = bool(json.loads(url).get("dir_info", {}).get("editable"))
except md.PackageNotFoundError:
    out["editable"] = None
try:
    import autograder
    out["instructor"] = os.path.realpath(autograder.__file__)
except ImportError:
    out["instructor"] = None
print("@IMPORTS@" + json.dumps(out) + "@")
"""


def probe_student_server(server: Server, settings) -> dict:
    """From a terminal of `server`: where `import rnnlab` reads from (imports); through its
    own HTTP API: whether nbgrader's instructor tools answer (the formgrader, the course list)
    and which JupyterLab plugins its page disables (Create Assignment among them)."""
    import base64

    encoded = base64.b64encode(IMPORTS.encode()).decode()
    rc, out = server.shell(f"python -c \"import base64; exec(base64.b64decode('{encoded}'))\" 2>&1")
    assert rc == 0 and "@IMPORTS@" in out, out
    imports = json.loads(re.search(r"@IMPORTS@(.*)@", out).group(1))
    page = server.call("GET", "lab").text
    config = json.loads(
        re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    )
    return {
        "imports": imports,
        "formgrader answers": server.call("GET", "formgrader", expect=(200, 403, 404)).status_code == 200,
        "course list answers": server.call("GET", "formgraders", expect=(200, 403, 404)).status_code == 200,
        "assignment list answers": server.call(
            "GET", "assignments", params={"course_id": "rnn-deep-dive"}, expect=(200, 403, 404)
        ).status_code
        == 200,
        "disabled plugins": sorted(config.get("disabledExtensions", [])),
    }


# -- what the term must show ------------------------------------------------------------------
def test_the_term_grades_right_wrong_and_blank(term):
    u, g = term["users"], term["grades"]
    assert g[u["right"]]["status"] == g[u["wrong"]]["status"] == g[u["blank"]]["status"] == "graded", g
    full = float(g[u["right"]]["max_score"])
    auto = full - 3  # the explain answer is graded by hand
    assert float(g[u["right"]]["score"]) == auto, g
    assert 0 < float(g[u["wrong"]]["score"]) < auto, g
    assert float(g[u["blank"]]["score"]) == 0, g
    assert term["student1 saved in JupyterLab"]


def test_each_student_gets_their_own_feedback_with_the_hand_grade(term):
    u, fb = term["users"], term["feedback"]
    source_nb = nbformat.read(REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    secret = hidden_test_lines(source_nb)
    for student, html in fb.items():
        assert ASSIGNMENT in html
        assert not [line for line in secret if line in html], f"hidden tests in {student}'s feedback"
        assert (COMMENT in html) == (student == u["right"]), student
    # the hand-graded points count: student1's feedback shows the full score
    g = term["grades"][u["right"]]
    assert re.search(
        rf"Score:\s*{float(g['max_score']):g}(\.0)?\s*/\s*{float(g['max_score']):g}",
        re.sub(r"<[^>]+>", " ", fb[u["right"]]),
    ), "hand grade missing from the feedback"


def test_what_students_can_and_cannot_see(term):
    must_not = [
        "list the instructor's repository",
        "list the repository's source/",
        "read the repository's gradebook.db",
        "read the repository's .git",
        "read the instructor's source/ (solutions, hidden tests)",
        "list the instructor's home",
        "read the instructor's gradebook",
        "list another student's home",
        "read another student's notebook",
        "list the exchange's inbound (every submission's name)",
        "list the exchange's feedback folder",
    ]
    # nbgrader's exchange by design: released files are public; a submission or a feedback file
    # is readable by anyone who has its name, which holds 72 random bits (submission) or an MD5 of
    # a 512-bit secret (feedback), and cannot be listed
    # nbgrader submit leaves each submission folder 0777: given the name, files can be replaced
    # (the course's collector then refuses the folder: tests/autograder/deploying/test_exchange.py)
    by_name = [
        "read the released assignment in the exchange",
        "write into another student's submission folder, knowing its name",
        "read another student's submission, knowing its folder name",
        "read another student's submission secret, knowing its folder name",
        "read another student's feedback, knowing its file name",
    ]
    for student, seen in term["visibility"].items():
        for what in must_not:
            assert seen[what] is False, f"{student} could {what}"
        for what in by_name:
            assert seen[what] is True, f"{student}: expected nbgrader's exchange to allow: {what}"
    assert term["student3 could forge a submission folder named for student1"]
    assert term["the course's collector refused the forgery"]


def test_no_student_reaches_the_instructors_repository(term):
    """The repository, walked as root: its root and every file and folder under it, tried as a
    student, open none; no file of it but its .venv's is reachable under another name in the
    servers' environments (the state folder, the shared views)."""
    seen = term["repository"]
    assert seen["repository closed to others"], seen
    assert seen["paths tried"] > 1000, seen
    assert seen["opened count"] == 0, seen["opened"]
    assert seen["files of the repository outside .venv"] > 100, seen
    assert seen["their inodes reachable"] == 0, seen


INSTRUCTOR_PLUGINS = [
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:formgrader",
]


def test_students_run_the_student_distribution_without_the_instructors_tools(term):
    import importlib.util

    teach = term["instructor server"]
    for student, seen in term["student servers"].items():
        imports = seen["imports"]
        # the package installed from the student distribution, not the repository's (editable)
        assert imports["editable"] is False, imports
        assert imports["instructor"] is None, f"{student} imports the instructor's package: {imports}"
        files = imports["rnnlab files"] + imports["rnnlab modules"] + [imports["rnnlab"]]
        assert len(imports["rnnlab modules"]) >= 1 and len(imports["rnnlab files"]) > 10, imports
        assert not [f for f in files if f == str(REPO) or f.startswith(f"{REPO}/")], files
        assert imports["rnnlab"] != teach["imports"]["rnnlab"], imports
        assert imports["rnnlab"].endswith("/site/rnnlab"), imports
        # the students' JupyterLab settings: no formgrader, course list or Create Assignment
        assert not seen["formgrader answers"] and not seen["course list answers"], seen
        assert seen["assignment list answers"], seen
        assert set(INSTRUCTOR_PLUGINS) <= set(seen["disabled plugins"]), seen["disabled plugins"]
    # and the instructor keeps every tool, with their own packages
    assert teach["formgrader answers"] and teach["course list answers"], teach
    assert not set(INSTRUCTOR_PLUGINS) & set(teach["disabled plugins"]), teach["disabled plugins"]
    assert teach["imports"]["instructor"], teach
    assert importlib.util.find_spec("autograder") is not None
