"""The student's progress command: visible tests of every problem set, non-zero on failure."""
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder import fixtures as F
from rnnlab import progress

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
    proc = subprocess.run([sys.executable, "-m", "rnnlab.progress", str(three_students["blank"])],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.strip().splitlines()[-1] == "0 of 3 visible tests pass (3 not attempted)"
    for exercise in ("lstm_step", "lstm_all_gates"):
        assert f"{exercise} " in proc.stdout and "not attempted" in proc.stdout
    assert "all visible tests pass" not in proc.stdout
    assert "WARNING" not in proc.stdout + proc.stderr, "kernel warnings on screen"


def test_finished_work_passes(three_students):
    results, status = progress.run(three_students["done"])
    assert [t.status for t in results[0].tests] == ["passed"] * 3 and status == 0
    assert progress.summary(results) == "3 of 3 visible tests pass"
    # the quiz's visible check reads the letters only: it must not read as a quiz passed
    table = progress.table(results)
    assert "  quiz " in table and "answered (each answer a valid letter; scored when graded)" in table
    assert not any(line.split() == ["quiz", "passed"] for line in table.splitlines())


def test_a_bug_fails_with_its_message_and_exit_status(three_students):
    proc = subprocess.run([sys.executable, "-m", "rnnlab.progress", str(three_students["buggy"])],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    failed = [line for line in proc.stdout.splitlines() if "FAILED" in line]
    assert len(failed) == 1 and failed[0].split()[0] == "lstm_step" and "AssertionError" in failed[0]
    assert proc.stdout.strip().splitlines()[-1] == "2 of 3 visible tests pass (1 failed)"
    # it checks the files on disk, and says so first: unsaved answers in the browser are not seen
    assert proc.stdout.splitlines()[0] == progress.SAVED_ONLY


def test_results_arrive_one_by_one_in_notebook_order(three_students):
    seen = []
    results, _ = progress.run(three_students["buggy"], on_set=lambda name: seen.append(name),
                              on_result=lambda name, test: seen.append((name, test.grade_id, test.status)))
    assert seen[0] == A and len(seen) == 1 + len(results[0].tests)
    assert [s[1] for s in seen[1:]] == [t.grade_id for t in results[0].tests]


def test_the_student_files_are_not_changed(three_students):
    path = three_students["buggy"] / A / f"{A}.ipynb"
    before = path.read_bytes()
    progress.run(three_students["buggy"])
    assert path.read_bytes() == before


def test_empty_folder_is_an_error(tmp_path):
    assert progress.main([str(tmp_path)]) == 2


def test_progress_button_shows_each_result_as_it_arrives(three_students):
    button = progress.ProgressButton(three_students["buggy"])
    assert button.table.value == ""
    shown = []
    button.table.observe(lambda change: shown.append(change["new"]), "value")
    button.button.click()
    assert any("running ps03_lstm_gates" in v for v in shown[:2]), "nothing shown while it runs"
    assert "lstm_step" in button.table.value and "AssertionError" in button.table.value
    assert button.table.value.endswith("<p>2 of 3 visible tests pass (1 failed)</p>")
    assert not button.button.disabled


def test_progress_button_on_a_fresh_release_does_not_claim_success(three_students):
    button = progress.ProgressButton(three_students["blank"])
    shown = []
    button.table.observe(lambda change: shown.append(change["new"]), "value")
    button.button.click()
    assert "0 of 3 visible tests pass (3 not attempted)" in button.table.value
    assert progress.SAVED_ONLY in shown[0], "the button must say it reads the saved files"
    assert "all visible tests pass" not in button.table.value


def test_the_readmes_example_count_is_the_courses():
    """The READMEs' example ("12 of N visible tests pass") names the course's own number of tests."""
    import re
    total = sum(1 for path in progress.find_sets(REPO / "release") for cell in nbformat.read(path, 4).cells
                if progress._visible_test(cell))
    for readme in (REPO / "README.md", REPO / "autograder" / "student" / "README.md"):
        said = re.findall(r"12 of\s+(\d+)\s+visible tests pass", readme.read_text())
        assert said == [str(total)], (readme, said, total)
