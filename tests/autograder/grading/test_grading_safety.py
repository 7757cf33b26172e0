"""Unit tests of the pieces that keep secrets in and scripts out: the leak scan, the inert
notebook, the plain feedback, the control groups. The whole pipeline is in test_attacks.py."""

import base64
import codecs
import json
import os
import subprocess
import urllib.parse

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from autograder.course import leakscan
from autograder.grading import inert
from autograder.grading.sandbox import limits

SECRET = "check_close(f'gates[\"{name}\"] {where}', gates[name], ref[name][0, 0])"


@pytest.mark.parametrize(
    "disguise",
    [
        lambda s: s,
        lambda s: base64.b64encode(s.encode()).decode(),
        lambda s: "\n".join(base64.b64encode(s.encode()).decode()[k : k + 20] for k in range(0, 200, 20)),
        lambda s: "prefix:" + base64.urlsafe_b64encode(("xx" + s).encode()).decode(),
        lambda s: base64.b64encode(base64.b64encode(s.encode())).decode(),
        lambda s: s.encode().hex(),
        lambda s: urllib.parse.quote(s),
        lambda s: urllib.parse.quote_plus(s),  # + for each space (a blind review)
        lambda s: codecs.encode(s, "rot13"),
        lambda s: s[::-1],
        lambda s: "\u200b".join(s),
        lambda s: "\u2060".join(s).replace("c", "\uff43"),  # word joiners, full-width c
        lambda s: s.replace(" ", "\n    "),
        lambda s: s.replace("<", "&lt;").replace('"', "&quot;"),
    ],
    ids=[
        "plain",
        "base64",
        "base64-wrapped",
        "urlsafe-shifted",
        "base64-twice",
        "hex",
        "percent",
        "percent-plus",
        "rot13",
        "reversed",
        "zero-width",
        "word-joiner-fullwidth",
        "rewrapped",
        "html",
    ],
)
def test_leak_scan_sees_through_disguises(disguise):
    text = "<pre>some output\n" + disguise(SECRET) + "\nmore</pre>"
    assert leakscan.find(text, {SECRET, "an unrelated line of code"}) == [SECRET]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# few letters, so that needles overlap, nest and repeat in the text; one outside the BMP
_LETTERS = st.text(alphabet="ab\u200b\U0001f600", max_size=6)


@settings(max_examples=300, deadline=None)
@given(needles=st.lists(_LETTERS, max_size=8), text=st.text(alphabet="ab\u200b\U0001f600x", max_size=40))
def test_the_one_pass_finder_finds_what_in_finds(needles, text):
    """leakscan.finder (one Aho-Corasick pass, for the distribution's, the site's and the
    feedback's scans) gives exactly the needles that `in` finds, the empty one included."""
    assert leakscan.finder(needles)(text) == {n for n in needles if n in text}


def test_the_finder_takes_needles_of_any_length():
    """pyahocorasick 2.1.0 crashed (a segmentation fault) freeing the trie of a needle of 700,000
    characters (a blind review): long needles are looked for with `in`."""
    long = "ab" * 400_000
    found_in = leakscan.finder([long, long[:-1] + "c", "ba"])
    assert found_in("x" + long + "x") == {long, "ba"}
    del found_in


def test_leak_scan_ignores_ordinary_feedback_and_short_lines():
    text = "Exercise 1: the visible test passed.\n" + base64.b64encode(os.urandom(3000)).decode()
    assert leakscan.find(text, {SECRET, "x = 1"}) == []


def test_the_scan_reads_comments_where_nbgrader_s_feedback_puts_them():
    """A comment (typed by the instructor, or written by the re-check) that quotes a hidden test is
    scanned like an output; the student's own code on the page is not."""
    from pathlib import Path

    import nbgrader

    template = Path(nbgrader.__file__).parent / "server_extensions/formgrader/templates/feedback/index.html.j2"
    footer = template.read_text().split("macro nbgrader_footer", 1)[1].split("endmacro", 1)[0]
    assert '<div class="panel-footer">' in footer and "nbgrader.comment" in footer
    page = (
        '<div class="input_area"><pre>' + SECRET + "</pre></div>"
        '<div class="panel-footer"><div><b>Comments:</b> <p>you wrote ' + SECRET + "</p></div></div>"
    )
    produced = leakscan.produced_text(page)
    assert produced.count(SECRET) == 1 and "you wrote" in produced


