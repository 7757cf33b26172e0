"""Issue 30: a student whose notebook was renamed, or who handed in two, has a row that says which
notebook was graded and why; nobody disappears into "files not graded"."""

import os
import subprocess
import time

from autograder.grading.intake import collect

A = "ps03_lstm_gates"


def _nb(path, mtime):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    os.utime(path, (mtime, mtime))


def _clock(seconds):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))


def test_a_renamed_notebook_is_graded_and_said(tmp_path):
    cls = tmp_path / "class"
    _nb(cls / "alice" / f"{A}_final.ipynb", 1000)
    _nb(cls / "bob" / A / f"{A} (1).ipynb", 1000)
    _nb(cls / "carol" / "scratch.ipynb", 1000)
    found = collect(cls, A, tmp_path / "work")
    assert found.notebooks["alice"].name == f"{A}_final.ipynb"
    assert found.notebooks["bob"].name == f"{A} (1).ipynb"
    assert "renamed" in found.notes["alice"][0] and f"{A}_final.ipynb" in found.notes["alice"][0]
    assert "carol" in found.missing and "scratch.ipynb" in found.missing["carol"]
    assert not found.rejected


def test_of_two_notebooks_the_one_modified_last_is_graded_and_both_are_named(tmp_path):
    cls = tmp_path / "class"
    _nb(cls / "alice" / f"{A}.ipynb", 1000)  # the untouched copy
    _nb(cls / "alice" / f"{A} (1).ipynb", 2000)  # where she worked
    _nb(cls / "bob" / f"{A}.ipynb", 3000)
    _nb(cls / "bob" / f"{A}-2.ipynb", 3000)  # modified at once: the assignment's name wins
    found = collect(cls, A, tmp_path / "work")
    assert found.notebooks["alice"].name == f"{A} (1).ipynb"
    assert found.notes["alice"] == [
        f"2 notebooks submitted: graded {A} (1).ipynb (modified {_clock(2000)}), "
        f"the one modified last; not graded: {A}.ipynb (modified {_clock(1000)})"
    ]
    assert found.notebooks["bob"].name == f"{A}.ipynb"
    assert found.notes["bob"] == [
        f"2 notebooks submitted: graded {A}.ipynb (modified {_clock(3000)}), modified at "
        f"the same time as {A}-2.ipynb, so: named like the assignment; not graded: "
        f"{A}-2.ipynb (modified {_clock(3000)})"
    ]
    assert not found.rejected


def test_lms_names_renamed_and_late_keep_their_student(tmp_path):
    cls = tmp_path / "class"
    _nb(cls / f"alice_12345_678_{A}.ipynb", 1000)
    _nb(cls / f"alice_12345_901_{A}-1.ipynb", 2000)  # Canvas's name for a resubmission
    _nb(cls / f"bob_LATE_23456_789_{A}.ipynb", 1000)  # Canvas's mark for a late one
    _nb(cls / f"carol_34567_890_{A} (2).ipynb", 1000)
    _nb(cls / "notes_for_ta.ipynb", 1000)
    found = collect(cls, A, tmp_path / "work")
    assert found.notebooks["alice"].name == f"alice_12345_901_{A}-1.ipynb"
    assert "2 notebooks submitted" in found.notes["alice"][0]
    assert found.notebooks["bob"].name == f"bob_LATE_23456_789_{A}.ipynb"
    assert found.notes["bob"] == ["Canvas marked it late"] and "Canvas marked it late" not in found.notes["alice"]
    assert found.notebooks["carol"].name == f"carol_34567_890_{A} (2).ipynb" and "renamed" in found.notes["carol"][0]
    assert [name for name, _ in found.rejected] == ["notes_for_ta.ipynb"]


