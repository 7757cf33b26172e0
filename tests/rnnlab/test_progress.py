"""The student's progress command: visible tests of every problem set, non-zero on failure."""

import shutil
import subprocess
import sys
import threading
import time

import nbformat
import pytest

from autograder.authoring import fixtures as F
from rnnlab import progress
from rnnlab.diagnose import catalogue

A = "ps03_lstm_gates"
REPO = progress.REPO


@pytest.fixture(scope="module")
def three_students(tmp_path_factory):
    """Release folders of a student who has not started, one who is done, one with a bug."""
    release = nbformat.read(REPO / "release" / A / f"{A}.ipynb", 4)
    source = nbformat.read(REPO / "source" / A / f"{A}.ipynb", 4)
    wrong = next(fx for fx in F.fixtures_for(A, "mutants") if fx.name == "step_gate_order")
    folders = {}
    for name, fx in (("blank", None), ("done", F.SOLUTION), ("buggy", wrong)):
        folder = tmp_path_factory.mktemp(name) / "release" / A
        folder.mkdir(parents=True)
        if fx is None:
            shutil.copy(REPO / "release" / A / f"{A}.ipynb", folder)
        else:
            (folder / f"{A}.ipynb").write_text(F.build(fx, release, source))
        folders[name] = folder.parent
    return folders


def test_a_fresh_release_says_none_pass_names_each_exercise_and_fails(three_students):
    def command(*args):
        return subprocess.run(
            [sys.executable, "-m", "rnnlab.progress", str(three_students["blank"]), *args],
            capture_output=True,
            text=True,
        )

    proc = command()
    assert proc.returncode == 1
    assert proc.stdout.strip().splitlines()[-1] == "0 of 3 visible tests pass (3 not attempted)"
    # a set not started is one name on one line, with how to see it test by test (issue 78)
    assert "Not started (no answer written yet): ps03.\nTo see one set test by test: make progress ONLY=ps03\n" in (
        proc.stdout
    )
    assert "lstm_step_backward" not in proc.stdout and f"{A}:" not in proc.stdout
    proc = command("--only", "ps03", "--again")
    assert proc.returncode == 1
    assert proc.stdout.strip().splitlines()[-1] == "0 of 3 visible tests pass (3 not attempted)"
    for exercise in ("lstm_step_backward", "lstm_all_gates"):
        assert f"{exercise} " in proc.stdout and "not attempted" in proc.stdout
    assert "all visible tests pass" not in proc.stdout and "Not started" not in proc.stdout
    assert "WARNING" not in proc.stdout + proc.stderr, "kernel warnings on screen"
    # a set nobody answered: its file's time is the clone's, not a save (issue 57, item 5)
    assert f"{A}: 0 of 3 pass (no answer written yet)" in proc.stdout and "saved" not in proc.stdout.split(A)[1]


