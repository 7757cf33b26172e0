"""The attack corpus (autograder/authoring/grader_attacks/) against the real pipeline, sandbox and all.

All attacks are graded in one batch next to an honest control student. Each must end as its
EXPECT says; the control's grade must not move; no sandbox process may survive; nothing may be
written outside the course's own folders; the submitted files must stay as they were.
"""

import csv
import json
import os
import re
import stat
import subprocess
import sys
import zipfile

import pytest

from autograder.authoring import fixtures as F
from autograder.grading import sandbox as sb
from autograder.grading.run import Options, SandboxUnavailable, context, grade_class
from support import auto_points, notebooks, processes_of

pytestmark = pytest.mark.grading
A = "ps03_lstm_gates"
ATTACKS = F.attacks()
CONTROL = F.Fixture("control", {"full": True})
# reply_forging is graded in a batch of its own, with one worker (test_forged_replies_reach_no_other_student)
FORGER = "reply_forging"
BATCHED = [fx for fx in ATTACKS if fx.name != FORGER]
# seconds per cell in the attack batch: short, so that the endless loops are cheap (each runs
# twice, in the kernel and in the re-check), yet above keyring_steal's 8 s search
CELL_LIMIT = 10


@pytest.fixture(scope="module")
def attacked(grade_batch):
    # short limits keep the endless loops cheap; the control proves they hurt no one else
    # two workers, so that the comparison with a serial run below means something
    return grade_batch(A, [CONTROL] + BATCHED, "attacks", jobs=2, cell_timeout=CELL_LIMIT, submission_timeout=120)


def test_corpus_covers_the_threats():
    names = {fx.name for fx in ATTACKS}
    assert len(names) >= 20
    for fx in ATTACKS:
        assert fx.path.read_text().lstrip().startswith('"""'), f"{fx.name} needs a docstring"


@pytest.mark.parametrize("fx", BATCHED, ids=[fx.name for fx in BATCHED])
def test_attack_ends_as_expected(attacked, fx):
    problems = F.check(fx, attacked.result(fx), attacked.tests, attacked.outputs(fx))
    assert not problems, f"{fx.name}: " + "; ".join(problems)


def test_every_kernel_of_the_batch_ran_in_a_sandbox_of_its_own(attacked):
    """Each graded submission's kernel was started by the sandbox's launcher, which recorded the
    limits it ran under: no kernel of the batch ran another way."""
    graded = {s: r.limits for s, r in attacked.results.items() if r.status == "graded"}
    assert len(graded) >= len(BATCHED) - 6, sorted(attacked.results)
    outside = {s: limits for s, limits in graded.items() if "address space per process" not in limits}
    assert not outside, outside


@pytest.mark.parametrize("name", ["loop_ignoring_interrupts", "descriptor_junk"])
def test_a_kernel_that_ignores_the_interrupt_is_given_up_soon(attacked, name):
    """The cell's limit (CELL_LIMIT here), then INTERRUPT_GRACE for the kernel to answer the
    interrupt: nbgrader's 60 s wait for late outputs no longer follows (with a 15 s limit: 77 s in
    all before, 32 s after), and a kernel whose connection the student's code broke is killed, not
    interrupted again, at the end (it waited for the submission's wall-clock limit, 120 s here)."""
    from autograder.grading.inert import INTERRUPT_GRACE

    seconds = attacked.result(_by_name(name)).seconds
    assert seconds < CELL_LIMIT + INTERRUPT_GRACE + 30, seconds


def test_control_student_is_untouched(attacked):
    control = attacked.result(CONTROL)
    assert control.status == "graded" and not control.failed_tests and not control.flags
    assert control.score == max(r.score for r in attacked.results.values())
    # every row says what the set is worth, graded or not (failed, rejected, missing)
    assert {r.max_score for r in attacked.results.values()} == {control.max_score} and control.max_score > 0


def test_no_sandbox_process_outlives_grading(attacked):
    left = processes_of({attacked.run.options.uid_base + k for k in range(16)})
    assert not left, left


def test_nothing_written_outside(attacked):
    course = attacked.course
    assert not list(course.rglob("PWNED.txt")) and not (sb.REPO / "PWNED.txt").exists()
    assert not list((course / "autograded").rglob("scratch-only.txt"))


def test_submissions_are_never_modified(attacked):
    # every file of every attack submission hashes as it did before the batch was graded
    assert attacked.submitted and attacked.submitted_now() == attacked.submitted