def test_host_folders_are_redacted():
    paths = leakscan.host_paths("/srv/course-x")
    text = "cwd /srv/course-x/autograded/a and /tmp/rnnlab-rt-abc123/kernel.json"
    assert leakscan.redact(text, paths) == "cwd <grader>/autograded/a and <grader>/kernel.json"


def _render(markdown: str) -> str:
    from nbconvert.filters.markdown import markdown2html

    return markdown2html(markdown)


def test_student_markdown_renders_without_any_html_element():
    hostile = (
        'Answer <img src=x onerror="alert(1)"> <script>alert(2)</script> '
        "[link](javascript:alert(3)) <svg onload=alert(4)> &lt;b&gt;"
    )
    release = new_notebook(cells=[new_markdown_cell("Course <details><summary>hint</summary>x</details>")])
    nb = new_notebook(
        cells=[
            new_markdown_cell(hostile),
            new_markdown_cell(release.cells[0].source),
            new_raw_cell("<script>alert(5)</script>", metadata={"raw_mimetype": "text/html"}),
        ]
    )
    nb.cells[0]["attachments"] = {"a.svg": {"image/svg+xml": "PHN2Zz4="}}
    inert.make_inert(nb, release)
    html = _render(nb.cells[0].source)
    for tag in ("<img", "<script", "<svg", 'href="javascript'):
        assert tag not in html, html
    assert "onerror" in html and "alert(1)" in html  # shown as text
    assert "<details>" in _render(nb.cells[1].source)  # the course's own markdown untouched
    assert "raw_mimetype" not in nb.cells[2].metadata and "attachments" not in nb.cells[0]


def _passed_through(execute, messages, monkeypatch) -> list:
    """What `execute` (a CappedExecute) hands on to nbclient of `messages` (type, content), in order;
    each becomes one stream output of the cell, so that the cell's budget fills as in a run."""
    from nbgrader.preprocessors import Execute

    passed = []

    def record(self, msg, cell, cell_index):
        passed.append((msg["msg_type"], msg["content"]))
        kind = "error" if msg["msg_type"] == "error" else "stream"
        cell.outputs.append(new_output(kind, **({"ename": "E"} if kind == "error" else {"text": "x"})))

    monkeypatch.setattr(Execute, "process_message", record)
    execute._cell_used, execute._cell_count, execute._noted = {}, {}, set()
    execute._total = execute._count = execute._comms = execute._comm_bytes = 0
    cell = new_code_cell("")
    for kind, content in messages:
        execute.process_message({"msg_type": kind, "content": content}, cell, 0)
    return passed, cell


def test_only_plain_outputs_are_kept_and_each_is_capped_as_it_arrives(monkeypatch):
    png = base64.b64encode(b"\x89PNG fake").decode()
    bundle = {
        "text/html": "<b>x</b>",
        "text/plain": "x",
        "image/png": png,
        "image/svg+xml": "<svg/>",
        "application/javascript": "alert(1)",
        "application/vnd.jupyter.widget-view+json": {"model_id": "1"},
    }
    messages = [
        ("display_data", {"data": dict(bundle), "metadata": {"filenames": {"image/png": "http://x/t.png"}}}),
        ("display_data", {"data": {"text/html": "<script>alert(1)</script>"}, "metadata": {}}),
        ("display_data", {"data": {"image/png": "A" * (inert.MAX_OUTPUT + 4)}, "metadata": {}}),
        ("stream", {"name": "stdout", "text": "y" * (inert.MAX_OUTPUT + 10)}),
    ]
    passed, _ = _passed_through(inert.InertExecute(), messages, monkeypatch)
    kept = [content for _, content in passed]
    assert set(kept[0]["data"]) == {"text/plain", "image/png"} and kept[0]["metadata"] == {}
    assert kept[1]["data"] == kept[2]["data"] == {"text/plain": "[an output the grader does not keep]"}
    assert len(kept[3]["text"]) < inert.MAX_OUTPUT + 100 and "cut by the grader" in kept[3]["text"]
    first = ("display_data", {"data": dict(bundle), "metadata": {}})  # messages are capped in place
    passed, _ = _passed_through(inert.CappedExecute(), [first], monkeypatch)
    assert set(passed[0][1]["data"]) == set(bundle) - {"application/vnd.jupyter.widget-view+json"}