def test_the_sets_begun_come_test_by_test_and_the_rest_on_one_line(three_students, tmp_path):
    """A student on ps03 reads ps03's tests, not a screen of "not attempted" for every set after it."""
    release = tmp_path / "release"
    shutil.copytree(three_students["buggy"], release)
    for name in ("ps01_sequence_data", "ps02_rnn"):
        shutil.copytree(REPO / "release" / name, release / name)
    proc = subprocess.run([sys.executable, "-m", "rnnlab.progress", str(release)], capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 1 and lines[-1] == "2 of " + lines[-1].split(" of ")[1], lines[-1]
    assert any(line.startswith(f"{A}: 2 of 3 pass (saved ") for line in lines), proc.stdout
    assert lines[-3:-1] == [
        "Not started (no answer written yet): ps01, ps02.",
        "To see one set test by test: make progress ONLY=ps01",
    ]
    assert not any(line.startswith(("ps01_", "ps02_")) for line in lines), proc.stdout


def test_finished_work_passes(three_students):
    results, status = progress.run(three_students["done"])
    assert [t.status for t in results[0].tests] == ["passed"] * 3 and status == 0
    assert progress.summary(results) == "3 of 3 visible tests pass"
    # the quiz's visible check reads the letters only: it must not read as a quiz passed
    table = "\n".join(t.line() for t in results[0].tests)
    assert "  quiz " in table and "answered (each answer a valid letter; scored when graded)" in table
    assert not any(line.split() == ["quiz", "passed"] for line in table.splitlines())


def test_a_bug_fails_with_its_message_and_exit_status(three_students):
    proc = subprocess.run(
        [sys.executable, "-m", "rnnlab.progress", str(three_students["buggy"])], capture_output=True, text=True
    )
    assert proc.returncode == 1
    failed = [line for line in proc.stdout.splitlines() if "FAILED" in line]
    assert len(failed) == 1 and failed[0].split()[0] == "lstm_step_backward" and "AssertionError" in failed[0]
    # the known mistake the test cell names is on the FAILED line too (issue 53)
    title = next(e.title for e in catalogue(A)["lstm_step_backward"] if e.id == "step-gate-order")
    assert f"; looks like: {title}"[:60] in failed[0], failed[0]
    assert proc.stdout.strip().splitlines()[-1] == "2 of 3 visible tests pass (1 failed)"
    # it checks the files on disk, and says so first: unsaved answers in the browser are not seen
    assert proc.stdout.splitlines()[0] == progress.SAVED_ONLY


def test_results_arrive_one_by_one_in_notebook_order(three_students):
    seen = []
    results, _ = progress.run(
        three_students["buggy"],
        on_set=lambda name: seen.append(name),
        on_result=lambda name, test: seen.append((name, test.grade_id, test.status)),
    )
    assert seen[0] == A and len(seen) == 1 + len(results[0].tests)
    assert [s[1] for s in seen[1:]] == [t.grade_id for t in results[0].tests]


def test_the_student_files_are_not_changed(three_students):
    path = three_students["buggy"] / A / f"{A}.ipynb"
    before = path.read_bytes()
    progress.run(three_students["buggy"])
    assert path.read_bytes() == before


def test_empty_folder_is_an_error(tmp_path):
    assert progress.main([str(tmp_path)]) == 2


def _fresh(release):
    """No results kept from an earlier test: every set runs."""
    (release.parent / progress.CACHE_NAME).unlink(missing_ok=True)
    return release


def test_progress_button_shows_each_result_as_it_arrives_and_leaves_the_kernel_free(three_students):
    button = progress.ProgressButton(_fresh(three_students["buggy"]))
    assert button.table.value == ""
    shown = []
    button.table.observe(lambda change: shown.append(change["new"]), "value")
    began = time.monotonic()
    button.button.click()
    returned = time.monotonic() - began
    assert returned < 1.0, f"the click held the kernel for {returned:.1f} s"
    assert button.thread.is_alive() and button.button.disabled, "the check should still be running"
    button.wait(180)
    assert any("running ps03_lstm_gates" in v for v in shown[:3]), "nothing shown while it runs"
    assert "lstm_step_backward" in button.table.value and "AssertionError" in button.table.value
    assert button.table.value.endswith("<p>2 of 3 visible tests pass (1 failed)</p>")
    assert "saved " in button.table.value and " ago</small>" in button.table.value
    assert not button.button.disabled


def test_progress_button_on_a_fresh_release_does_not_claim_success(three_students):
    button = progress.ProgressButton(_fresh(three_students["blank"]))
    shown = []
    button.table.observe(lambda change: shown.append(change["new"]), "value")
    button.button.click()
    button.wait(180)
    assert "0 of 3 visible tests pass (3 not attempted)" in button.table.value
    assert progress.SAVED_ONLY in shown[0], "the button must say it reads the saved files"
    assert "all visible tests pass" not in button.table.value


def test_unchanged_sets_are_not_run_again_and_a_change_runs_them(three_students, monkeypatch):
    release = _fresh(three_students["buggy"])
    ran = []

    def counted_check(path, on_result=None, nb=None):  # what the real check would say, without a kernel
        ran.append(path)
        return progress.SetResult(
            path.stem,
            [
                progress.TestResult("lstm_step_backward_visible", "failed", "AssertionError: x"),
                progress.TestResult("quiz_format", "passed"),
            ],
        )

    monkeypatch.setattr(progress, "check", counted_check)
    first, _ = progress.run(release)
    assert len(ran) == 1 and not first[0].reused
    ran.clear()
    again, _ = progress.run(release)
    assert ran == [] and again[0].reused and again[0].tests == first[0].tests
    assert "unchanged since the last check" in again[0].heading()
    # the student saves a change: that set runs again
    path = release / A / f"{A}.ipynb"
    nb = nbformat.read(path, 4)
    nb.cells.append(nbformat.v4.new_markdown_cell("my note"))
    nbformat.write(nb, path)
    changed, _ = progress.run(release)
    assert len(ran) == 1 and not changed[0].reused
    # a new version of the course package: results are not reused either
    monkeypatch.setattr(progress, "package_fingerprint", lambda: "another version")
    progress.run(release)
    assert len(ran) == 2
    # a results file that cannot be read counts as empty
    (release.parent / progress.CACHE_NAME).write_text("{not json")
    progress.run(release)
    assert len(ran) == 3


def test_changed_sets_run_at_once_up_to_the_jobs_allowed(tmp_path, monkeypatch):
    release = tmp_path / "release"
    for n in range(4):
        folder = release / f"ps0{n}_x"
        folder.mkdir(parents=True)
        shutil.copy(REPO / "release" / A / f"{A}.ipynb", folder / f"ps0{n}_x.ipynb")
    running, most = [0], [0]
    lock = threading.Lock()

    def slow_check(path, on_result=None, nb=None):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.3)
        with lock:
            running[0] -= 1
        return progress.SetResult(path.stem, [progress.TestResult("x_visible", "passed")])

    monkeypatch.setattr(progress, "check", slow_check)
    results, status = progress.run(release, jobs=2)
    assert most[0] == 2 and status == 0
    assert [r.name for r in results] == [f"ps0{n}_x" for n in range(4)]  # release order
    _fresh(release)
    most[0] = 0
    progress.run(release, jobs=1)
    assert most[0] == 1


