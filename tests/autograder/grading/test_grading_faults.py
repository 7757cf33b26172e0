"""One bad file never stops a class (issue 15): each trigger that aborted, hung or graded the
wrong notebook, at the level of the part that failed, and the per-student isolation of every
stage of a run. Fast: no kernel runs here (the fuzzer in test_grading_fuzz.py grades)."""

import io
import json
import os
import signal
import zipfile
from contextlib import contextmanager

import nbformat
import pytest

from autograder.authoring import fixtures as F
from autograder.grading import intake, scoring, staging
from autograder.grading.sanitize import MAX_DEPTH, Rejected, read, repair
from support import notebooks, staged

A = "ps01_sequence_data"
RELEASE, SOURCE = notebooks(A)
# the instructor's solution as Jupyter saves it: every source a list of lines
SAVED = nbformat.writes(nbformat.reads(F.build(F.SOLUTION, RELEASE, SOURCE), 4))


def put(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def edited(change) -> str:
    nb = json.loads(SAVED)
    change(nb)
    return json.dumps(nb, indent=1)


def gid_cell(nb, gid):
    return next(
        c
        for c in nb["cells"]
        if isinstance(c["metadata"].get("nbgrader"), dict) and c["metadata"]["nbgrader"].get("grade_id") == gid
    )


@contextmanager
def no_hang(seconds=20):
    def fail(*_):
        raise TimeoutError(f"no answer within {seconds} s (a hang)")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# -- reading and repair ---------------------------------------------------------------------------


def test_a_notebook_saved_by_jupyter_is_read_and_repaired(tmp_path):
    assert '"source": [' in SAVED
    nb = read(put(tmp_path / "nb.ipynb", SAVED))
    assert all(isinstance(c.source, str) for c in nb.cells)
    fixed = repair(nb, RELEASE)
    assert fixed.flags == []


def test_nbformat_4_0_without_cell_ids_is_upgraded(tmp_path):
    def to_4_0(nb):
        nb["nbformat_minor"] = 0
        for cell in nb["cells"]:
            del cell["id"]

    nb = read(put(tmp_path / "nb.ipynb", edited(to_4_0)))
    assert nb.nbformat_minor >= 5 and all(c.get("id") for c in nb.cells)
    fixed = repair(nb, RELEASE)
    nbformat.validate(fixed.notebook)
    assert fixed.flags == []


@pytest.mark.parametrize("value", ["solution", 3, None, ["grade"]])
def test_nbgrader_metadata_that_is_not_an_object_is_removed_and_the_cell_put_back(tmp_path, value):
    def spoil(nb):
        gid_cell(nb, "make_windows_visible")["metadata"]["nbgrader"] = value

    fixed = repair(read(put(tmp_path / "nb.ipynb", edited(spoil))), RELEASE)
    text = " | ".join(fixed.flags)
    assert "grading metadata is malformed" in text and "'make_windows_visible' was deleted; put back" in text
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in fixed.notebook.cells]
    assert ids.count("make_windows_visible") == 1


@pytest.mark.parametrize("value", [["one_hot"], {"a": 1}, 7])
def test_a_grade_id_that_is_not_a_string_is_removed(tmp_path, value):
    def spoil(nb):
        gid_cell(nb, "one_hot")["metadata"]["nbgrader"]["grade_id"] = value

    fixed = repair(read(put(tmp_path / "nb.ipynb", edited(spoil))), RELEASE)
    assert any("grading metadata is malformed" in f for f in fixed.flags)
    nbformat.validate(fixed.notebook)


@pytest.mark.parametrize("depth,reason", [(100_000, "thousands of levels"), (MAX_DEPTH + 5, "more than")])
def test_deeply_nested_json_is_rejected(tmp_path, depth, reason):
    nb = json.loads(SAVED)
    nb["metadata"]["deep"] = "nested here"
    text = json.dumps(nb).replace('"nested here"', "[" * depth + "]" * depth)
    with pytest.raises(Rejected, match=reason):
        read(put(tmp_path / "nb.ipynb", text))


