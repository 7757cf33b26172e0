"""A new version of the course reaches a student who has run lectures and answered a problem set,
with `make update` (rnnlab/update.py: git's merge, notebooks merged by nbdime), keeping their work.

A course repository with a lecture, a problem set and the students' Makefile is cloned by a
student, who works as JupyterLab saves (outputs, metadata, an edited cell, added notes, answers;
some committed, some not); the course then publishes a release that changes both notebooks and a
README. A plain `git pull` after `git commit -am` conflicts there; `make update` keeps every piece
of the student's work, takes the course's changes, marks the cells both changed with both
versions, backs up what it replaces, and leaves git clean.
"""

import hashlib
import json
import os
import shutil
import socket
import subprocess
import urllib.request
from pathlib import Path

import nbformat
import pytest

from rnnlab import labserver
from rnnlab import update as U
from support import start_jupyter, stop_server

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".venv"
LECTURE = "notebooks/03_lstm_gates.ipynb"
PS = "release/ps03_lstm_gates/ps03_lstm_gates.ipynb"


def run(*cmd, cwd, check=True, **extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS", "GIT_"))}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@x")
    env.update(extra_env)
    proc = subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True)
    assert not check or proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def gid_cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "nbgrader" not in c.metadata]


@pytest.fixture
def course(tmp_path):
    """origin (bare), the course's working copy `author`, and the student's clone."""
    author = tmp_path / "author"
    for rel in (LECTURE, PS):
        (author / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / rel, author / rel)
    shutil.copy(REPO / "autograder" / "publishing" / "student" / "Makefile", author / "Makefile")
    shutil.copy(REPO / "autograder" / "publishing" / "student" / "course.mk", author / "course.mk")
    shutil.copy(REPO / "autograder" / "publishing" / "student" / "gitignore", author / ".gitignore")
    (author / "README.md").write_text("version 1\n")
    run("git", "init", "-q", "-b", "main", cwd=author)
    run("git", "add", "-A", cwd=author)
    run("git", "commit", "-qm", "v1", cwd=author)
    origin = tmp_path / "origin.git"
    run("git", "clone", "-q", "--bare", str(author), str(origin), cwd=tmp_path)
    run("git", "remote", "add", "origin", str(origin), cwd=author)
    run("git", "fetch", "-q", "origin", cwd=author)
    student = tmp_path / "student"
    run("git", "clone", "-q", str(origin), str(student), cwd=tmp_path)
    (student / ".venv").symlink_to(VENV)  # a link, which `.venv/` in .gitignore does not match
    (student / ".git" / "info" / "exclude").write_text(".venv\n")
    return origin, author, student


def student_works(student):
    """What a term leaves in the clone, as JupyterLab saves it."""
    lecture = nbformat.read(student / LECTURE, 4)
    lecture.metadata["language_info"] = {"name": "python", "version": "3.11.9"}
    cells = code_cells(lecture)
    cells[0].execution_count, cells[0].outputs = 7, [nbformat.v4.new_output("stream", text="ran it\n")]
    cells[2].source += "\nprint('my experiment')"  # the course will not change this one
    cells[3].source += "\n# my tweak"  # the course will change this one
    at = lecture.cells.index(cells[1])
    lecture.cells.insert(at + 1, nbformat.v4.new_markdown_cell("MY NOTE: the forget gate decides."))
    nbformat.write(lecture, student / LECTURE)
    ps = nbformat.read(student / PS, 4)
    gid_cell(ps, "lstm_step_backward").source = "def lstm_step_backward(*args):\n    return 'MY STEP ANSWER'"
    nbformat.write(ps, student / PS)
    run("git", "commit", "-qam", "my work", cwd=student)
    ps = nbformat.read(student / PS, 4)
    gid_cell(ps, "lstm_all_gates").source = "def lstm_all_gates(*a):\n    return 'MY GATES ANSWER, unsaved to git'"
    ps.cells.insert(ps.cells.index(gid_cell(ps, "lstm_all_gates")) + 1, nbformat.v4.new_markdown_cell("MY PS NOTE"))
    nbformat.write(ps, student / PS)


