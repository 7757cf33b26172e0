"""Unit tests of the grading pipeline's parts: intake, repair, sandbox, re-check judging."""

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

import nbformat
import pytest
import torch

from autograder.grading import intake, recheck, zips
from autograder.grading import sandbox as sb
from autograder.grading.sanitize import Rejected, read, repair
from support import IN_CI, notebooks, processes_of

A = "ps03_lstm_gates"
RELEASE, SOURCE = notebooks(A)


def write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


# -- intake -----------------------------------------------------------------------------------


def test_folder_layouts_and_lms_names(tmp_path):
    write(tmp_path / "alice" / f"{A}.ipynb", RELEASE)
    write(tmp_path / "bob" / A / f"{A}.ipynb", RELEASE)
    write(tmp_path / f"carol_12345_678_{A}.ipynb", RELEASE)
    (tmp_path / "dave").mkdir()
    (tmp_path / "dave" / "answers.txt").write_text("?")
    write(tmp_path / "bad name!" / f"{A}.ipynb", RELEASE)
    (tmp_path / "readme.txt").write_text("hi")
    got = intake.collect(tmp_path, A, tmp_path / "work")
    assert sorted(got.notebooks) == ["alice", "bob", "carol"]
    assert "no ps03_lstm_gates.ipynb" in got.missing["dave"] and "answers.txt" in got.missing["dave"]
    reasons = dict(got.rejected)
    assert "not a valid student id" in reasons["bad name!"]
    assert "not a notebook" in reasons["readme.txt"]


def test_zip_slip_symlinks_and_bombs_are_refused(tmp_path):
    archive = tmp_path / "in.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"erin/{A}.ipynb", nbformat.writes(RELEASE))
        zf.writestr("../up.ipynb", "x")
        zf.writestr("/abs.ipynb", "x")
        zf.writestr("C:/win.ipynb", "x")
        link = zipfile.ZipInfo("frank/link.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/shadow")
        zf.writestr("big.bin", b"\0" * (zips.MAX_ENTRY + 1))
    got = intake.collect(archive, A, tmp_path / "work")
    assert list(got.notebooks) == ["erin"]
    reasons = dict(got.rejected)
    for entry in ("../up.ipynb", "/abs.ipynb", "C:/win.ipynb"):
        assert "outside the archive" in reasons[entry]
    assert "symbolic link" in reasons["frank/link.ipynb"]
    assert "limit" in reasons["big.bin"]
    assert not (tmp_path / "up.ipynb").exists() and not (tmp_path / "work" / "up.ipynb").exists()


def test_an_entry_that_climbs_into_a_classmate_s_folder_is_refused_alone(tmp_path):
    """An entry whose path leaves its folder names no student: it is refused and listed, and the
    classmate whose folder it names (or a student it invents) is graded as if it were not there."""
    archive = tmp_path / "in.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"victim/{A}.ipynb", nbformat.writes(RELEASE))
        zf.writestr(f"bob/../victim/{A}.ipynb", "x")
        zf.writestr(f"bob/../../invented/{A}.ipynb", "x")
        zf.writestr(f"/tmp/absolute/{A}.ipynb", "x")
    got = intake.collect(archive, A, tmp_path / "work")
    assert list(got.notebooks) == ["victim"] and not got.refused, (got.notebooks, got.refused)
    reasons = dict(got.rejected)
    for entry in (f"bob/../victim/{A}.ipynb", f"bob/../../invented/{A}.ipynb", f"/tmp/absolute/{A}.ipynb"):
        assert "outside the archive" in reasons[entry], reasons


def test_not_a_zip(tmp_path):
    bad = tmp_path / "x.zip"
    bad.write_text("not a zip")
    got = intake.collect(bad, A, tmp_path / "work")
    assert "not a readable zip" in dict(got.rejected)["x.zip"]


# -- reading and repairing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content,reason",
    [
        ('{"cells": [', "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        ('{"nbformat": 3, "worksheets": []}', "version 4"),
        (
            '{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "bogus", "id": "a"}], "metadata": {}}',
            "notebook format",
        ),
        # a newer minor: nbformat's own schema for it allows any cell type (the fuzzer's TypeError)
        (
            '{"nbformat": 4, "nbformat_minor": 6, "cells": [{"cell_type": null, "id": "a", "metadata": {}, '
            '"source": "x", "outputs": [], "execution_count": null}], "metadata": {}}',
            "notebook format",
        ),
    ],
)
def test_unreadable_submissions_are_rejected_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(Rejected, match=reason):
        read(path)


def test_a_newer_minor_version_with_known_cell_types_is_read(tmp_path):
    """A notebook saved by a newer Jupyter (4.6, with a field 4.5 does not have) is still read, and
    repaired (the repair labelled it 4.5, whose schema then refused the new field)."""
    nb = json.loads(json.dumps(RELEASE))
    nb["nbformat_minor"] = 6
    nb["cells"][0]["metadata"]["new_field"] = 1
    nb["cells"][0]["attachments_v2"] = {}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    got = read(path)
    assert [c.cell_type for c in got.cells] == [c["cell_type"] for c in nb["cells"]]
    assert repair(got, RELEASE).notebook.cells[0]["attachments_v2"] == {}  # and graded as it is


