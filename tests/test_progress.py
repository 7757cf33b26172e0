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


def test_not_started_is_reported_but_does_not_fail(three_students):
    results, status = progress.run(three_students["blank"])
    (r,) = results
    assert r.count("not started") == 3 and r.count("passed") == 0 and r.count("failed") == 0
    assert status == 0
    assert progress.run(three_students["blank"], strict=True)[1] == 1


def test_finished_work_passes(three_students):
    results, status = progress.run(three_students["done"])
    assert [t.status for t in results[0].tests] == ["passed"] * 3 and status == 0


def test_a_bug_fails_with_its_message_and_exit_status(three_students):
    proc = subprocess.run([sys.executable, "-m", "rnnlab.progress", str(three_students["buggy"])],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "lstm_step_visible: AssertionError" in proc.stdout and "some visible tests fail" in proc.stdout
    assert "lstm_all_gates_visible" not in proc.stdout.split("lstm_step_visible")[1]


def test_the_student_files_are_not_changed(three_students):
    path = three_students["buggy"] / A / f"{A}.ipynb"
    before = path.read_bytes()
    progress.run(three_students["buggy"])
    assert path.read_bytes() == before


def test_empty_folder_is_an_error(tmp_path):
    assert progress.main([str(tmp_path)]) == 2


def test_progress_button_shows_the_table(three_students):
    button = progress.ProgressButton(three_students["buggy"])
    assert button.table.value == ""
    button.button.click()
    assert "ps03_lstm_gates" in button.table.value and "some visible tests fail" in button.table.value
    assert "lstm_step_visible: AssertionError" in button.table.value