def course_publishes(author):
    lecture = nbformat.read(author / LECTURE, 4)
    md = next(c for c in lecture.cells if c.cell_type == "markdown")
    md.source += "\n\nCOURSE FIX in the text."
    cells = code_cells(lecture)
    cells[3].source += "\n# COURSE FIX in the code"
    cells[0].outputs = [nbformat.v4.new_output("stream", text="re-executed by the course\n")]
    lecture.cells.append(nbformat.v4.new_markdown_cell("COURSE NEW CELL"))
    nbformat.write(lecture, author / LECTURE)
    ps = nbformat.read(author / PS, 4)
    gid_cell(ps, "lstm_step_backward_visible").source += "\n# COURSE FIX in the test"
    ps.cells[0].source += "\n\nCOURSE FIX in the instructions."
    nbformat.write(ps, author / PS)
    (author / "README.md").write_text("version 2\n")
    run("git", "commit", "-qam", "v2", cwd=author)
    run("git", "push", "-q", "origin", "main", cwd=author)


def test_a_plain_pull_conflicts_in_this_term(course):
    """The problem: the README's old advice (commit, then pull) stops with a conflict."""
    _, author, student = course
    student_works(student)
    course_publishes(author)
    run("git", "commit", "-qam", "my work", cwd=student)
    pulled = run("git", "pull", "--no-rebase", "--no-edit", cwd=student, check=False)
    assert pulled.returncode != 0 and "CONFLICT" in pulled.stdout + pulled.stderr


def test_make_update_keeps_the_students_work_and_takes_the_courses(course):
    _, author, student = course
    student_works(student)
    before = {rel: (student / rel).read_bytes() for rel in (LECTURE, PS, "README.md")}
    course_publishes(author)
    proc = run("make", "-o", ".venv/.installed", "update", cwd=student)
    said = proc.stdout

    lecture = nbformat.read(student / LECTURE, 4)
    text = [c.source for c in lecture.cells]
    assert any("COURSE FIX in the text." in t for t in text) and text[-1] == "COURSE NEW CELL"
    assert any(t.endswith("print('my experiment')") for t in text), "an edit the course did not touch"
    (both,) = [t for t in text if "# COURSE FIX in the code" in t]
    assert both.endswith("\n<<<<<<< local\n# my tweak\n=======\n# COURSE FIX in the code\n>>>>>>> remote"), both
    assert [t for t in text if "# my tweak" in t] == [both], "both changed it: one cell holds both versions"
    note = text.index("MY NOTE: the forget gate decides.")
    assert lecture.cells[note - 1].source == code_cells(nbformat.read(author / LECTURE, 4))[1].source
    assert code_cells(lecture)[0].outputs[0]["text"] == "re-executed by the course\n"

    ps = nbformat.read(student / PS, 4)
    assert gid_cell(ps, "lstm_step_backward").source.endswith("'MY STEP ANSWER'")
    assert gid_cell(ps, "lstm_all_gates").source.endswith("'MY GATES ANSWER, unsaved to git'")
    assert gid_cell(ps, "lstm_step_backward_visible").source.endswith("# COURSE FIX in the test")
    assert ps.cells[0].source.endswith("COURSE FIX in the instructions.")
    after_gates = ps.cells[ps.cells.index(gid_cell(ps, "lstm_all_gates")) + 1]
    assert after_gates.source == "MY PS NOTE" and "nbgrader" not in after_gates.metadata
    nbformat.validate(ps)
    nbformat.validate(lecture)
    assert (student / "README.md").read_text() == "version 2\n"

    backups = list((student / U.BACKUP).iterdir())
    assert len(backups) == 1
    assert {rel: (backups[0] / rel).read_bytes() for rel in before} == before, "the backup is the files as they were"
    assert run("git", "status", "--porcelain", cwd=student).stdout == ""
    assert f"{PS}: merged cell by cell, your work kept\n" in said, said
    assert f"{LECTURE}: merged cell by cell, your work kept; both versions in cell " in said, said
    assert "1 cell(s) that you and the course both changed" in said and "<<<<<<< local" in said, said

    # nothing new: nothing changes
    head = run("git", "rev-parse", "HEAD", cwd=student).stdout
    again = run("make", "-o", ".venv/.installed", "update", cwd=student)
    assert "Already up to date" in again.stdout and run("git", "rev-parse", "HEAD", cwd=student).stdout == head

    # the next release merges from this one: only its own change comes, the work stays
    (author / "README.md").write_text("version 3\n")
    run("git", "commit", "-qam", "v3", cwd=author)
    run("git", "push", "-q", "origin", "main", cwd=author)
    third = run("make", "-o", ".venv/.installed", "update", cwd=student)
    assert "README.md: updated\n" in third.stdout and LECTURE not in third.stdout, third.stdout
    assert third.stdout.count("the course's new version") == 0, "said once per file (issue 57)"
    assert gid_cell(nbformat.read(student / PS, 4), "lstm_step_backward").source.endswith("'MY STEP ANSWER'")