def test_a_named_pipe_is_never_opened_for_reading(tmp_path):
    os.mkfifo(tmp_path / "nb.ipynb")
    with no_hang(), pytest.raises(Rejected, match="not a regular file"):
        read(tmp_path / "nb.ipynb")


# -- intake: folders ------------------------------------------------------------------------------


def test_links_pipes_and_hard_links_are_refused_per_student(tmp_path):
    course = F.make_course(tmp_path / "course", [A])
    sub = tmp_path / "class"
    put(sub / "alice" / A / f"{A}.ipynb", SAVED)
    put(sub / "honest" / f"{A}.ipynb", SAVED)
    (sub / "eve").mkdir()
    os.symlink("../alice/" + A, sub / "eve" / A)  # a classmate's folder
    (sub / "trudy").mkdir()
    os.symlink(course / "source" / A, sub / "trudy" / A)  # the instructor's solutions
    os.symlink(sub / "alice", sub / "mallet")  # a whole student folder
    os.mkfifo(sub / f"pipe_{A}.ipynb")  # flat LMS name
    (sub / "piper").mkdir()
    os.mkfifo(sub / "piper" / f"{A}.ipynb")
    put(tmp_path / "elsewhere.ipynb", SAVED)
    (sub / "hardy").mkdir()
    os.link(tmp_path / "elsewhere.ipynb", sub / "hardy" / f"{A}.ipynb")
    put(sub / "walt" / f"{A}.ipynb", SAVED)
    os.symlink("/etc/passwd", sub / "walt" / "notes.txt")  # a link beside a good notebook
    with no_hang():
        got = intake.collect(sub, A, tmp_path / "work")
    assert sorted(got.notebooks) == ["alice", "honest", "walt"]
    assert "symbolic link" in got.refused["eve"] and "symbolic link" in got.refused["trudy"]
    assert "symbolic link" in got.refused["mallet"]
    assert "named pipe" in got.refused["pipe"] and "named pipe" in got.refused["piper"]
    assert "hard link" in got.refused["hardy"]
    assert "symbolic link" in dict(got.rejected)["walt/notes.txt"]


def test_refused_students_end_rejected_and_are_never_staged(tmp_path):
    course = F.make_course(tmp_path / "course", [A])
    sub = tmp_path / "class"
    put(sub / "honest" / f"{A}.ipynb", SAVED)
    (sub / "trudy").mkdir()
    os.symlink(course / "source" / A, sub / "trudy" / A)
    run, ready = staged(A, sub, course, RELEASE)
    assert ready == ["honest"]
    assert run.rows["trudy"].status == "rejected" and "symbolic link" in run.rows["trudy"].reason
    assert not (course / "staged" / "trudy").exists()


def test_a_file_name_that_is_not_utf8_is_reported_and_written(tmp_path):
    course = F.make_course(tmp_path / "course", [A])
    sub = tmp_path / "class"
    put(sub / "honest" / f"{A}.ipynb", SAVED)
    put(type(sub)(os.fsdecode(os.fsencode(sub) + b"/caf\xe9.pdf")), b"%PDF")
    run, _ = staged(A, sub, course, RELEASE)
    scoring.write_reports(run)
    report = (course / "reports" / A / "report.md").read_text(encoding="utf-8")
    assert "caf\ufffd.pdf" in report and "| honest |" in report
    json.loads((course / "reports" / A / "report.json").read_text(encoding="utf-8"))


# -- intake: zips -----------------------------------------------------------------------------------


def zip_of(entries, compression=zipfile.ZIP_DEFLATED) -> bytearray:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return bytearray(buf.getvalue())


def set_flag(data: bytearray, name: bytes, bit: int, then=None) -> bytearray:
    """OR `bit` into the flags of `name`'s local and central headers (then edit the name)."""
    for sig, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        i = data.find(sig)
        while i >= 0:
            if data[i + name_at : i + name_at + len(name)] == name:
                data[i + flags_at : i + flags_at + 2] = (
                    int.from_bytes(data[i + flags_at : i + flags_at + 2], "little") | bit
                ).to_bytes(2, "little")
                if then:
                    then(data, i + name_at)
            i = data.find(sig, i + 4)
    return data