def test_the_graded_notebook_keeps_no_widget_state():
    """nbgrader_config.py turns on nbconvert's ClearMetadataPreprocessor, which nbgrader's autograde
    runs after the kernel (off by default): widget state goes, the kernel and grading metadata stay.
    (tests/autograder/grading/test_attacks.py checks it in a graded notebook.)"""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from traitlets.config import Config

    from autograder.course.folder import course_config

    test = new_code_cell("assert True", metadata={"nbgrader": {"grade": True, "grade_id": "t", "points": 1}})
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3"}, "language_info": {"name": "python"}}
    state = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}}
    nb = new_notebook(cells=[test], metadata={**kernel, "widgets": state})
    clear = ClearMetadataPreprocessor(config=Config(course_config()))
    nb, _ = clear(nb, {})
    assert nb.metadata == kernel and nb.cells[0].metadata["nbgrader"]["grade_id"] == "t"


def test_plain_feedback_shows_only_the_students_own_outputs_and_verdicts(monkeypatch, tmp_path):
    """Each cell shows the outputs it had in the notebook the student submitted (staged/, else
    submitted/), as plain text with the grader's folders hidden; a test cell its verdict, and a
    visible one also what it showed the student. What the grading kernel printed is not shown."""
    from autograder.grading.feedback import PlainFeedback

    monkeypatch.chdir(tmp_path)
    hidden = new_code_cell(
        "### BEGIN HIDDEN TESTS\nassert secret_thing()\n### END HIDDEN TESTS",
        outputs=[
            new_output("error", ename="AssertionError", evalue="assert secret_thing()", traceback=["secret_thing"])
        ],
        metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "h", "points": 3, "score": 0}},
    )
    visible = new_code_cell(
        "check(f)",
        outputs=[new_output("stream", name="stdout", text="kernel says the KEY is b\n")],
        metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "v", "points": 1, "score": 1}},
    )
    answer = new_code_cell(
        "print(1)",
        outputs=[
            new_output("stream", name="stdout", text="printed while graded: the KEY is b\n"),
            new_output("execute_result", data={"text/html": "<b>x</b>", "text/plain": "X"}, execution_count=1),
        ],
    )
    graded = new_notebook(cells=[hidden, visible, answer])
    own = nbformat.from_dict(json.loads(json.dumps(graded)))
    own.cells[0].outputs = []
    own.cells[1].outputs = [new_output("stream", name="stdout", text="Exercise 1: the visible test passed.\n")]
    own.cells[2].outputs = [
        new_output("stream", name="stdout", text=f"I live in {tmp_path}\n"),
        new_output("execute_result", data={"text/html": "<b>y</b>", "text/plain": "Y"}, execution_count=1),
    ]
    resources = {"nbgrader": {"student": "alice", "assignment": "ps", "notebook": "ps"}}
    (tmp_path / "staged" / "alice" / "ps").mkdir(parents=True)
    nbformat.write(own, tmp_path / "staged" / "alice" / "ps" / "ps.ipynb")
    nb, _ = PlainFeedback().preprocess(nbformat.from_dict(json.loads(json.dumps(graded))), resources)
    texts = [[o.text for o in c.outputs] for c in nb.cells]
    assert texts == [
        ["Hidden tests failed: 0 of 3 points.\n"],
        [
            "Visible test passed: 1 of 1 point.\nWhen you ran this cell before submitting, it showed:\n",
            "Exercise 1: the visible test passed.\n",
        ],
        ["I live in <grader>\nY\n"],
    ], texts
    assert all(o.output_type == "stream" for c in nb.cells for o in c.outputs)
    nbformat.validate(nb)
    # no copy of the student's own notebook: no outputs at all, only verdicts
    nb, _ = PlainFeedback().preprocess(
        nbformat.from_dict(json.loads(json.dumps(graded))),
        {"nbgrader": {"student": "bob", "assignment": "ps", "notebook": "ps"}},
    )
    assert [[o.text for o in c.outputs] for c in nb.cells] == [
        ["Hidden tests failed: 0 of 3 points.\n"],
        ["Visible test passed: 1 of 1 point.\n"],
        [],
    ]