def test_a_file_removed_on_one_side_and_changed_on_the_other_stays_and_answers_follow_a_rename(course):
    """The course removes the lecture the student worked in and renames the problem set they
    answered; the student had removed the README the course changes. The lecture stays as theirs,
    the course's new README comes back, and the answers follow the problem set to its new name."""
    _, author, student = course
    student_works(student)
    renamed = "release/ps03_lstm_gates/ps03_renamed.ipynb"
    run("git", "rm", "-q", LECTURE, cwd=author)
    run("git", "mv", PS, renamed, cwd=author)
    ps = nbformat.read(author / renamed, 4)
    ps.cells[0].source += "\n\nCOURSE FIX in the instructions."
    nbformat.write(ps, author / renamed)
    (author / "README.md").write_text("version 2\n")
    run("git", "commit", "-qam", "v2", cwd=author)
    run("git", "push", "-q", "origin", "main", cwd=author)
    lecture = (student / LECTURE).read_bytes()
    (student / "README.md").unlink()
    said = run("make", "-o", ".venv/.installed", "update", cwd=student).stdout
    assert f"{LECTURE}: removed from the course, kept here because you changed it" in said, said
    assert "README.md: you had removed it; the course has changed it since, so it is back" in said, said
    assert f"{renamed}: merged cell by cell, your work kept\n" in said, said
    assert (student / LECTURE).read_bytes() == lecture and (student / "README.md").read_text() == "version 2\n"
    ps = nbformat.read(student / renamed, 4)
    assert gid_cell(ps, "lstm_step_backward").source.endswith("'MY STEP ANSWER'")
    assert gid_cell(ps, "lstm_all_gates").source.endswith("'MY GATES ANSWER, unsaved to git'")
    assert ps.cells[0].source.endswith("COURSE FIX in the instructions.") and not (student / PS).exists()
    assert run("git", "status", "--porcelain", cwd=student).stdout == ""


def test_without_the_courses_repository_nothing_changes(course):
    origin, _, student = course
    student_works(student)
    files = {rel: (student / rel).read_bytes() for rel in (LECTURE, PS)}
    head = run("git", "rev-parse", "HEAD", cwd=student).stdout
    shutil.move(str(origin), str(origin) + ".gone")  # offline, or the URL moved
    proc = run("make", "-o", ".venv/.installed", "update", cwd=student, check=False)
    assert proc.returncode != 0 and "could not reach the course's repository" in proc.stderr, proc.stderr
    assert {rel: (student / rel).read_bytes() for rel in files} == files
    assert run("git", "rev-parse", "HEAD", cwd=student).stdout == head
    shutil.rmtree(student / ".git")
    with pytest.raises(U.UpdateError, match="not a git clone"):
        U.update(student)


def test_an_answer_finds_its_cell_when_the_course_gave_the_cells_new_ids():
    """A regenerated problem set may give its cells new ids: the answer still finds its cell."""
    base = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("intro", id="a"),
            nbformat.v4.new_code_cell(
                "raise NotImplementedError()", id="b", metadata={"nbgrader": {"grade_id": "ex1", "solution": True}}
            ),
        ]
    )
    mine = nbformat.reads(nbformat.writes(base), 4)
    mine.cells[1].source = "answer = 42"
    theirs = nbformat.reads(nbformat.writes(base), 4)
    theirs.cells[0].source, theirs.cells[0].id, theirs.cells[1].id = "new intro", "x1", "x2"
    merged = U.merge(base, mine, theirs)
    assert [c.source for c in merged.cells] == ["new intro", "answer = 42"]
    assert merged.cells[1].id == "x2" and not U.conflicts(merged)