def test_a_lone_surrogate_is_mended_and_the_notebook_can_be_written(tmp_path):
    """JSON may hold a lone surrogate (JupyterLab saves half an emoji as the escape \\ud83d); no
    Unicode text can, so writing the staged copy failed (UnicodeEncodeError: a grader error and an
    empty score). It becomes U+FFFD, with a note, in sources, outputs and metadata keys alike."""
    nb = json.loads(json.dumps(RELEASE))
    nb["cells"][0]["source"] = "a smile \ud83d and \udc80"
    nb["cells"][1].setdefault("metadata", {})["x\udfff"] = "\ud800"
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))  # ensure_ascii: the escapes as JupyterLab writes them
    notes = []
    got = read(path, notes)
    assert notes and "4 broken character(s)" in notes[0], notes
    assert got.cells[0].source == "a smile \ufffd and \ufffd"
    nbformat.writes(got).encode("utf-8")  # what staging does: no UnicodeEncodeError
    notes = []
    read(
        tmp_path.joinpath("ok.ipynb") if tmp_path.joinpath("ok.ipynb").write_text(json.dumps(RELEASE)) else None, notes
    )
    assert notes == []


def test_repair_restores_metadata_cells_and_types():
    nb = nbformat.from_dict(json.loads(json.dumps(RELEASE)))
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    cells["quiz_q1"].metadata.nbgrader["points"] = 50
    cells["lstm_step_backward"].metadata.nbgrader["schema_version"] = 4
    cells["lstm_step_backward_visible"].source = "pass"
    hidden = cells["lstm_all_gates_hidden"]
    hidden.cell_type = "markdown"
    del hidden["outputs"], hidden["execution_count"]
    forged = nbformat.v4.new_code_cell(
        "pass", metadata={"nbgrader": {"grade": True, "grade_id": "mine", "points": 99, "schema_version": 3}}
    )
    twin = nbformat.from_dict(json.loads(json.dumps(cells["quiz_q2"])))
    twin["id"] = "twin"
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "quiz_q3"]
    nb.cells += [forged, twin]
    fixed = repair(nb, RELEASE)
    text = " | ".join(fixed.flags)
    for part in (
        "'quiz_q1': grading metadata edited (points 50 -> 1)",
        "schema_version 4 -> 3",
        "'lstm_step_backward_visible': a locked or test cell was edited",
        "'lstm_all_gates_hidden': type changed",
        "unknown cell 'mine'",
        "second copy of cell 'quiz_q2'",
        "'quiz_q3' was deleted",
    ):
        assert part in text, part
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in fixed.notebook.cells]
    release_ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in RELEASE.cells]
    assert [i for i in ids if i] == [i for i in release_ids if i]  # same graded cells, same order
    restored = fixed.notebook.cells[ids.index("lstm_all_gates_hidden")]
    assert restored.cell_type == "code" and restored.metadata.nbgrader["points"] == 6
    nbformat.validate(fixed.notebook)


def test_repair_keeps_a_students_answer_when_its_cell_type_changed():
    nb = nbformat.from_dict(json.loads(json.dumps(RELEASE)))
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "lstm_step_backward")
    cell.cell_type, cell.source = "markdown", "def lstm_step_backward(): pass"
    del cell["outputs"], cell["execution_count"]
    fixed = repair(nb, RELEASE)
    cell = next(
        c for c in fixed.notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "lstm_step_backward"
    )
    assert cell.cell_type == "code" and cell.source == "def lstm_step_backward(): pass"


def test_a_copy_of_an_earlier_release_is_the_instructors_change_not_the_students():
    """After a points fix (quiz_q3: 1 -> 2) or a fixed visible test, every student who fetched the
    set before holds the earlier release's cells: their metadata and source agree with the checksum
    nbgrader's generate_assignment stored. That is a note on their row, not a flag (every honest
    student was flagged "grading metadata edited"); an edit of the student's breaks the checksum
    and stays a flag. The current release is graded either way."""
    from nbgrader.utils import compute_checksum

    def cell_of(nb, gid):
        return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)

    def release_where(change):
        nb = nbformat.from_dict(json.loads(json.dumps(RELEASE)))
        for gid, edit in change.items():
            cell = cell_of(nb, gid)
            edit(cell)
            cell.metadata.nbgrader["checksum"] = compute_checksum(cell)  # as generate_assignment stores it
        return nb

    earlier = release_where(
        {
            "quiz_q3": lambda c: c.metadata.nbgrader.update(points=1),
            "lstm_step_backward_visible": lambda c: setattr(c, "source", c.source + "\n# an older test"),
        }
    )
    current = release_where({"quiz_q3": lambda c: c.metadata.nbgrader.update(points=2)})
    student = nbformat.from_dict(json.loads(json.dumps(earlier)))
    cell_of(student, "lstm_step_backward").source = "def lstm_step_backward(*args):\n    return args"  # their answer
    fixed = repair(student, current)
    assert fixed.flags == [], fixed.flags
    assert any(
        "'quiz_q3': grading metadata not the current release's but consistent with its checksum, "
        "as an earlier release's is (points 1 -> 2;" in n
        for n in fixed.notes
    ), fixed.notes
    assert any(
        "'lstm_step_backward_visible': a test cell not the current release's but consistent" in n for n in fixed.notes
    ), fixed.notes
    assert cell_of(fixed.notebook, "quiz_q3").metadata.nbgrader["points"] == 2
    # the same change made by the student: the checksum is the release's, the points are not
    cell_of(student, "quiz_q1").metadata.nbgrader["points"] = 50
    cell_of(student, "lstm_all_gates_visible").source = "pass"
    fixed = repair(student, current)
    assert any("'quiz_q1': grading metadata edited (points 50 -> 1)" in f for f in fixed.flags), fixed.flags
    assert any("'lstm_all_gates_visible': a locked or test cell was edited" in f for f in fixed.flags), fixed.flags
    assert not any("quiz_q1" in n or "lstm_all_gates_visible" in n for n in fixed.notes)