def test_a_verdict_says_passed_failed_or_taken_back():
    """A test that ran through in the grading kernel but scores 0 had its points taken back by the
    re-check: the feedback must not call it failed next to a comment that says it passed."""
    from autograder.grading.feedback import verdict

    assert verdict(2, 2, hidden=False, raised=False) == "Visible test passed: 2 of 2 points.\n"
    assert verdict(0, 1, hidden=True, raised=True) == "Hidden tests failed: 0 of 1 point.\n"
    assert verdict(0, 6, hidden=True, raised=False) == (
        "Hidden tests passed in the notebook, but the points were taken back: 0 of 6 points "
        "(see the comment under your answer).\n"
    )
    assert verdict(None, None, hidden=False, raised=False) == "Visible test passed: 0 of 0 points.\n"


MOUNTS_V1 = """31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
CGROUP_V1 = "8:pids:/\n4:memory:/process_api/abc\n0::/\n"


def test_cgroup_folders_are_found_for_v1_and_v2(tmp_path):
    found = limits.locate(MOUNTS_V1, CGROUP_V1)
    assert found == {
        "memory": ("v1", limits.Path("/sys/fs/cgroup/memory/process_api/abc")),
        "pids": ("v1", limits.Path("/sys/fs/cgroup/pids")),
    }
    (tmp_path / "user.slice").mkdir()
    (tmp_path / "user.slice" / "cgroup.controllers").write_text("cpu memory pids\n")
    v2_only = f"41 31 0:38 / {tmp_path} rw,relatime - cgroup2 cgroup2 rw\n"
    assert limits.locate(v2_only, "0::/user.slice\n") == {
        "memory": ("v2", tmp_path / "user.slice"),
        "pids": ("v2", tmp_path / "user.slice"),
    }
    assert limits.locate("", "") == {}


def test_a_group_without_controllers_says_so():
    group = limits.Group.create("rnnlab-test", 1 << 30, 50, where={})
    assert group.in_force == {} and set(group.not_in_force) == {"memory", "pids"}


@pytest.mark.skipif(os.geteuid() != 0 or not limits.locate(), reason="needs root and a writable cgroup")
def test_a_real_group_limits_a_process_tree():
    group = limits.Group.create(f"rnnlab-unit-{os.getpid()}", 64 * 1024**2, 8)
    try:
        assert set(group.in_force) == {"memory", "pids"}, group.not_in_force
        # a child moves itself in, then tries to hold 200 MB: the group's memory limit kills it
        code = (
            "import os,sys; open(sys.argv[1] + '/cgroup.procs','w').write(str(os.getpid())); "
            "open(sys.argv[2] + '/cgroup.procs','w').write(str(os.getpid())); b = b'1' * (200 << 20)"
        )
        proc = subprocess.run(
            ["python3", "-c", code, group.folders["memory"], group.folders["pids"]], capture_output=True, timeout=60
        )
        assert proc.returncode != 0
        assert group.oom_kills() >= 1 or b"MemoryError" in proc.stderr
        assert group.peak_memory() <= 64 * 1024**2
    finally:
        group.remove()
    assert not os.path.exists(group.folders["memory"])


def test_the_reply_channel_takes_only_the_reply_to_the_pending_request():
    import io
    import queue
    import threading

    from autograder.grading.workerclient import Worker

    worker = object.__new__(Worker)  # no process: only the reading side
    worker.pending = "alice:1234"
    worker.log_file, worker.lock, worker.replies = io.StringIO(), threading.Lock(), queue.Queue()
    worker.reply_pipe = io.StringIO(
        'RNNLAB-RESULT {"autograde": {"success": true}}\n'  # untagged (forged)
        'RNNLAB-RESULT {"id": "bob:9999", "autograde": {"success": true}}\n'  # another request's id
        "RNNLAB-RESULT not json\n"
        "some noise\n"
        'RNNLAB-RESULT {"id": "alice:1234", "autograde": {"success": false}}\n'
        'RNNLAB-RESULT {"id": "alice:1234", "autograde": {"success": true}}\n'
    )  # answered already
    worker._read()
    assert worker.replies.get_nowait() == {"id": "alice:1234", "autograde": {"success": False}}
    assert worker.replies.get_nowait() is None  # the channel's end
    assert worker.replies.empty()
    assert worker.log_file.getvalue().count("rejected a line on the reply channel") == 5


# run by a child of the worker, as a kernel is: forge replies on every descriptor it holds and
# try to take the next request from every one it can read
CHILD = r"""
import os
for fd in range(256):
    try:
        os.write(fd, b'RNNLAB-RESULT {"autograde": {"success": true}}\n')
    except OSError:
        pass
    try:
        if fd > 2:
            os.set_blocking(fd, False)
            print("CHILD READ", os.read(fd, 4096), flush=True)
    except OSError:
        pass