def test_make_update_refuses_while_jupyterlab_serves_the_course(course, tmp_path, monkeypatch, capsys):
    """Issue 57, item 5: a notebook open in JupyterLab during the update is saved over it
    ("Overwrite"), and the course's change is lost. A server of another folder, or the runtime
    file a stopped server left behind, does not stop the update. make progress names a problem
    set open in that server (what was typed there since the last save is not on disk)."""
    _, author, student = course
    student_works(student)
    course_publishes(author)
    runtime = tmp_path / "runtime"  # Jupyter's runtime folder, as make update reads it
    runtime.mkdir()
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    server, server_url, _ = start_jupyter(
        ["server", f"--ServerApp.root_dir={student}"], tmp_path / "server.log", dict(os.environ), 60
    )
    try:
        ours = runtime / f"jpserver-{server.pid}.json"  # the file the server wrote, as make lab's writes it
        ours.write_text((server.runtime_dir / ours.name).read_text())
        other = json.loads(ours.read_text())  # a live server of another folder
        (runtime / "jpserver-1.json").write_text(json.dumps(dict(other, root_dir=str(elsewhere))))
        assert [s.pid for s in labserver.servers(student)] == [server.pid]
        assert [s.root for s in labserver.servers(elsewhere)] == [elsewhere.resolve()]
        head = run("git", "rev-parse", "HEAD", cwd=student).stdout
        files = {rel: (student / rel).read_bytes() for rel in (LECTURE, PS)}
        assert U.main([str(student)]) == 2  # make update's own command line
        said = capsys.readouterr().err
        assert "JupyterLab is running for this folder" in said and f"process {server.pid}" in said, said
        assert "stop JupyterLab" in said and str(elsewhere) not in said, said
        assert "then run make update again" in said, said
        assert {rel: (student / rel).read_bytes() for rel in files} == files
        assert run("git", "rev-parse", "HEAD", cwd=student).stdout == head and not (student / U.BACKUP).exists()
        with pytest.raises(U.UpdateError, match="JupyterLab is running") as refused:
            U.restore(student)
        assert "then run make update RESTORE=1 again" in str(refused.value), refused.value
        # make progress, from the same files: the problem set open there may hold unsaved typing
        from rnnlab import progress

        assert progress.open_in_lab(student / "release") == set()
        token = json.loads(ours.read_text())["token"]
        request = urllib.request.Request(
            f"{server_url}/api/sessions?token={token}",
            method="POST",
            data=json.dumps({"path": PS, "type": "notebook", "name": "", "kernel": {"name": "python3"}}).encode(),
        )
        urllib.request.urlopen(request, timeout=60).close()
        assert progress.open_in_lab(student / "release") == {(student / PS).resolve()}
        assert progress.OPEN_IN_LAB in progress.SetResult("ps03", open_in_lab=True).heading()
        ours.unlink()  # only the other folder's server is left
        assert labserver.servers(elsewhere) and not labserver.servers(student)
    finally:
        stop_server(server)
    # the server has stopped and its runtime file stays behind (a server killed hard): no refusal
    ours.write_text(json.dumps(other))
    assert not labserver.servers(student)
    U.refuse_while_served(student)