def test_grading_nbgrader_s_submitted_folder_leaves_it_untouched(tmp_path):
    """After `nbgrader collect` an instructor may pass submitted/ itself as SUBMISSIONS."""
    picks = [fx for fx in ATTACKS if fx.name in ("schema_version", "delete_tests")]
    course = F.make_course(tmp_path / "course", [A])
    release, source = notebooks(A)
    collected = course / "submitted"
    for fx in picks:
        dest = collected / F.student_id(fx) / A
        dest.mkdir(parents=True)
        (dest / f"{A}.ipynb").write_text(F.build(fx, release, source), encoding="utf-8")
    before = {p: p.read_bytes() for p in collected.rglob("*.ipynb")}
    rows = grade_class(A, collected, course=course, options=Options(jobs=2), log=lambda *a: None).rows
    results = [rows[s] for s in sorted(rows)]
    assert {p: p.read_bytes() for p in collected.rglob("*.ipynb")} == before
    assert [r.status for r in results] == ["graded", "graded"]
    assert all(any("restored" in f or "put back" in f for f in r.flags) for r in results)


def test_zip_entries_cannot_escape(tmp_path, attacked):
    """Through the command line that `make autograde` runs, on an LMS-style zip."""
    release, source = notebooks(A)
    good = F.build(F.SOLUTION, release, source)
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("lms-export/zippy/ps03_lstm_gates.ipynb", good)
        zf.writestr("../../escaped.ipynb", good)
        zf.writestr("/tmp/absolute-escape.ipynb", good)
        link = zipfile.ZipInfo("lms-export/linky/ps03_lstm_gates.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            "ps03",
            str(archive),
            "--course",
            str(attacked.course),
            "--jobs",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "zippy" in proc.stdout and "grades.csv" in proc.stdout
    rows = {
        r["student_id"]: r
        for r in csv.DictReader(open(attacked.course / "reports" / A / "grades.csv", encoding="utf-8-sig"))
    }
    assert rows["zippy"]["status"] == "graded" and float(rows["zippy"]["score"]) == auto_points(source)
    report = (attacked.course / "reports" / A / "report.md").read_text()
    for entry in ("../../escaped.ipynb", "/tmp/absolute-escape.ipynb", "linky/ps03_lstm_gates.ipynb"):
        assert entry in report, entry
    assert not os.path.exists("/tmp/absolute-escape.ipynb")
    assert not list(tmp_path.parent.rglob("escaped.ipynb")) and not list(attacked.course.parent.rglob("escaped.ipynb"))


def test_refuses_to_run_unsandboxed_by_default(monkeypatch, tmp_path):
    from autograder.grading import prepare
    from autograder.grading.sandbox import bwrap

    monkeypatch.setattr(bwrap, "missing_tools", lambda: ["bwrap"])
    with pytest.raises(SandboxUnavailable, match="(?s)NOT AVAILABLE.*--unsandboxed"):
        prepare.check_sandbox(context(A, tmp_path, options=Options()))


def test_parallel_and_serial_give_identical_scores(grade_batch, attacked):
    picks = [CONTROL] + [
        fx for fx in ATTACKS if fx.name in ("patch_helpers", "always_equal", "change_points", "edit_tests")
    ]
    serial = grade_batch(A, picks, "serial", jobs=1, cell_timeout=15)
    for fx in picks:
        s, p = serial.result(fx), attacked.result(fx)
        assert (s.score, s.status, sorted(s.failed_tests)) == (p.score, p.status, sorted(p.failed_tests)), fx.name


# -- issue 16: the grader's own channels, limits and outputs -----------------------------------------


def _by_name(name):
    return next(fx for fx in ATTACKS if fx.name == name)


def _feedback(batch, fx):
    path = batch.course / "feedback" / F.student_id(fx) / A / f"{A}.html"
    return path.read_text(encoding="utf-8") if path.exists() else None


def _feedback_pages(batch) -> list:
    """(fixture, feedback page) of every student of the batch who has feedback."""
    pages = [(fx, _feedback(batch, fx)) for fx in [CONTROL] + BATCHED]
    return [(fx, html) for fx, html in pages if html is not None]


# graded after the forger on its worker (students go in order), so with the old channel it
# shared the forger's reply pipe
LATE = F.Fixture("zz_late_control", {"full": True, "no_flags": True})


def test_forged_replies_reach_no_other_student(grade_batch):
    """reply_forging writes 40 fake replies to its standard streams and to every pipe it holds.
    With the old worker its descriptor 1 (and ipykernel's copy of it) was the reply channel and
    replies were matched by order: the student after it on that worker was reported before it was
    graded ("nbgrader recorded no grades", 0 points), and the forger itself before its grading
    ended (0 points). Both must be graded in full: the forger's answers are the instructor's."""
    forger = _by_name(FORGER)
    batch = grade_batch(A, [forger, LATE], "forging", jobs=1, cell_timeout=15, submission_timeout=120)
    _, source = notebooks(A)
    full = auto_points(source)
    assert full > 0
    problems = []
    for fx in (forger, LATE):
        result = batch.result(fx)
        problems += [f"{fx.name}: {p}" for p in F.check(fx, result, batch.tests, batch.outputs(fx))]
        if result.score != full:
            problems.append(f"{fx.name}: {result.score} of the {full} automatic points")
    # what reached descriptor 2 during the answer cell was forwarded by a thread of ipykernel's,
    # sometimes after that cell ended, into the visible test's output as stderr: 0 points for a
    # passed test (seen once in ten runs). The grading kernel forwards nothing written there.
    forwarded = batch.outputs(forger).count("RNNLAB-RESULT")
    if forwarded:
        problems.append(
            f"{forger.name}: {forwarded} forged lines written to descriptors 1 and 2 "
            "reached the graded notebook's outputs"
        )
    assert not problems, "\n".join(problems)


def test_feedback_carries_no_hidden_test_and_no_host_folder(attacked):
    from autograder.course import leakscan
    from autograder.course.leakscan import hidden_test_lines

    _, source = notebooks(A)
    secret = hidden_test_lines(source)
    course = str(attacked.course.resolve())
    pages = _feedback_pages(attacked)
    for fx, html in pages:
        produced = leakscan.produced_text(html)  # the student's own code may name any folder
        assert course not in produced and str(sb.REPO) not in produced, fx.name
        assert leakscan.find(produced, secret) == [], fx.name
    assert len(pages) >= 10
    details = _feedback(attacked, _by_name("host_details"))  # the mount table: for the grader only
    assert details is not None and "/proc" not in leakscan.produced_text(details)


def test_hidden_test_cells_show_only_passed_or_failed(attacked):
    html = _feedback(attacked, CONTROL)
    assert html.count("Hidden tests passed: 6 of 6 points.") == 2  # lstm_step_backward, lstm_all_gates
    wrong = _feedback(attacked, _by_name("memory_bomb"))
    assert wrong is not None and "Hidden tests failed: 0 of 6 points." in wrong
    assert "MemoryError" not in wrong.split("Hidden tests failed")[1][:400]


def test_disk_flood_stops_at_the_sized_scratch(attacked):
    fx = _by_name("disk_flood")
    written = int(re.search(r"DISK-FLOOD wrote (\d+) MB", attacked.outputs(fx)).group(1))
    assert written <= 256 + 256 + 64, f"{written} MB written"
    limits = attacked.result(fx).limits
    assert limits["disk: working folder"].endswith("(tmpfs)"), limits


def test_a_full_address_space_leaves_the_group_room(attacked):
    """memory_bomb fills one process's address space. The kernel's group must still hold the
    re-check process and the page cache with room to spare: with 2.5 GB per process the group
    peaked at 3046 of its 3072 MB, and 16 MB more in the kernel made its limit kill the re-check
    process (every other exercise of the student lost)."""
    limits = attacked.result(_by_name("memory_bomb")).limits
    peak = float(limits["peak memory of the whole kernel"].split()[0])
    assert peak <= 3 * 1024 - 256, limits
    assert "processes killed by the memory limit" not in limits, limits


@pytest.mark.parametrize(
    "name,held", [("memory_flood", "MEMORY-FLOOD held 4200"), ("memfd_flood", "MEMFD-FLOOD held 4320")]
)
def test_memory_flood_is_held_by_the_kernel_s_group(attacked, name, held):
    """Memory in processes, or in anonymous files no address space counts (memfd_create)."""
    fx = _by_name(name)
    result = attacked.result(fx)
    assert f"{held} MB" not in attacked.outputs(fx)
    memory = result.limits.get("memory (whole kernel)", "")
    assert "cgroup" in memory and not memory.startswith("NOT"), result.limits
    peak = float(result.limits["peak memory of the whole kernel"].split()[0])
    assert peak <= 3 * 1024 + 1, result.limits


@pytest.mark.parametrize("name", ["big_output_flood", "small_output_flood"])
def test_output_flood_is_capped_before_it_is_stored(attacked, name):
    """Eight 20 MB outputs, or 4,000 tiny displays and 500 tracebacks (before issue 29, when
    caps counted characters only: a 32 MB graded notebook and a 5 MB feedback file)."""
    fx = _by_name(name)
    graded = attacked.course / "autograded" / F.student_id(fx) / A / f"{A}.ipynb"
    assert graded.stat().st_size < 6 * 1024**2, graded.stat().st_size
    assert sum(len(c.get("outputs", [])) for c in nbformat_read(graded).cells) <= 2100
    html = attacked.course / "feedback" / F.student_id(fx) / A / f"{A}.html"
    assert html.exists() and html.stat().st_size < 2 * 1024**2, html.stat().st_size


def test_every_run_reports_the_limits_in_force(attacked):
    report = json.loads((attacked.course / "reports" / A / "report.json").read_text())
    graded = [s for s in report["students"] if s["status"] == "graded"]
    assert graded
    for s in graded:
        for key in (
            "memory (whole kernel)",
            "pids (whole kernel)",
            "address space per process",
            "disk: working folder",
            "disk: /tmp",
        ):
            assert key in s["limits"], (s["student"], s["limits"])
    assert "Limits in force" in (attacked.course / "reports" / A / "report.md").read_text()


def test_graded_notebook_of_hostile_html_is_inert(attacked):
    fx = _by_name("hostile_html")
    graded = nbformat_read(attacked.course / "autograded" / F.student_id(fx) / A / f"{A}.ipynb")
    assert "widgets" not in graded.metadata  # the submission saved some (nbgrader_config.py's ClearMetadata)
    for cell in graded.cells:
        if cell.cell_type == "markdown":
            assert "<img" not in cell.source and "<script" not in cell.source
        for out in cell.get("outputs", []):
            assert set(out.get("data", {})) <= {"text/plain", "image/png", "image/jpeg"}, out
    html = _feedback(attacked, fx)
    assert html is not None
    assert not re.search(r"<(img|script|svg)[^>]*(onerror|__rnnlab)", html)


def nbformat_read(path):
    import nbformat

    return nbformat.read(path, 4)


# -- issue 29: one record of each grade ------------------------------------------------------------


def _feedback_score(html: str) -> float:
    """The total in a feedback page's heading: nbgrader's "(Score: 12.0 / 20.0)", or the course's
    "Score: 12 / 20 (3 points not graded yet)" (autograder/grading/templates/feedback.html.j2)."""
    return float(re.search(r"Score: ([\d.]+) / [\d.]+(?:\)| \([\d.]+ points? not graded yet\))?</h4>", html).group(1))


def _records(batch) -> dict[str, dict]:
    """Every record of each student's grade: the report, the gradebook, the feedback and nbgrader's
    export (what goes to the LMS)."""
    from nbgrader.api import Gradebook, MissingEntry

    from autograder.course.folder import nbgrader

    # the run's own results (report.json: a later run in this course, test_zip_entries_cannot_escape,
    # writes its own)
    report = {student: {"score": r.score, "status": r.status} for student, r in batch.results.items()}
    out = {}
    with Gradebook(f"sqlite:///{batch.course / 'gradebook.db'}") as gb:
        for student, row in report.items():
            try:
                book = float(gb.find_submission(A, student).score)
            except MissingEntry:
                book = None
            html = batch.course / "feedback" / student / A / f"{A}.html"
            out[student] = {
                "report": row["score"],
                "status": row["status"],
                "gradebook": book,
                "feedback": _feedback_score(html.read_text()) if html.exists() else None,
            }
    nbgrader(batch.course, "export", "--to", str(batch.course / "export.csv"))
    with open(batch.course / "export.csv", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["assignment"] == A and row["student_id"] in out:
                out[row["student_id"]]["export"] = float(row["score"])
    return out


def test_one_record_of_each_grade(attacked):
    """The re-check's verdict is the gradebook's: report, gradebook, feedback and export agree for
    every student of the corpus, also after `make feedback`; what the run withheld stays withheld.
    (Before: honest_missed_bug's report said 15/22, the gradebook, the feedback and the export
    kept 21/22, and make feedback wrote encoded_exfiltration's withheld feedback again.)"""
    from autograder.__main__ import main
    from autograder.grading.feedbackscan import withheld_marker

    deducted = {"honest-missed-bug", "patch-helpers", "recheck-fail-open"}
    withheld = [fx for fx in BATCHED if any("feedback withheld" in f for f in attacked.result(fx).flags)]
    # no attack's feedback needs withholding any more (it shows nothing of the grading kernel);
    # one student's is withheld as the scan would, to see that make feedback keeps it so
    marker = withheld_marker(attacked.course, A, F.student_id(_by_name("host_details")))
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("feedback withheld: (by the test)\n")
    (attacked.course / "feedback" / marker.stem / A / f"{A}.html").unlink()
    withheld.append(_by_name("host_details"))

    def check(records):
        problems = []
        for student, r in records.items():
            if r["status"] != "graded":
                continue
            values = {r["report"], r["gradebook"], r.get("export")} | (
                {r["feedback"]} if r["feedback"] is not None else set()
            )
            if len(values) != 1:
                problems.append(f"{student}: {r}")
        return problems

    first = _records(attacked)
    assert not check(first), "\n".join(check(first))
    for student in deducted:
        assert first[student]["report"] < attacked.result(CONTROL).score, (student, first[student])
    assert main(["feedback", A, "--course", str(attacked.course)]) == 0
    again = _records(attacked)
    assert not check(again), "\n".join(check(again))
    assert {s: r["gradebook"] for s, r in again.items()} == {s: r["gradebook"] for s, r in first.items()}
    for fx in withheld:
        assert _feedback(attacked, fx) is None, f"make feedback handed out {fx.name}'s withheld feedback"
    honest = _feedback(attacked, _by_name("honest_missed_bug"))
    assert honest is not None and "it gave a wrong result, although the tests in this notebook passed" in honest


def test_the_formgrader_flags_what_the_report_flags(attacked):
    """Issue 30: the pipeline's flags reach the formgrader's Flagged column (the gradebook's
    `flagged`), and a submission without a flag is not flagged."""
    from nbgrader.api import Gradebook

    graded = {s: r for s, r in attacked.results.items() if r.status == "graded"}
    assert any(r.flags for r in graded.values()) and any(not r.flags for r in graded.values())
    with Gradebook(f"sqlite:///{attacked.course / 'gradebook.db'}") as gb:
        shown = {s: all(nb.flagged for nb in gb.find_submission(A, s).notebooks) for s in graded}
    assert shown == {s: bool(r.flags) for s, r in graded.items()}


from autograder.grading.feedback import SHOWED  # noqa: E402  (the one line a verdict may add)

VERDICT = re.compile(
    r"^(Hidden tests|Visible test) (passed|failed|passed in the notebook, but the points were taken back):"
    r" [\d.]+ of [\d.]+ points?(\.| \(see the comment under your answer\)\.)$"
)


def _feedback_outputs(html: str) -> list[str]:
    """The text of every output of a feedback page (not its comments), line by line."""
    import html as H

    blocks = re.findall(r'<div class="output_subarea[^"]*">(.*?)</div>', html, re.S)
    return [line for b in blocks for line in H.unescape(re.sub(r"<[^>]+>", "", b)).splitlines() if line.strip()]


def _own_output_lines(batch, fx) -> set[str]:
    """The lines of text the student's own run left in the notebook they handed in (most attack
    notebooks have none; hostile_html's say HTML)."""
    from autograder.grading.feedback import submitted_notebook

    nb = submitted_notebook(batch.course, F.student_id(fx), A, A)
    lines: set[str] = set()
    for cell in nb.cells if nb is not None else []:
        for out in cell.get("outputs", []):
            text = (
                out.get("text") or "\n".join(out.get("traceback", [])) or str(out.get("data", {}).get("text/plain", ""))
            )
            lines.update(line.strip() for line in str(text).splitlines() if line.strip())
    return lines


def test_feedback_shows_nothing_that_ran_in_the_grading_kernel(attacked):
    """Every output in an attack's feedback is one of the student's own run or a test's verdict;
    nothing printed, displayed or updated in the grading kernel. (Before: the graded quiz keys,
    compressed and base85-encoded, reached quiz_key_exfiltration's feedback through a display it
    updated, and encoded_exfiltration needed the scan to catch it.)"""
    pages = _feedback_pages(attacked)
    for fx, html in pages:
        own = _own_output_lines(attacked, fx)
        other = [
            line
            for line in _feedback_outputs(html)
            if not VERDICT.match(line.strip())
            and line.strip() not in own
            and line.strip() not in ("Run this cell in your notebook to see why.", SHOWED.strip())
        ]
        assert not other, f"{fx.name}: {other[:5]}"
    assert _own_output_lines(attacked, _by_name("hostile_html"))  # the allowance is not empty for nothing
    assert len(pages) >= 20
    quiz = _feedback(attacked, _by_name("quiz_key_exfiltration"))
    assert quiz is not None and not [line for line in _feedback_outputs(quiz) if "KEYS" in line or len(line) == 8]
    assert "KEYS-EXFILTRATED" in attacked.outputs(_by_name("quiz_key_exfiltration"))  # the kernel did print them