# -- sandbox ---------------------------------------------------------------------------------------

UID = int(os.environ.get("RNNLAB_SANDBOX_UID_BASE", "60001")) + 20  # clear of the pipeline's slots
needs_sandbox = pytest.mark.skipif(
    not IN_CI and sb.missing_tools() != [], reason=f"sandbox tools missing: {sb.missing_tools()} (CI installs them)"
)


@needs_sandbox
def test_sandbox_blocks_network_files_and_processes(tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    if os.geteuid() == 0:
        os.chown(scratch, UID, UID)
    secret = sb.REPO / "source"
    probe = f"""
import os, socket
out = []
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2); out.append("net-open")
except OSError: out.append("net-blocked")
out.append("source-visible" if os.path.exists({str(secret)!r}) else "source-hidden")
out.append("env-clean" if "NBGRADER_EXECUTION" not in os.environ and "HOME" in os.environ else "env-dirty")
try:
    open({str(sb.REPO / "rnnlab" / "x")!r}, "w"); out.append("package-writable")
except OSError: out.append("package-readonly")
open("ok.txt", "w").write("fine"); out.append("scratch-writable")
import rnnlab; out.append("package-importable")
if os.geteuid() != 0 and os.getuid() != 0: out.append("unprivileged")
print(" ".join(out))
"""
    policy = sb.Policy(runtime_dir=str(tmp_path), uid=UID)
    cmd = sb.wrap([sys.executable, "-c", probe], cwd="/work/x", binds_rw=[(str(scratch), "/work/x")], policy=policy)
    env = dict(os.environ, NBGRADER_EXECUTION="autograde")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    words = proc.stdout.split()
    assert proc.returncode == 0, proc.stderr
    assert words == [
        "net-blocked",
        "source-hidden",
        "env-clean",
        "package-readonly",
        "scratch-writable",
        "package-importable",
        "unprivileged",
    ], proc.stdout + proc.stderr
    assert (scratch / "ok.txt").read_text() == "fine"


@needs_sandbox
def test_sandbox_limits_memory_and_processes(tmp_path):
    probe = """
import os
try:
    b = bytearray(8 * 1024 ** 3); print("memory-unlimited")
except MemoryError: print("memory-limited")
n = 0
try:
    while n < 1000:
        if os.fork() == 0:
            import time; time.sleep(30); os._exit(0)
        n += 1
    print("forks-unlimited")
except OSError: print("forks-limited", n)
"""
    policy = sb.Policy(runtime_dir=str(tmp_path), uid=UID + 1, nproc=40)
    cmd = sb.wrap([sys.executable, "-c", probe], cwd="/tmp", binds_rw=[], policy=policy)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert "memory-limited" in proc.stdout, proc.stdout + proc.stderr
    if os.geteuid() == 0:
        assert "forks-limited" in proc.stdout and int(proc.stdout.split()[-1]) < 40
    left = processes_of({UID + 1})  # the children sleep 30 s unless killed
    assert not left, left  # they died with the sandbox


@needs_sandbox
def test_sandbox_kernel_reads_the_prebuilt_font_cache(tmp_path):
    """matplotlib ignores a config folder it may not write to, and then rebuilds its font list in
    every kernel (about a second, and a warning in the student's feedback)."""
    cache = tmp_path / "mplcache"
    cache.mkdir()
    subprocess.run(
        [sys.executable, "-c", "import matplotlib.font_manager"],
        check=True,
        env=dict(os.environ, MPLCONFIGDIR=str(cache)),
        capture_output=True,
    )
    assert list(cache.glob("fontlist-*.json"))
    probe = (
        "import matplotlib, os, sys; from matplotlib import font_manager; "
        "print(matplotlib.get_cachedir(), sorted(os.listdir('/tmp/mpl')))"
    )
    policy = sb.Policy(runtime_dir=str(tmp_path), uid=UID + 2, mpl_cache=str(cache))
    proc = subprocess.run(
        sb.wrap([sys.executable, "-c", probe], cwd="/tmp", binds_rw=[], policy=policy),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[0] == "/tmp/mpl" and "fontlist" in proc.stdout, proc.stdout
    assert "temporary cache directory" not in proc.stderr and "Matplotlib is building" not in proc.stderr, proc.stderr


def test_missing_tools_is_reported(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert "student code would run with your rights" in sb.check()


# -- re-check judging --------------------------------------------------------------------------------

CLEAN = recheck.clean_probe_answers()


def _printed(results, probes=None, end=True):
    """The harness's output for `results`, as an honest kernel prints it."""
    import base64

    lines = [f"{recheck.MARK}:guard:" + json.dumps({"pinned": True, "hook": True})]
    for name, value in results.items():
        buf = io.BytesIO()
        torch.save(value, buf)
        lines.append(f"{recheck.MARK}:case:{name}")
        lines.append(f"{recheck.MARK}:result:{name}:" + base64.b64encode(buf.getvalue()).decode())
    lines.append(f"{recheck.MARK}:probes:" + json.dumps(CLEAN if probes is None else probes))
    if end:
        lines.append(f"{recheck.MARK}:end")
    return "\n".join(lines) + "\n"


CASE = recheck.Case("c", ["t_visible", "t_hidden"], "result = f()", {}, (torch.ones(2), torch.zeros(2)))
BOTH = {"t_visible", "t_hidden"}


def test_judge_takes_back_points_only_when_tests_passed():
    good = _printed({"c": (torch.ones(2), torch.zeros(2))})
    bad = _printed({"c": (torch.ones(2), torch.ones(2))})
    assert recheck.judge([CASE], good, BOTH, CLEAN) == ([], set())
    flags, lost = recheck.judge([CASE], bad, BOTH, CLEAN)
    assert lost == BOTH and "lose their points" in flags[0]
    assert recheck.judge([CASE], bad, set(), CLEAN) == ([], set())  # the tests caught it already
    assert recheck.judge([CASE], bad, {"t_visible"}, CLEAN) == ([], set())  # an honest hidden-test failure
    flags, lost = recheck.judge([CASE], "nothing printed", BOTH, CLEAN)
    assert lost == BOTH and "did not run to its end" in flags[0]


def test_an_honest_wrong_answer_the_tests_missed_is_a_plain_failure():
    bad = _printed({"c": (torch.ones(2), torch.ones(2))})
    flags, lost = recheck.judge([CASE], bad, BOTH, CLEAN)
    assert lost == BOTH
    assert "plain failure" in flags[0] and "wrong result" in flags[0]
    assert not any("tamper" in f.lower() for f in flags), flags


def test_an_answer_the_re_check_could_not_run_is_held_back_and_said_so():
    """A cell that stopped in the re-check's own run (a line only Jupyter accepts, a thread, the
    time limit) leaves the function undefined: not a wrong answer, and not said to be one."""
    undefined = _printed({"c": "error: NameError"})
    stopped = f"{recheck.MARK}:cells:" + json.dumps(["the cell beginning `x = input()` stopped with EOFError"]) + "\n"
    notes = {}
    flags, lost = recheck.judge([CASE], stopped + undefined, BOTH, CLEAN, notes)
    assert (
        lost == BOTH and "could not be run again (the cell beginning `x = input()` stopped with EOFError)" in flags[0]
    )
    assert "by hand" in flags[0] and "wrong result" not in flags[0]
    text = recheck.comment_text(*notes["t_hidden"][:1], ["t_visible", "t_hidden"], dict(notes["t_hidden"][1]))
    assert "`x = input()` stopped with EOFError" in text and "the tests `t_visible` and `t_hidden` score 0" in text
    assert "wrong" not in text
    notes = {}  # without a stopped cell: the call raised
    flags, lost = recheck.judge([CASE], undefined, BOTH, CLEAN, notes)
    assert lost == BOTH and "wrong result (error: NameError)" in flags[0]
    assert "it raised NameError, although" in recheck.comment_text(
        notes["t_hidden"][0], ["t_hidden"], dict(notes["t_hidden"][1])
    )
    malformed = f"{recheck.MARK}:cells:" + '{"not": "a list"}\n'
    flags, lost = recheck.judge([CASE], malformed + _printed({"c": (torch.ones(2), torch.zeros(2))}), BOTH, CLEAN)
    assert lost == BOTH and "malformed list of stopped cells" in flags[0]


@pytest.mark.parametrize("assignment", sorted(p.parent.name for p in (sb.REPO / "source").glob("ps*/recheck.py")))
def test_the_re_check_program_and_the_kernel_s_cells_compile(assignment):
    """A syntax error in the re-check's program takes every point of every student (it fails
    closed): compile what each assignment's kernel and re-check process would run."""
    cases = recheck.load_cases(assignment)
    compile(recheck.runner_source(cases), f"{assignment}-recheck", "exec")
    compile(recheck.kernel_checks_source(), "kernel-checks", "exec")
    for cell in recheck.wait_cells(30):
        compile(cell, "wait", "exec")


def test_one_sentence_per_answer_cell_names_every_test_it_takes():
    """Quiz questions taken back together read as one sentence, not one per question."""
    quiz = [recheck.Case(f"quiz_q{k}", [f"quiz_q{k}"], "", {}, "a") for k in (1, 2, 3)]
    notes = {}
    flags, lost = recheck.judge(quiz, _printed({c.name: "b" for c in quiz}), {c.name for c in quiz}, CLEAN, notes)
    assert lost == {"quiz_q1", "quiz_q2", "quiz_q3"} and len({notes[t] for t in lost}) == 1
    text = recheck.comment_text(notes["quiz_q1"][0], sorted(lost))
    assert text == (
        "When the grader checked your quiz answers again, q1, q2 and q3 did not hold the right "
        "answer, so the tests `quiz_q1`, `quiz_q2` and `quiz_q3` score 0."
    ), text


def test_tampering_only_when_the_kernel_disagrees_with_the_same_code_outside():
    lying = dict(CLEAN, **{"torch.allclose(zeros, ones)": True})
    bad = _printed({"c": (torch.ones(2), torch.ones(2))}, probes=lying)
    flags, lost = recheck.judge([CASE], bad, BOTH, CLEAN)
    assert lost == BOTH
    assert any(f.startswith("TAMPERING") and "torch.allclose" in f for f in flags), flags


def test_probes_agree_between_a_clean_scope_and_a_notebook_with_the_helpers_imported():
    from rnnlab import checks

    assert recheck.probe_answers(dict(vars(checks))) == CLEAN
    assert (
        CLEAN["torch.allclose(zeros, ones)"] is False and CLEAN["check_close(zeros, ones) in the notebook"] == "raised"
    )
    patched = dict(vars(checks), check_close=lambda *a, **k: None)
    assert recheck.probe_answers(patched)["check_close(zeros, ones) in the notebook"] == "returned"


@pytest.mark.parametrize(
    "junk",
    [
        f"{recheck.MARK}:result:broken",  # no payload separator
        f"{recheck.MARK}:result::AAAA",  # no case name
        f"{recheck.MARK}:probes:not json",
        f"{recheck.MARK}:something-else:1",
        f"{recheck.MARK}:error:NameError",
    ],
)
def test_a_malformed_harness_line_fails_closed(junk):
    """A line printed into the harness's output by student code must cost the re-checked
    exercises their points, not be ignored (the old parser raised, and the caller kept them)."""
    good = _printed({"c": (torch.ones(2), torch.zeros(2))})
    flags, lost = recheck.judge([CASE], good + junk + "\n", BOTH, CLEAN)
    assert lost == BOTH, flags
    assert "could not be trusted" in flags[-1]


def test_a_malformed_line_during_one_call_costs_that_exercise_only():
    other = recheck.Case("d", ["u"], "result = g()", {}, torch.ones(2))
    good = _printed({"c": (torch.ones(2), torch.zeros(2)), "d": torch.ones(2)})
    lines = good.splitlines(keepends=True)
    junk = f"{recheck.MARK}:result:broken\n"
    text = "".join(lines[:2] + [junk] + lines[2:])  # printed by the call of c
    flags, lost = recheck.judge([CASE, other], text, BOTH | {"u"}, CLEAN)
    assert lost == BOTH and len(flags) == 1 and "re-check c:" in flags[0]


def test_a_second_result_for_one_case_fails_closed():
    good = _printed({"c": (torch.ones(2), torch.zeros(2))})
    forged = _printed({"c": (torch.ones(2), torch.zeros(2))}).splitlines(keepends=True)[2]
    flags, lost = recheck.judge([CASE], forged + good, BOTH, CLEAN)
    assert lost == BOTH and "could not be trusted" in flags[0]
    twice = good.splitlines(keepends=True)
    twice.insert(3, twice[2])  # the same result line, twice in the call
    flags, lost = recheck.judge([CASE], "".join(twice), BOTH, CLEAN)
    assert lost == BOTH and "two results" in flags[0]


def test_judge_rejects_forged_payloads():
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    buf = io.BytesIO()
    torch.save(Evil(), buf)
    import base64

    text = (
        f"{recheck.MARK}:case:c\n{recheck.MARK}:result:c:"
        + base64.b64encode(buf.getvalue()).decode()
        + "\n"
        + _printed({"d": torch.ones(2)})
    )
    results = recheck.parse_printed(text).results
    assert results["c"].startswith("unreadable")  # the forged one, alone
    assert torch.equal(results["d"], torch.ones(2))  # the honest one still counts
    case = recheck.Case("d", ["t"], "", {}, torch.ones(2))
    assert recheck.judge([case], text, {"t"}, CLEAN) == ([], set())
    flags, lost = recheck.judge([recheck.Case("c", ["u"], "", {}, torch.ones(2)), case], text, {"t", "u"}, CLEAN)
    assert lost == {"u"} and "unreadable" in flags[0] and "plain failure" in flags[0]


def test_student_payloads_are_not_unpickled_with_a_torch_that_lets_them_run_code():
    for version in ("2.5.1", "2.5.1+cpu", "1.13.0"):
        with pytest.raises(RuntimeError, match="CVE-2025-32434"):
            recheck.check_torch(version)
    for version in ("2.6.0", "2.13.0+cpu", torch.__version__):
        recheck.check_torch(version)
    with pytest.raises(RuntimeError, match="cannot read"):
        recheck.check_torch("nightly")


def test_fingerprint_differences_are_flagged():
    before = {"torch.allclose": "1", "input transformers": "2"}
    after = {"torch.allclose": "9", "input transformers": "3"}
    text = f"{recheck.MARK}:before:{json.dumps(before)}\n{recheck.MARK}:after:{json.dumps(after)}\n" + _printed({})
    flags, _ = recheck.judge([], text, set(), CLEAN)
    assert "torch.allclose" in flags[0] and "input transformers" in flags[0]


def test_strict_comparison():
    assert recheck.same({"a": torch.ones(3)}, {"a": torch.ones(3)}, 1e-5)
    assert not recheck.same({"a": torch.ones(3), "b": 1}, {"a": torch.ones(3)}, 1e-5)
    assert not recheck.same([torch.ones(3)], (torch.ones(3),), 1e-5)
    assert not recheck.same(torch.ones(3).as_subclass(type("T", (torch.Tensor,), {})), torch.ones(3), 1e-5)
    assert not recheck.same(torch.full((3,), float("nan")), torch.ones(3), 1e-5)
    assert recheck.same("b", "b", 0) and not recheck.same(b"b", "b", 0)


# -- the worker's shortcuts give nbgrader's own results ------------------------------------------


def test_the_tests_stamp_new_gradebooks_as_nbgrader_does():
    """conftest stamps the gradebooks tests make with alembic_head (autograder.term.move, which also
    checks a gradebook's version before moving it): the version nbgrader's own `alembic heads` gives."""
    from nbgrader.dbutil import _temp_alembic_ini

    from autograder.term.move import alembic_head

    with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:  # what nbgrader itself runs
        heads = subprocess.check_output(["alembic", "-c", ini, "heads"], text=True).split()
    assert heads[1:] == ["(head)"] and heads[0] == alembic_head(), heads


def test_gradebook_commits_skip_fsync_only_when_asked(tmp_path, monkeypatch):
    import nbgrader.api
    from sqlalchemy import event, text
    from sqlalchemy.engine import Engine

    from autograder.grading import worker

    def synchronous(name):
        gb = nbgrader.api.Gradebook(f"sqlite:///{tmp_path / name}")
        try:
            return gb.db.execute(text("PRAGMA synchronous")).scalar()
        finally:
            gb.close()

    assert synchronous("default.db") == 2  # FULL: SQLite's default, for real classes
    listener = worker.gradebook_commits_without_fsync()
    try:
        assert synchronous("tests.db") == 0  # OFF
    finally:
        event.remove(Engine, "connect", listener)
    assert synchronous("again.db") == 2


def test_submission_time_only_from_the_collector(tmp_path):
    """timestamp.txt decides lateness. The course's collector writes it into submitted/ from the
    exchange's record; a folder from anywhere else holds whatever the student wrote (2001, say),
    so it is not taken. (Before: a student's timestamp.txt of 2001 was the submission time.)"""
    import nbformat

    from autograder.grading.staging import copy_records

    a = "ps03_lstm_gates"
    for folder, collected in ((tmp_path / "download", False), (tmp_path / "course" / "submitted", True)):
        where = folder / "alice" / a
        where.mkdir(parents=True)
        (where / f"{a}.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
        (where / "timestamp.txt").write_text("2001-01-01 00:00:00.000000 UTC")
        (where / "submission_secret.txt").write_text("s3cret")
        staged = tmp_path / "staged" / folder.name / "alice" / a
        staged.mkdir(parents=True)
        copy_records(where / f"{a}.ipynb", staged, "alice", a, collected)
        assert (staged / "submission_secret.txt").exists()
        assert (staged / "timestamp.txt").exists() == collected, folder


def test_a_failed_autograde_names_the_exception_nbgrader_logged():
    """nbgrader logs an error raised in a preprocessor as a traceback after "There was an error
    processing assignment", then a generic exception: the report names the first's exception."""
    from autograder.grading.autograde import explain_failure

    log = (
        "[AutogradeApp | INFO] Converting notebook ps03.ipynb\n"
        "[AutogradeApp | ERROR] There was an error processing assignment: /c/staged/bob/ps03\n"
        "[AutogradeApp | ERROR] Traceback (most recent call last):\n"
        '      File "/x/nbgrader/converters/base.py", line 336, in convert_notebooks\n'
        "        self.convert_single_notebook(notebook_filename)\n"
        "    nbclient.exceptions.CellTimeoutError: A cell timed out while it was being executed, after 4 seconds.\n"
        "    The message was: Timeout waiting for IOPub output.\n"
        "    Here is a preview of the cell contents:\n"
        "\n"
        "[AutogradeApp | ERROR] There was an error processing assignment 'ps03' for student 'bob'\n"
        "[AutogradeApp | ERROR] Please see the the above traceback for details on the specific errors\n"
        "Traceback (most recent call last):\n"
        '  File "/x/nbgrader/converters/base.py", line 468, in convert_notebooks\n'
        "    raise NbGraderException(msg)\n"
        "nbgrader.converters.base.NbGraderException: Please see the the above traceback\n"
    )
    assert explain_failure(log) == (
        "nbgrader could not grade it: nbclient.exceptions.CellTimeoutError: A cell "
        "timed out while it was being executed, after 4 seconds. The message was: "
        "Timeout waiting for IOPub output."
    )
    assert (
        explain_failure("[AutogradeApp | ERROR] No notebooks were matched by 'x'\n")
        == "nbgrader could not grade it: No notebooks were matched by 'x'"
    )


def test_a_failure_s_reason_says_what_counts_and_names_no_internal_error():
    """A blind review: a kernel that died after every graded cell had run got 0, under a reason
    that implied the earlier work counted; junk written to the kernel's descriptors was reported
    as jupyter_client's ValueError."""
    from autograder.grading.autograde import explain_failure

    died = explain_failure("    nbclient.exceptions.DeadKernelError: Kernel died\n")
    assert "no test counts" in died and "nothing after" not in died
    garbled = explain_failure(
        "[AutogradeApp | ERROR] Traceback (most recent call last):\n    ValueError: b'<IDS|MSG>' is not in list\n"
    )
    assert garbled.startswith("the kernel's messages to the grader were garbled") and "ValueError" not in garbled
    from autograder.grading.inert import BROKEN_CONNECTION

    broken = explain_failure(
        "    The message was: Timeout waiting for execute reply (15s).\n"
        f"    nbclient.exceptions.CellTimeoutError: {BROKEN_CONNECTION}: the interrupt ...\n"
    )
    assert broken.startswith("the kernel's messages to the grader were garbled"), broken
    ignored = explain_failure("    The message was: Timeout waiting for execute reply: the kernel ignored it\n")
    assert ignored.startswith("the kernel stopped answering the grader") and "ran past" not in ignored, ignored


# One cell that displays N outputs and then raises, run in a kernel started as the grading
# kernelspec starts it (sb.KERNEL_START, its options) over a Unix socket, as graded, and read by
# an nbclient that spends `slow` seconds on each message, as a loaded grader does; prints what arrived.
FLOOD_PROBE = """
import json, os, sys, tempfile, time
from pathlib import Path
import nbformat
from rnnlab.kernels import notebook_client

n, slow, argv = int(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3])
home = Path(tempfile.mkdtemp(prefix="flood-"))
(home / "kernels" / "probe").mkdir(parents=True)
(home / "kernels" / "probe" / "kernel.json").write_text(json.dumps({"argv": argv, "language": "python",
                                                                    "display_name": "probe"}))
os.environ["JUPYTER_PATH"] = str(home)
source = (f"from IPython.display import display\\nfor k in range({n}):\\n"
          "    display({'text/plain': str(k)}, raw=True)\\nraise ValueError('the last word')")
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
seen = {"display_data": 0, "error": 0}
# as nbgrader_config.py has the grader wait for outputs after a cell's reply: a lagging reader on a
# loaded machine must not end the cell quietly with part of its outputs (an iopub_timeout of 10 s
# without raising did, at a load of 9 on 2 cores: 1,739 of 3,000 displays, "finished")
client = notebook_client(nb, kernel_name="probe", allow_errors=True, timeout=60, iopub_timeout=60,
                         raise_on_iopub_timeout=True)
read = client.process_message


def slowly(msg, cell, cell_index):
    if msg["msg_type"] in seen:
        seen[msg["msg_type"]] += 1
    time.sleep(slow)
    return read(msg, cell, cell_index)


client.process_message = slowly
try:
    client.execute()
    seen["outcome"] = "finished"
except Exception as err:
    seen["outcome"] = type(err).__name__
print(json.dumps(seen))
"""


def test_a_slow_grader_receives_every_output_of_a_flood():
    """ZeroMQ drops what passes a PUB socket's high-water mark (1,000 messages by default) while
    the reader lags. Through ipykernel's own start, of 3,000 displays read at 1.5 to 2 ms each
    about 2,070 arrived, or the closing idle message was lost too: nbclient then waited without
    end (killed after 13 minutes) or raised after iopub_timeout, and an honest student's grading
    failed (small_output_flood, on a loaded machine). The grading kernel's IOPub is unbounded."""
    argv = [sys.executable, "-c", sb.KERNEL_START, "-f", "{connection_file}", *sb.KERNEL_OPTIONS]
    try:
        done = subprocess.run(
            [sys.executable, "-c", FLOOD_PROBE, "3000", "0.0015", json.dumps(argv)],
            capture_output=True,
            text=True,
            timeout=180,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the flood's reader waited 180 s: its idle message was lost")
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "display_data": 3000,
        "error": 1,
        "outcome": "finished",
    }, done.stderr[-2000:]


def test_the_grading_kernel_keeps_no_history_file_and_in_and_out_still_work(tmp_path, monkeypatch):
    """The grading kernel runs without IPython's history database (--HistoryManager.enabled=False):
    no SQLite file and no thread saving to it, a kernel start's cost cut by about 0.07 s of CPU,
    and nothing of a student's cells written anywhere. What a notebook may read of its history
    (In, Out, _, %history) is kept in memory and still answers."""
    from rnnlab.kernels import notebook_client

    spec = tmp_path / "kernels" / "grading"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-c", sb.KERNEL_START, "-f", "{connection_file}", *sb.KERNEL_OPTIONS]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "language": "python", "display_name": "g"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    cells = [
        "6 * 7",
        "print(Out[1], _, In[1], len(In))",
        "import threading\nprint(sorted(type(t).__name__ for t in threading.enumerate()))",
        "%history -n 1",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook_client(nb, kernel_name="grading", timeout=60).execute()
    said = ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells]
    assert said[1] == "42 42 6 * 7 3\n", said
    assert "HistorySavingThread" not in said[2], said
    assert "6 * 7" in said[3], said
    assert not list(tmp_path.rglob("history.sqlite*")), sorted(tmp_path.rglob("*"))


def test_outputs_still_on_their_way_have_time_and_a_late_one_fails_closed():
    """After a cell's reply nbgrader waits iopub_timeout seconds for its remaining outputs, then
    fails the notebook. A cell that displayed 4,000 small outputs (the small_output_flood attack)
    needed more than nbclient's 4 s on a loaded machine, and its honest student's grading failed;
    with 0 s it fails every time. The wait is long, and failing stays on: an error output dropped
    because it came late would count its test as passed."""
    from autograder.course.folder import course_config

    execute = course_config().Execute
    assert execute.iopub_timeout >= 30
    assert execute.get("raise_on_iopub_timeout", True) is True


@pytest.mark.parametrize(
    "target",
    [
        "autograde ASSIGNMENT=ps03 SUBMISSIONS=x",
        "regrade ASSIGNMENT=ps03",
        "try-cluster",
        "similarity ASSIGNMENT=ps03",
        "questions ASSIGNMENT=ps03",
        "gradebook-move TO=postgresql://x/y",
    ],
)
def test_grading_commands_install_nothing(target):
    """make autograde and make regrade ran scripts/system-deps.sh first, which, as root, ran apt-get
    at every call on a machine without one of the test suite's tools (npm, chromium, PostgreSQL):
    grading needs bubblewrap alone, and a run without it refuses and says how to install it (make
    try-cluster, without PostgreSQL's server, likewise)."""
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", *target.split()], cwd=sb.REPO, capture_output=True, text=True, check=True
    ).stdout
    assert "-m autograder" in dry and "system-deps" not in dry and "apt-get" not in dry, dry


def test_grading_a_folder_that_is_not_there_says_so_in_a_line():
    """make autograde SUBMISSIONS=<a typo> ended in a Python traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "ps03_lstm_gates", "/nonexistent/typo"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-1500:]
    assert done.stderr.strip() == (
        "no submissions at /nonexistent/typo: give SUBMISSIONS= the folder (or LMS zip) of the class's submissions"
    )


def test_the_instructors_guide_states_the_grading_limits_in_force():
    """docs/instructor.md tells instructors the cell limit, the interrupt's grace and the
    re-check's budget (a blind review found them nowhere an instructor reads): the figures it
    gives are the code's."""
    import re

    from autograder.course.folder import REPO
    from autograder.grading.inert import INTERRUPT_GRACE
    from autograder.grading.recheck.kernel import RECHECK_CELLS_BUDGET

    guide = (REPO / "docs" / "instructor.md").read_text()
    limits = guide[guide.index("Time limits:") :][:700]
    cell = re.search(r"c\.Execute\.timeout = (\d+)", (REPO / "nbgrader_config.py").read_text()).group(1)
    assert f"may run {cell} s" in limits, limits
    assert f"interrupt for {INTERRUPT_GRACE} s" in limits, limits
    assert f"with {RECHECK_CELLS_BUDGET} s for all of them" in limits, limits


def test_a_test_held_for_a_hand_grade_must_be_counted_as_needing_one():
    """A blind review: the re-check held 3 quiz points 'until you grade them by hand' while
    grades.csv's needs_manual_grading counted only the explain answer. Every graded fixture is
    checked for it (fixtures.check); the check names what it finds missing."""
    from autograder.authoring import fixtures as F
    from autograder.gradebook.rows import Result
    from autograder.grading.recheck.judge import lose

    flag = (
        f"re-check quiz: the answer could not be run again (the cell beginning `x` stopped with "
        f"TimeoutError (and 1 more cell)): {lose(['quiz_q1', 'quiz_q2'])} until you grade them by hand"
    )
    one = f"re-check q: the answer could not be run again (x): {lose(['quiz_q3'])} until you grade it by hand"
    result = Result(
        "s",
        "graded",
        flags=[flag, one],
        needs_manual=["explain_forget", "quiz_q1"],
        failed_tests=["quiz_q1", "quiz_q2", "quiz_q3"],
    )
    problems = F.check(F.Fixture("s", {"ignore": ["quiz_q1", "quiz_q2", "quiz_q3"]}), result, [])
    assert len(problems) == 2 and all("needs_manual lacks" in p for p in problems), problems
    result.needs_manual += ["quiz_q2", "quiz_q3"]
    assert F.check(F.Fixture("s", {"ignore": ["quiz_q1", "quiz_q2", "quiz_q3"]}), result, []) == []
    assert lose(["a"]) == "a loses its points" and lose(["a", "b"]) == "a, b lose their points"


def test_the_grading_kernel_s_client_starts_no_heartbeat(monkeypatch):
    """The heartbeat's thread pinged a kernel whose connection the student's code had broken,
    and stop_channels() then waited for it for ever (descriptor_junk: 120 s in 2 of 4 runs).
    The grader's kernel manager makes clients that start every channel but that one."""
    import nbformat
    from jupyter_client.asynchronous import AsyncKernelClient

    from autograder.grading.inert import CappedExecute

    ep = CappedExecute()
    ep.nb = nbformat.v4.new_notebook()
    client = ep.create_kernel_manager().client()
    asked = {}
    monkeypatch.setattr(AsyncKernelClient, "start_channels", lambda self, **kw: asked.update(kw))
    client.start_channels()
    assert asked == {"shell": True, "iopub": True, "stdin": True, "hb": False, "control": True}, asked