def test_restore_brings_back_an_update_saved_over(course):
    """JupyterLab's "Overwrite" after an update writes the notebook as it was before: the course's
    change is gone and a second make update is already up to date. make update says so, and make
    update RESTORE=1 brings the change back, keeping what the student typed since."""
    _, author, student = course
    student_works(student)
    old_ps = (student / PS).read_bytes()
    course_publishes(author)
    U.update(student, log=lambda line: None)
    ps = nbformat.reads(old_ps.decode(), 4)  # the browser's copy, saved over the update
    gid_cell(ps, "lstm_step_backward").source = "def lstm_step_backward(*args):\n    return 'TYPED AFTER THE UPDATE'"
    nbformat.write(ps, student / PS)
    overwritten = (student / PS).read_bytes()
    assert not nbformat.read(student / PS, 4).cells[0].source.endswith("COURSE FIX in the instructions.")

    again = []
    assert U.update(student, log=again.append) == 0
    assert "Already up to date" in again[0] and PS in again[1] and "make update RESTORE=1" in again[1], again
    # a newer version would build on the loss: refused until it is restored
    (author / "README.md").write_text("version 3\n")
    run("git", "commit", "-qam", "v3", cwd=author)
    run("git", "push", "-q", "origin", "main", cwd=author)
    with pytest.raises(U.UpdateError, match="RESTORE=1 first"):
        U.update(student)
    assert (student / PS).read_bytes() == overwritten

    plain = run("make", "-o", ".venv/.installed", "update", "RESTORE=0", cwd=student, check=False)
    assert plain.returncode != 0 and "RESTORE=1 first" in plain.stderr, plain.stdout + plain.stderr
    assert (student / PS).read_bytes() == overwritten, "RESTORE=0 is a plain update: refused, nothing restored"
    restored = run("make", "-o", ".venv/.installed", "update", "RESTORE=1", cwd=student)
    assert f"{PS}: the update's changes back" in restored.stdout, restored.stdout
    ps = nbformat.read(student / PS, 4)
    assert ps.cells[0].source.endswith("COURSE FIX in the instructions.")
    assert gid_cell(ps, "lstm_step_backward_visible").source.endswith("# COURSE FIX in the test")
    assert gid_cell(ps, "lstm_step_backward").source.endswith("'TYPED AFTER THE UPDATE'")
    assert gid_cell(ps, "lstm_all_gates").source.endswith("'MY GATES ANSWER, unsaved to git'")
    assert [c.source for c in ps.cells].count("MY PS NOTE") == 1
    backups = sorted((student / U.BACKUP).iterdir())
    assert (backups[-1] / PS).read_bytes() == overwritten, "the file as it was, kept"
    said = []
    assert U.restore(student, log=said.append) == 0 and said[0].startswith("Nothing to restore"), said
    lecture = (student / LECTURE).read_bytes()
    U.update(student, log=said.append)
    assert "README.md: updated" in said and (student / LECTURE).read_bytes() == lecture, said


def test_a_cell_the_student_changed_as_the_course_did_is_not_doubled():
    base = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("old", id="a")])
    mine = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("new", id="a")])
    theirs = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("new", id="a")])
    merged = U.merge(base, mine, theirs)
    assert [c.source for c in merged.cells] == ["new"] and not U.conflicts(merged)