"""
WORKER_SIDE = r"""
import subprocess, sys
from autograder.grading.worker import private_channel
requests, replies = private_channel(int(sys.argv[1]), int(sys.argv[2]))
subprocess.run([sys.executable, "-c", sys.argv[3]], close_fds=False, check=True)   # even without close_fds
replies.write("RNNLAB-RESULT " + requests.readline())
replies.flush()
"""


def test_a_child_of_the_worker_holds_no_descriptor_of_the_channel(tmp_path):
    import sys

    req_r, req_w = os.pipe()
    rep_r, rep_w = os.pipe()
    os.write(req_w, b'{"id": "alice:1234", "secret": "next request"}\n')
    with open(tmp_path / "worker.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER_SIDE, str(req_r), str(rep_w), CHILD],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            pass_fds=(req_r, rep_w),
        )
    os.close(req_r)
    os.close(rep_w)
    with os.fdopen(rep_r) as channel:
        got = channel.read()
    assert proc.wait(timeout=60) == 0
    os.close(req_w)
    assert got == 'RNNLAB-RESULT {"id": "alice:1234", "secret": "next request"}\n'
    written = (tmp_path / "worker.log").read_text()
    assert written.count('RNNLAB-RESULT {"autograde"') >= 2  # the child wrote to its 1 and 2: the log
    assert "next request" not in written


def test_outputs_are_capped_in_number_and_widget_messages_in_number_and_size(monkeypatch):
    """CappedExecute counts what each output costs beside its text and how many there are, keeps
    only a cell's first error beyond the budget, and drops widget messages past their budget."""
    messages = (
        [("display_data", {"data": {"text/plain": str(k)}}) for k in range(5000)]
        + [("error", {"ename": "E", "evalue": "v", "traceback": []})] * 100
        + [("comm_msg", {"data": {"state": "x" * 100}})] * 1000
    )
    passed, cell = _passed_through(inert.InertExecute(), messages, monkeypatch)
    kinds = [kind for kind, _ in passed]
    assert kinds.count("display_data") == inert.MAX_OUTPUTS_CELL
    assert kinds.count("error") == 1  # the first error, past the budget
    assert kinds.count("comm_msg") == inert.MAX_COMMS
    assert any("cut by the grader" in getattr(o, "text", "") for o in cell.outputs)
