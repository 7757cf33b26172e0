"""Demo classes (issue 30): `make demo-class` writes a course folder of its own, and grading it
never touches the course's real gradebook, reports or feedback, however many demos exist."""

import csv
import shutil
import subprocess
import sys

import pytest

from autograder.authoring import fixtures as F
from autograder.course.folder import venv_env
from autograder.grading.run import DEMO_MARKER, Options, grade_class

A, B = "ps01_sequence_data", "ps02_rnn"


def _demo(folder, name):
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", "demo", name, str(folder)], capture_output=True, text=True, env=venv_env()
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_a_demo_class_is_a_course_of_its_own(tmp_path):
    said = _demo(tmp_path, "ps03")
    course = tmp_path / "ps03_lstm_gates"
    assert (course / DEMO_MARKER).is_file() and (course / "nbgrader_config.py").is_file()
    assert (course / "source" / "ps03_lstm_gates" / "ps03_lstm_gates.ipynb").is_file()
    students = sorted(p.name for p in (course / "submissions").iterdir())
    assert {"solution", "blank", "broken"} <= set(students) and len(students) >= 6
    assert f"SUBMISSIONS={tmp_path}" in said
    # writing it again replaces it; a folder that is not a demo is never overwritten
    (course / "submissions" / "stale").mkdir()
    _demo(tmp_path, "ps03")
    assert not (course / "submissions" / "stale").exists()
    (tmp_path / "real" / "ps03_lstm_gates").mkdir(parents=True)
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", "demo", "ps03", str(tmp_path / "real")],
        capture_output=True,
        text=True,
        env=venv_env(),
    )
    assert proc.returncode == 2 and "is not a demo class" in proc.stderr


@pytest.mark.grading
def test_grading_demos_leaves_the_real_course_untouched(tmp_path):
    real = F.make_course(tmp_path / "course", [A])
    before = sorted(p.relative_to(real) for p in real.rglob("*"))
    demos = tmp_path / "demo-class"
    _demo(demos, "ps01")
    _demo(demos, "ps02")  # two demo classes side by side: the README's command still finds each
    kept = {"solution", "blank", "broken"}
    for student in (demos / A / "submissions").iterdir():
        if student.name not in kept:
            shutil.rmtree(student)
    said = []
    results = grade_class("ps01", demos, course=real, options=Options(jobs=1), log=said.append).rows
    assert set(results) == kept, results
    assert not results["solution"].failed_tests and results["solution"].score > 0  # all but hand grading
    assert results["blank"].score == 0
    assert results["broken"].status == "rejected" and results["broken"].reason and results["broken"].score == 0
    assert any("a demo class" in line for line in said)
    assert sorted(p.relative_to(real) for p in real.rglob("*")) == before, "the real course changed"
    with open(demos / A / "reports" / A / "grades.csv", encoding="utf-8-sig") as f:
        assert {row["student_id"] for row in csv.DictReader(f)} == kept
    assert (demos / A / "gradebook.db").is_file() and not (demos / B / "gradebook.db").exists()