def test_what_both_sides_did_to_one_notebook_is_kept_and_only_a_cell_both_changed_is_marked():
    """nbdime's merge with the course's strategies: a note of the student's where the course added a
    cell, and metadata or outputs both changed, are no conflict (both cells; the course's metadata
    and outputs); a cell one side deleted and the other changed comes back marked, and so does a
    cell whose text both changed. With nbdime's command-line defaults the first would be marker
    cells and the metadata an `nbdime-conflicts` entry."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    out = lambda text: [nbformat.v4.new_output("stream", text=text)]
    answer = {"nbgrader": {"grade_id": "ex1", "solution": True}}

    def nb(*cells, version=None):
        return nbformat.v4.new_notebook(
            cells=list(cells), metadata={"language_info": {"name": "python", "version": version}}
        )

    base = nb(md("intro", id="a"), code("x = 1", id="b"), code("pass", id="s", metadata=answer), md("the end", id="c"))
    mine = nb(
        md("intro", id="a"),
        md("MY NOTE", id="m"),
        code("x = 1", id="b", outputs=out("ran it\n")),
        code("answer = 42", id="s", metadata=answer, outputs=out("42\n")),
        version="3.11.9",
    )
    theirs = nb(
        md("intro, fixed", id="a"),
        md("COURSE NEW", id="n"),
        code("x = 1", id="b", outputs=out("re-executed\n")),
        code("pass", id="s", metadata=answer),
        md("the end, fixed", id="c"),
        version="3.12",
    )
    merged = U.merge(base, mine, theirs)
    assert [c.source for c in merged.cells] == [
        "intro, fixed",
        "MY NOTE",
        "COURSE NEW",
        "x = 1",
        "answer = 42",
        "<<<<<<< LOCAL CELL DELETED >>>>>>>\nthe end, fixed",
    ]
    assert merged.cells[3].outputs == out("re-executed\n") and merged.cells[4].outputs == out("42\n")
    assert merged.metadata.language_info.version == "3.12" and "nbdime" not in json.dumps(merged)
    assert U.conflicts(merged) == ['cell 6 ("the end, fixed")']
    theirs.cells[0].source = "intro, and the course's"
    mine.cells[0].source = "intro, and mine"
    assert U.conflicts(U.merge(base, mine, theirs))[0] == 'cell 1 ("intro, and mine")'
    nbformat.validate(merged)


def test_a_server_counts_while_its_process_lives_and_its_address_answers(tmp_path, monkeypatch):
    """The servers make update and make progress see: jupyter_server's list of running servers (a
    runtime file whose process has ended is none), less a file whose process id lives but whose
    address takes no connection (left by a crash or a reboot, its id now another program's)."""
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    (tmp_path / "runtime").mkdir()
    course = tmp_path / "course"
    (course / "release").mkdir(parents=True)
    ended = subprocess.Popen(["true"])
    ended.wait()
    with socket.socket() as listening, socket.socket() as closed:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        closed.bind(("127.0.0.1", 0))
        for pid, sock in ((os.getpid(), listening), (os.getppid(), closed), (ended.pid, listening)):
            info = {"pid": pid, "url": f"http://127.0.0.1:{sock.getsockname()[1]}/", "root_dir": str(course)}
            (tmp_path / "runtime" / f"jpserver-{pid}.json").write_text(json.dumps(dict(info, token="t", sock="")))
        assert [(s.pid, s.root, s.token) for s in labserver.servers(course)] == [(os.getpid(), course, "t")]
        assert [s.pid for s in labserver.servers(course / "release")] == [os.getpid()], "a folder it serves"
        assert [s.pid for s in labserver.servers(tmp_path)] == [os.getpid()], "a folder inside it"
        assert labserver.servers(tmp_path / "elsewhere") == []


def test_only_an_old_copy_counts_as_saved_over():
    """A cell the course changed that reads its old text again is an old copy saved over the
    update; the student's own edit of that cell since is their work, not a loss."""

    def nb(**cells):
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(v, id=k) for k, v in cells.items()])

    base, theirs = nb(a="old", b="same"), nb(a="new", b="same", c="added")
    assert U._saved_over(base, nb(a="old", b="same", c="added"), theirs)
    assert U._saved_over(base, nb(a="new", b="same"), theirs), "every added cell gone"
    assert not U._saved_over(base, nb(a="new", b="same", c="added"), theirs)
    assert not U._saved_over(base, nb(a="my edit of the new text", b="mine too", c="added"), theirs)


# -- bad input and failures part-way: refused or rolled back, nothing lost (issue: blind tester) ------