def collect_zip(tmp_path, data):
    put(tmp_path / "class.zip", bytes(data))
    with no_hang():
        return intake.collect(tmp_path / "class.zip", A, tmp_path / "work")


def test_zip_name_clash_is_refused_by_entry(tmp_path):
    got = collect_zip(tmp_path, zip_of([(f"honest/{A}.ipynb", SAVED), ("bob", "x"), (f"bob/{A}.ipynb", SAVED)]))
    assert list(got.notebooks) == ["honest"]
    assert "clashes with another entry" in dict(got.rejected)[f"bob/{A}.ipynb"]
    assert "clashes with another entry" in got.refused["bob"]  # bob ends rejected, with why


def test_zip_bad_crc_is_refused_by_entry(tmp_path):
    data = zip_of([(f"honest/{A}.ipynb", SAVED), (f"bob/{A}.ipynb", SAVED)], zipfile.ZIP_STORED)
    name = f"bob/{A}.ipynb".encode()
    data[data.find(name) + len(name) + 300] ^= 0x20
    got = collect_zip(tmp_path, data)
    assert list(got.notebooks) == ["honest"]
    assert "damaged" in dict(got.rejected)[f"bob/{A}.ipynb"] and "damaged" in got.refused["bob"]
    assert not (tmp_path / "work" / "extracted" / "bob" / f"{A}.ipynb").exists()


def test_zip_encrypted_entry_is_refused_by_entry(tmp_path):
    data = set_flag(zip_of([(f"honest/{A}.ipynb", SAVED), (f"bob/{A}.ipynb", SAVED)]), f"bob/{A}.ipynb".encode(), 0x1)
    got = collect_zip(tmp_path, data)
    assert list(got.notebooks) == ["honest"]
    assert "encrypted" in dict(got.rejected)[f"bob/{A}.ipynb"] and "encrypted" in got.refused["bob"]


def test_zip_names_flagged_utf8_that_are_not_are_read_as_cp437(tmp_path):
    def spoil(data, at):
        data[at + 5] = 0xFF  # "notes.pdf" -> b"notes\xffpdf"

    data = set_flag(zip_of([(f"honest/{A}.ipynb", SAVED), ("notes.pdf", "%PDF")]), b"notes.pdf", 0x800, spoil)
    got = collect_zip(tmp_path, data)
    assert list(got.notebooks) == ["honest"]
    assert any(e.startswith("notes") and "not a notebook" in why for e, why in got.rejected)


def test_zip_bomb_by_ratio_is_refused(tmp_path):
    got = collect_zip(tmp_path, zip_of([(f"honest/{A}.ipynb", SAVED), (f"bob/{A}.ipynb", b" " * (4 * 1024**2))]))
    assert list(got.notebooks) == ["honest"]
    assert "zip bomb" in dict(got.rejected)[f"bob/{A}.ipynb"]


def test_lms_zip_with_a_stray_file_beside_the_student_folders(tmp_path):
    got = collect_zip(
        tmp_path,
        zip_of(
            [(f"export/alice/{A}.ipynb", SAVED), (f"export/bob/{A}.ipynb", SAVED), ("export/instructions.pdf", "%PDF")]
        ),
    )
    assert sorted(got.notebooks) == ["alice", "bob"] and not got.missing
    assert "not a notebook or a student folder" in dict(got.rejected)["instructions.pdf"]


def test_a_wrapping_folder_with_strays_beside_it(tmp_path):
    got = collect_zip(tmp_path, zip_of([(f"export/alice/{A}.ipynb", SAVED), ("readme.txt", "hi")]))
    assert list(got.notebooks) == ["alice"] and not got.missing
    assert "beside the folder export/" in dict(got.rejected)["readme.txt"]


# -- per-student isolation of every stage of a run ----------------------------------------------------