def test_the_command_names_when_each_set_was_saved(three_students):
    proc = subprocess.run(
        [sys.executable, "-m", "rnnlab.progress", str(three_students["done"])], capture_output=True, text=True
    )
    heading = next(line for line in proc.stdout.splitlines() if line.startswith(A))
    assert heading.startswith(f"{A}: 3 of 3 pass (saved ") and " ago" in heading, heading


def test_the_readmes_example_count_is_the_courses():
    """The READMEs' example ("12 of N visible tests pass") names the course's own number of tests."""
    import re

    total = sum(
        1
        for path in progress.find_sets(REPO / "release")
        for cell in nbformat.read(path, 4).cells
        if progress._visible_test(cell)
    )
    for readme in (REPO / "README.md", REPO / "autograder" / "publishing" / "student" / "README.md"):
        said = re.findall(r"12 of\s+(\d+)\s+visible tests pass", readme.read_text())
        assert said == [str(total)], (
            f"{readme.relative_to(REPO)}'s example says 12 of {' and '.join(said) or 'no number of'} visible tests "
            f"pass; the course has {total}"
        )


def test_the_texts_say_as_many_sets_at_once_as_the_code_runs():
    """The start page, the READMEs and the docstring name the same cap on sets run at once as the
    code (`MAX_JOBS`), and the same rule (one per core)."""
    import re

    words = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 8: "eight"}
    texts = {
        path: " ".join(path.read_text().replace('\\n",', " ").replace('"', " ").split())
        for path in (REPO / "README.md", REPO / "notebooks" / "00_start_here.ipynb", REPO / "rnnlab" / "progress.py")
    }
    for path, text in texts.items():
        caps = re.findall(r"up to (\w+)\)", text)
        assert caps == [words[progress.MAX_JOBS]], (path, caps)
        assert "core" in text, path


@pytest.mark.parametrize("unanswered", [True, False])
def test_a_set_open_in_jupyterlab_says_unsaved_typing_is_not_checked_in_one_pair_of_parentheses(unanswered):
    heading = progress.SetResult(A, saved=time.time() - 60, unanswered=unanswered, open_in_lab=True).heading()
    assert heading.count("(") == heading.count(")") == 1 and heading.endswith(")"), heading
    assert "open in JupyterLab: unsaved typing there is not checked, Ctrl+S saves it" in heading, heading
    assert "since it was saved" not in heading, heading
    assert ("no answer written yet" in heading) == unanswered, heading


def test_no_answer_written_yet_is_read_from_nbgraders_checksums():
    """Every answer cell of a released set carries nbgrader's checksum of it as released; one
    changed character, and the set has an answer."""
    from nbgrader.utils import compute_checksum

    for path in progress.find_sets(REPO / "release"):
        nb = nbformat.read(path, 4)
        answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert answers and all(progress._checksum(c) == compute_checksum(c) for c in answers), path.name
        assert progress.unanswered(nb), path.name
        answers[-1].source += " "
        assert not progress.unanswered(nb), path.name
    done = progress.SetResult(A, saved=time.time() - 300)
    assert done.when() == "saved 5 min ago" and "no answer" in progress.SetResult(A, unanswered=True).when()


def test_a_failed_line_names_the_mistake_printed_below_the_error():
    """A plain assert in a test cell fails on the cell's own line: the named mistake is printed
    below the error, not inside it (as nbclient recorded ps02's shapes_lists mutant), and the
    FAILED line names it too (issue 57, item 5)."""
    cell = nbformat.v4.new_code_cell(
        "name_mistakes(...)\nassert type(shapes) is tuple",
        execution_count=5,
        metadata={"nbgrader": {"grade_id": "rnn_shapes_visible", "grade": True}},
    )
    cell.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="AssertionError",
            traceback=["AssertionError: rnn_shapes should return a tuple"],
            evalue="rnn_shapes should return a tuple (output_shape, h_n_shape)",
        ),
        nbformat.v4.new_output(
            "stream",
            name="stdout",
            text=(
                "Looks like: the shapes given as lists, not tuples.\nYour numbers are right, but the exercise "
                "asks for a tuple of two tuples of ints (the form\ntuple(t.shape) has).\nSee the description.\n"
            ),
        ),
    ]
    line = progress._judge(cell, set()).line()
    assert "FAILED: AssertionError: rnn_shapes should return a tuple" in line
    assert line.endswith("; looks like: the shapes given as lists, not tuples"), line


def test_the_start_page_s_button_does_not_import_nbformat():
    """The start page's first cells show the button: importing nbformat (with jsonschema's format
    checkers, about a second of CPU) waits until a check runs."""
    code = "import sys; from rnnlab.progress import ProgressButton; assert 'nbformat' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