def state(student, *, backup=True):
    """Every file of the clone (its hash), git's status, HEAD, and whether a merge is in progress."""
    files = {}
    for folder, dirs, names in os.walk(student):
        dirs[:] = [d for d in dirs if d != ".git" and (backup or d != U.BACKUP)]
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink():
                files[path.relative_to(student).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return (
        files,
        run("git", "status", "--porcelain", "--untracked-files=all", cwd=student).stdout,
        run("git", "rev-parse", "HEAD", cwd=student).stdout,
        (student / ".git" / "MERGE_HEAD").exists(),
        run("git", "diff", "--cached", "--name-only", cwd=student).stdout,
    )


def update_works_afterwards(student):
    proc = run("make", "-o", ".venv/.installed", "update", cwd=student)
    assert "Updated to version" in proc.stdout and "README.md: updated" in proc.stdout, proc.stdout
    assert run("git", "status", "--porcelain", "--untracked-files=no", cwd=student).stdout == ""
    assert (student / "README.md").read_text() == "version 2\n"
    assert gid_cell(nbformat.read(student / PS, 4), "lstm_all_gates").source.endswith("unsaved to git'")


def test_a_notebook_that_is_not_json_stops_the_update_before_anything_changes(course):
    """A notebook the update must merge that is no notebook (a bad edit in a text editor, a half
    written file) is named, with the line, and nothing changes: no file, no commit, no merge."""
    _, author, student = course
    student_works(student)
    course_publishes(author)
    good = (student / LECTURE).read_bytes()
    lines = good.decode().splitlines(keepends=True)
    lines[4] = lines[4].rstrip().rstrip(",") + " oops\n"
    (student / LECTURE).write_text("".join(lines))
    (student / "scratch.txt").write_text("untracked, outside notebooks/\n")
    before = state(student)
    proc = run("make", "-o", ".venv/.installed", "update", cwd=student, check=False)
    said = proc.stderr
    assert proc.returncode == 2 and "Traceback" not in said, said
    assert f"{LECTURE} is not a readable notebook (line 5," in said and f"git checkout -- {LECTURE}" in said, said
    assert "nothing was changed" in said and PS not in said, said
    assert state(student) == before and not (student / U.BACKUP).exists()
    (student / LECTURE).write_bytes(good)
    update_works_afterwards(student)


def test_a_file_where_the_course_needs_a_folder_stops_the_update_before_anything_changes(course, capsys):
    """A file of the student's where the course adds a folder: named, nothing changed."""
    _, author, student = course
    student_works(student)
    (author / "notebooks" / "data").mkdir()
    (author / "notebooks" / "data" / "new.csv").write_text("a,b\n")
    run("git", "add", "-A", cwd=author)
    course_publishes(author)
    (student / "notebooks" / "data").write_text("my own file called data\n")
    before = state(student)
    assert U.main([str(student)]) == 2
    said = capsys.readouterr().err
    assert "notebooks/data is a file where the course needs a folder (for notebooks/data/new.csv)" in said, said
    assert "rename or move notebooks/data" in said and "nothing was changed" in said and "Traceback" not in said, said
    assert state(student) == before and not (student / U.BACKUP).exists()
    (student / "notebooks" / "data").unlink()
    update_works_afterwards(student)
    assert (student / "notebooks" / "data" / "new.csv").read_text() == "a,b\n"


def publish_a_new_folder(author):
    """The course's release, and a file in a folder the student's clone does not have yet."""
    course_publishes(author)
    (author / "notebooks" / "more" / "new.txt").parent.mkdir(parents=True)
    (author / "notebooks" / "more" / "new.txt").write_text("new\n")
    run("git", "add", "-A", cwd=author)
    run("git", "commit", "-qm", "v2.1", cwd=author)
    run("git", "push", "-q", "origin", "main", cwd=author)


def assert_undone(student, before, said):
    assert "the update stopped part-way" in said and "Everything is back as it was" in said, said
    assert "nothing was lost" in said and "Traceback" not in said, said
    assert state(student, backup=False) == before
    assert not (student / "notebooks" / "more").exists(), "the folder the merge made is gone"
    left = [*student.rglob(".merge_file_*"), *student.rglob("*.lock")]
    assert not left, f"temporary files left behind: {left}"


def test_a_folder_git_cannot_write_undoes_the_update(course, capsys):
    """A folder the merge must write into that cannot be written (made immutable: tests run as root,
    for whom permissions do not stop a write): git stops part-way, and the update undoes all of it,
    saying how to make it writable."""
    _, author, student = course
    student_works(student)
    publish_a_new_folder(author)
    before = state(student)
    folder = student / "notebooks"
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("this file system cannot make a folder immutable (chattr +i)")
    try:
        assert U.main([str(student)]) == 2
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    said = capsys.readouterr().err
    assert "git merge failed" in said and "Operation not permitted" in said and "chattr -i" in said, said
    assert_undone(student, before, said)
    update_works_afterwards(student)


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_an_update_stopped_part_way_is_rolled_back(course, monkeypatch, capsys, failure):
    """A failure once git has written the merge (a full disk, Ctrl+C) and before it is committed:
    the files go back to the student's, the student's commit and the merge are undone."""
    _, author, student = course
    student_works(student)
    publish_a_new_folder(author)
    before = state(student)
    real_git = U.git

    def fails_to_commit_the_merge(*args, **kwargs):
        if "commit" in args and any(str(a).startswith(U.SUBJECT) for a in args):
            assert (student / "notebooks" / "more" / "new.txt").exists(), "the merge wrote its files"
            raise failure
        return real_git(*args, **kwargs)

    monkeypatch.setattr(U, "git", fails_to_commit_the_merge)
    assert U.main([str(student)]) == 2
    said = capsys.readouterr().err
    reason = "interrupted (Ctrl+C)" if isinstance(failure, KeyboardInterrupt) else "No space left on device"
    assert reason in said, said
    assert_undone(student, before, said)
    monkeypatch.undo()
    update_works_afterwards(student)
    assert (student / "notebooks" / "more" / "new.txt").read_text() == "new\n"