def test_moodle_and_blackboard_downloads_keep_each_student(tmp_path):
    """Moodle's download names folders (or files) 'Full Name_<participant id>_assignsubmission_file_';
    Blackboard's names files '<assignment>_<username>_attempt_<date>_<file>' beside a receipt."""
    moodle = tmp_path / "moodle"
    _nb(moodle / "Alice Smith_123456_assignsubmission_file_" / f"{A}.ipynb", 1000)
    _nb(moodle / "Bob de Vries_123457_assignsubmission_file_" / f"{A} (1).ipynb", 1000)
    _nb(moodle / "Chloé Martin_123458_assignsubmission_onlinetext_" / "onlinetext.html", 1000)
    found = collect(moodle, A, tmp_path / "w1")
    assert sorted(found.notebooks) == ["123456", "123457"]
    assert "from the Moodle folder Alice Smith_123456_assignsubmission_file_" in found.notes["123456"]
    assert any("renamed" in n for n in found.notes["123457"])
    assert [name for name, _ in found.rejected] == ["Chloé Martin_123458_assignsubmission_onlinetext_"]
    # without a roster the row is named as Moodle's folder names the student (it had only the number)
    from autograder.gradebook.rows import Result
    from autograder.grading.staging import identify

    row = Result("123457", "graded")
    identify(row, A, None, None, found.lms["123457"])
    assert (row.name, row.lms, row.lms_id) == ("Bob de Vries", "moodle", "123457")

    flat = tmp_path / "moodle-flat"
    _nb(flat / f"Alice Smith_123456_assignsubmission_file_{A}.ipynb", 1000)
    found = collect(flat, A, tmp_path / "w2")
    assert sorted(found.notebooks) == ["123456"] and found.lms["123456"]["name"] == "Alice Smith"

    bb = tmp_path / "blackboard"
    _nb(bb / f"Problem Set 3_alice2_attempt_2026-11-20-10-00-00_{A}.ipynb", 1000)
    _nb(bb / f"Problem Set 3_bob7_attempt_2026-11-21-09-30-00_{A}-1.ipynb", 1000)
    (bb / "Problem Set 3_alice2_attempt_2026-11-20-10-00-00.txt").write_text("receipt")
    found = collect(bb, A, tmp_path / "w3")
    assert sorted(found.notebooks) == ["alice2", "bob7"]
    assert any("Blackboard file" in n for n in found.notes["alice2"])
    assert [name for name, _ in found.rejected] == ["Problem Set 3_alice2_attempt_2026-11-20-10-00-00.txt"]


def test_names_in_a_zip_made_by_info_zip_on_linux_are_read_as_written(tmp_path):
    """Info-ZIP's zip (Linux, macOS) writes UTF-8 names without the zip format's UTF-8 flag, which
    says cp437: a Moodle download zipped again by an instructor, or a class folder zipped by a TA,
    gave 'J├╝rgen M├╝ller'. The zip here is made by the `zip` command itself."""
    folder = tmp_path / "class" / "Jürgen Müller_123456_assignsubmission_file_"
    _nb(folder / f"{A}.ipynb", 1000)
    _nb(tmp_path / "class" / "zoe" / f"{A}.ipynb", 1000)
    archive = tmp_path / "class.zip"
    subprocess.run(
        ["zip", "-q", "-r", str(archive), "Jürgen Müller_123456_assignsubmission_file_", "zoe"],
        cwd=tmp_path / "class",
        check=True,
        env={**os.environ, "LANG": "C.UTF-8"},
    )
    import zipfile

    infos = zipfile.ZipFile(archive).infolist()
    assert not any(i.flag_bits & 0x800 for i in infos) and "J├╝rgen" in infos[0].filename  # as zipfile reads it
    found = collect(archive, A, tmp_path / "work")
    assert sorted(found.notebooks) == ["123456", "zoe"], (found.notebooks, found.rejected)
    assert found.notebooks["123456"].parent.name == "Jürgen Müller_123456_assignsubmission_file_"
    assert not found.rejected


def test_a_name_with_letters_no_student_id_has_says_so(tmp_path):
    """'kjærnesøystein_5151_777_ps03_lstm_gates.ipynb' (Canvas's pattern with non-ASCII letters)
    was rejected as not matching '<student>_..._ps03_lstm_gates.ipynb', which it seems to: the
    reason names the letters a student id cannot hold and what to do."""
    cls = tmp_path / "class"
    _nb(cls / f"kjærnesøystein_5151_777_{A}.ipynb", 1000)
    _nb(cls / f"notes for {A}.ipynb", 1000)
    found = collect(cls, A, tmp_path / "work")
    reasons = dict(found.rejected)
    why = reasons[f"kjærnesøystein_5151_777_{A}.ipynb"]
    assert why.startswith("file name does not match the expected") and "'kjærnesøystein' holds letters" in why, why
    assert "rename the file" in why
    assert "holds letters" not in reasons[f"notes for {A}.ipynb"]