@pytest.fixture
def class_of_three(tmp_path):
    course = F.make_course(tmp_path / "course", [A])
    sub = tmp_path / "class"
    for student in ("alice", "bob", "carol"):
        put(sub / student / f"{A}.ipynb", SAVED)
    return course, sub


def boom_for(student, real):
    def fn(*args, **kwargs):
        if any(student in str(a) for a in args):
            raise RuntimeError("simulated fault")
        return real(*args, **kwargs)

    return fn


def test_a_fault_while_reading_one_student_is_that_students_grader_error(class_of_three, monkeypatch):
    monkeypatch.setattr(staging, "read", boom_for("bob", staging.read))
    run, ready = staged(A, class_of_three[1], class_of_three[0], RELEASE)
    assert ready == ["alice", "carol"]
    bob = run.rows["bob"]
    assert bob.status == "failed" and bob.grader_error and "re-run" in bob.reason


def test_a_fault_while_finding_one_students_notebook_is_that_students_grader_error(class_of_three, monkeypatch):
    real = intake._student_folder

    def student_folder(found, folder, student, assignment):
        if student == "bob":
            raise KeyError("simulated fault")
        return real(found, folder, student, assignment)

    monkeypatch.setattr(intake, "_student_folder", student_folder)
    run, ready = staged(A, class_of_three[1], class_of_three[0], RELEASE)
    assert ready == ["alice", "carol"]
    assert run.rows["bob"].status == "failed" and run.rows["bob"].grader_error


def test_a_fault_while_reading_one_students_outcome_is_that_students_grader_error(class_of_three, monkeypatch):
    from types import SimpleNamespace

    import nbgrader.api

    from autograder.grading.run import grade_student

    class Gradebook:  # the gradebook fails to answer for bob alone
        def __init__(self, url):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def find_submission(self, assignment, student):
            if student == "bob":
                raise RuntimeError("database is locked")
            return SimpleNamespace(notebooks=[])

    run, ready = staged(A, class_of_three[1], class_of_three[0], RELEASE)
    pages = {s: run.course / "feedback" / s / A / f"{A}.html" for s in ready}
    for page in pages.values():  # as autograde leaves them, before the outcome is read
        put(page, "<p>19 / 22</p>")
    monkeypatch.setattr(nbgrader.api, "Gradebook", Gradebook)
    for student in ready:
        grade_student(run, student, 0, None, steps=[scoring.read_outcome])
    assert [run.rows[s].status for s in ("alice", "bob", "carol")] == ["graded", "failed", "graded"]
    assert run.rows["bob"].grader_error and "reading the outcome" in run.rows["bob"].reason
    # a page with a score the report does not give is not left for `make feedback` to hand out,
    # nor written again by it
    assert [s for s, page in pages.items() if page.exists()] == ["alice", "carol"]
    from autograder.grading.feedbackscan import withheld_marker

    assert "grader error" in withheld_marker(run.course, A, "bob").read_text()
    assert not withheld_marker(run.course, A, "alice").exists()
    monkeypatch.undo()
    scoring.write_reports(run)
    rows = (run.course / "reports" / A / "grades.csv").read_text(encoding="utf-8-sig").splitlines()
    assert any(r.startswith("bob,,") for r in rows), rows  # no score for a grader error


def test_feedback_that_cannot_be_checked_is_withheld_for_that_student_alone(class_of_three):
    from autograder.grading.feedbackscan import scan_feedback_pages

    run, _ = staged(A, class_of_three[1], class_of_three[0], RELEASE)
    for student in ("alice", "bob"):
        folder = run.course / "feedback" / student / A
        folder.mkdir(parents=True)
        put(folder / f"{A}.html", "<html>fine</html>")
    html = run.course / "feedback" / "bob" / A / f"{A}.html"
    html.unlink()
    html.mkdir()  # unreadable as a file
    scan_feedback_pages(run)
    assert any("feedback withheld" in f for f in run.rows["bob"].flags)
    assert not run.rows["alice"].flags
