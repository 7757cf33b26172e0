"""Grade a class: every submission on its own, in a sandboxed kernel, in parallel.

    python -m autograder grade ps03 path/to/folder-or.zip [--jobs 2] [--unsandboxed]

1. Regenerate the assignment in the gradebook from source/ (into a private release folder, so
   the committed release/ is not touched).
2. Find each student's notebook (autograder.intake); read it and repair its grading metadata
   (autograder.sanitize). Unreadable ones are rejected with a reason; the originals are only read.
3. Run `nbgrader autograde --student X` for each student, `jobs` at a time, with the kernel in
   the sandbox (autograder.sandbox) and a wall-clock limit per submission.
4. Feedback HTML per student without hidden tests; a final scan refuses any that still holds
   a line of a hidden test.
5. Re-check key results outside the student's kernel and flag disagreements (autograder.recheck).
6. grades.csv, report.json and report.md in reports/<assignment>/.
"""
from __future__ import annotations

import functools
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from . import intake as intake_mod
from . import roster as roster_mod
from . import sandbox as sb
from .course import REPO, gradebook_url, is_file_gradebook, resolve, venv_env
from .inert import make_inert
from .report import NOTHING
from .sanitize import Rejected, read, repair
from .scores import record_lms_marks


STAGED = "staged"          # where repaired copies of the submissions are graded from
NBGRADER_RECORDS = ("timestamp.txt", "submission_secret.txt")   # written by nbgrader submit


DEMO_MARKER = ".rnnlab-demo-course"      # `make demo-class` writes it into the demo's course folder


def demo_course(submissions: Path, assignment: str) -> Path | None:
    """The demo course that `submissions` is (or holds, for `assignment`), or None. A demo class
    is graded in its own course folder, never into the course's real gradebook."""
    for folder in (submissions, submissions / assignment):
        if (folder / DEMO_MARKER).is_file() and (folder / "source" / assignment).is_dir():
            return folder.resolve()
    return None


class SandboxUnavailable(RuntimeError):
    pass


class NotGradeable(RuntimeError):
    """The assignment, not a submission, stops the run: one sentence says why."""


@dataclass
class Options:
    jobs: int = 2
    sandboxed: bool = True
    cell_timeout: int | None = None          # seconds; None keeps nbgrader_config.py's value
    submission_timeout: int = 900            # seconds of wall clock per submission
    named_regexp: str | None = None
    keep_workdir: bool = False
    # a regrade's earlier passes' score changes (student, before, now): listed in this run's report too
    prior_changes: tuple = ()
    recheck: bool = True
    # student markdown escaped and only plain outputs kept (autograder.inert); off only to show
    # in a test what the formgrader would run without it
    inert: bool = True
    # sandbox uids are uid_base + slot; two pipelines on one machine need different bases
    uid_base: int = int(os.environ.get("RNNLAB_SANDBOX_UID_BASE", "60001"))
    # a Dask scheduler's address (tcp://host:8786): each student is graded there by one task
    # (autograder.cluster), on workers that share the course folder and a PostgreSQL gradebook
    cluster: str | None = None


@dataclass
class Result:
    student: str
    status: str                              # graded | rejected | missing | failed
    score: float = 0.0
    max_score: float = 0.0
    reason: str = ""
    failed_tests: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)
    needs_manual: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    seconds: float = 0.0
    grader_error: bool = False               # the pipeline failed, not the submission: re-run it
    limits: dict = field(default_factory=dict)   # limit -> how it was enforced, for this run
    late_seconds: float = 0.0                # past the due date (and extension) in nbgrader's gradebook
    late_penalty: float = 0.0                # points nbgrader's LateSubmissionPlugin took for it
    name: str = ""                           # the roster's name of the student
    lms: str = ""                            # canvas | moodle | blackboard, where the LMS named the file
    lms_id: str = ""                         # the LMS's id of the student (roster, or the file's name)
    lms_prefix: str = ""                     # the LMS's own start of the file's name (feedback upload)
    diagnoses: dict = field(default_factory=dict)   # failed exercise -> catalogued mistake ("" not recognised)


def grader_error(result: Result, stage: str, err: BaseException) -> None:
    """Mark `result` as failed by a fault of the pipeline itself (never a score for the student)."""
    detail = f"{type(err).__name__}: {err}"
    result.status, result.grader_error, result.score = "failed", True, 0.0
    result.reason = (f"grader error while {stage} ({detail[:200]}); the grading pipeline failed, "
                     "not the submission: re-run this student")


def secret_lines(source_nb: nbformat.NotebookNode, marker: str = "HIDDEN TESTS",
                 min_len: int = 12) -> set[str]:
    """Non-trivial lines inside `### BEGIN <marker>` regions that appear nowhere else in the
    notebook: none of them may reach a student."""
    inside_lines, outside_lines, inside = set(), set(), False
    for cell in source_nb.cells:
        for line in cell.source.splitlines():
            if f"BEGIN {marker}" in line:
                inside = True
            elif f"END {marker}" in line:
                inside = False
            elif len(line.strip()) >= min_len:
                (inside_lines if inside else outside_lines).add(line.strip())
    return inside_lines - outside_lines


def hidden_test_lines(source_nb: nbformat.NotebookNode) -> set[str]:
    return secret_lines(source_nb, "HIDDEN TESTS")


class Run:
    """One grading run of one assignment over one batch of submissions."""

    def __init__(self, assignment: str, submissions: Path, course: Path = REPO,
                 options: Options | None = None, log=print):
        self.course = Path(course).resolve()
        self.assignment = resolve(assignment, self.course)
        self.submissions = Path(submissions).resolve()
        demo = demo_course(self.submissions, self.assignment)
        if demo:
            log(f"a demo class: graded in its own course folder {demo} (gradebook, reports and "
                f"feedback there), not in {self.course}")
            self.course, self.submissions = demo, demo / "submissions"
        self.opt = options or Options()
        self.log = log
        self.work = self.course / "grading-runs" / f"{self.assignment}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        self.reports = self.course / "reports" / self.assignment
        self.results: dict[str, Result] = {}
        self.rejected_files: list[tuple[str, str]] = []
        self.workers: dict[int, Worker] = {}
        self.client = None                  # the Dask client, on a cluster (autograder.cluster.connect)
        self.cases: list = []
        self.changes: list[tuple[str, float, float]] = []    # scores changed since the last run
        self.scores_before: dict[str, float] | None = None   # the gradebook's, when the run started
        self.roster = None                   # the course's roster.csv (autograder.roster), if it has one
        self.max_score = 0.0
        self.found: dict[str, tuple] = {}    # student -> (notebook found, roster row, LMS details)

    # -- setup ------------------------------------------------------------------------------
    def check_sandbox(self) -> None:
        if self.opt.sandboxed:
            reason = sb.check()
            if reason:
                raise SandboxUnavailable(
                    f"THE GRADING SANDBOX IS NOT AVAILABLE: {reason}.\nRefusing to run student code "
                    "with your rights. Install bubblewrap, or rerun with --unsandboxed "
                    "(make autograde ... UNSANDBOXED=1) if you trust every submission.")

    def prepare(self) -> None:
        """Check the sandbox, start the workers, and bring the gradebook up to date with source/.

        The workers import nbgrader (about 3 s) while the rest is set up, and the first one
        regenerates the assignment into a private release folder, so the committed release/ is
        not touched."""
        self.check_sandbox()
        from .release import changed_after_grading
        from .worker import stamp_gradebooks_in_process
        stamp_gradebooks_in_process()     # an empty PostgreSQL gradebook is set up here: 2.5 s less
        why = changed_after_grading(self.course, self.assignment)
        if why:
            raise NotGradeable(f"{self.assignment} cannot be graded as source/ now stands: {why}")
        try:
            self.roster = roster_mod.load(self.course, self.assignment)
        except roster_mod.RosterError as err:
            raise NotGradeable(str(err))
        if self.opt.cluster and is_file_gradebook(gradebook_url(self.course)):
            raise NotGradeable(
                f"grading on the cluster {self.opt.cluster} needs a gradebook that many machines can write "
                f"at once; {self.course}'s is a SQLite file. Set c.CourseDirectory.db_url to a PostgreSQL "
                "URL in its nbgrader_config.py (docs/grading.md), or grade without CLUSTER")
        self.work.mkdir(parents=True)
        if self.opt.cluster:                # its workers start theirs while the rest is set up here
            from .cluster import connect
            self.client = connect(self)
        # on a cluster, the one worker here only regenerates the assignment
        for slot in range(1 if self.opt.cluster else max(1, self.opt.jobs)):
            self.workers[slot] = Worker(self.course, self.work / f"worker-{slot}.log")
        self.load_checks(write=True)
        self.workers[0].generate(self.assignment, self.work / "release")
        self.read_notebooks()

    def load_checks(self, write: bool) -> None:
        """The re-check's cases and program, and the sandbox's kernelspec and font cache; `write`
        puts the files every worker reads into the run's folder (a cluster's workers only read them)."""
        from .recheck import kernel_checks_source, load_cases, runner_source
        self.cases = load_cases(self.assignment, self.course) if self.opt.recheck else []
        if self.cases:
            self.runner = runner_source(self.cases)
        if write and self.cases:
            (self.work / "recheck").mkdir()
            (self.work / "harness.py").write_text(kernel_checks_source())
        if write and (self.opt.sandboxed or self.cases):
            sb.write_kernelspec(self.work / "jupyter")
        if self.opt.sandboxed:
            self.mpl_cache = self.font_cache()

    def read_notebooks(self) -> None:
        self.release_nb = nbformat.read(self.work / "release" / self.assignment / f"{self.assignment}.ipynb", 4)
        self.source_nb = nbformat.read(self.course / "source" / self.assignment / f"{self.assignment}.ipynb", 4)

    def font_cache(self) -> Path:
        """matplotlib's font list, built once per user and matplotlib version (about 1 s) and
        shown read-only to kernels."""
        import matplotlib
        home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        cache = home / "rnnlab" / f"mplcache-{matplotlib.__version__}"
        if not any(cache.glob("fontlist-*.json")):
            cache.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                           env=venv_env({"MPLCONFIGDIR": str(cache)}), check=True, capture_output=True)
        return cache

    # -- intake -----------------------------------------------------------------------------
    def stage(self) -> list[str]:
        """Validate and repair each submission into staged/<student>/<assignment>/.

        nbgrader reads submissions from its submitted_directory; the pipeline points that at
        staged/, so submitted/ (where `nbgrader collect` puts what students hand in, and which
        an instructor may pass as SUBMISSIONS) is only ever read."""
        found = intake_mod.collect(self.submissions, self.assignment, self.work / "intake",
                                   self.opt.named_regexp)
        self.rejected_files = found.rejected
        rows = roster_mod.apply(found, self.roster)
        for student, why in found.missing.items():
            self.results[student] = Result(student, "missing", reason=why)
        for student, why in found.refused.items():
            self.results[student] = Result(student, "rejected", reason=why)
        for student, why in found.errors.items():
            self.results[student] = Result(student, "failed")
            grader_error(self.results[student], "finding the notebook", RuntimeError(why))
        ready = []
        for student, path in sorted(found.notebooks.items()):
            self.results[student] = Result(student, "graded", reason="; ".join(found.notes.get(student, [])))
            if self.opt.cluster or self.repair_one(student, path):    # on a cluster, its task repairs it
                ready.append(student)
        for student, result in self.results.items():
            self.found[student] = (found.notebooks.get(student), rows.get(student), found.lms.get(student, {}))
            if not (self.opt.cluster and student in ready):   # there, once its task is back
                self.identify(result, *self.found[student][1:])
        return ready

    def repair_one(self, student: str, path: Path) -> bool:
        """Read and repair one student's notebook and stage it for nbgrader; False if it cannot
        be graded (the reason is in the student's result)."""
        result = self.results[student]
        notes: list[str] = []
        try:
            repaired = repair(read(path, notes), self.release_nb)
        except Rejected as err:
            result.status, result.reason = "rejected", str(err)
            return False
        except Exception as err:                       # a fault of ours: this student alone
            grader_error(result, "reading and repairing the notebook", err)
            return False
        result.flags += notes + repaired.flags
        if self.opt.inert:
            make_inert(repaired.notebook, self.release_nb)
        try:
            self.stage_one(student, repaired.notebook, path)
        except Exception as err:
            grader_error(result, "staging the notebook", err)
            return False
        return True

    def identify(self, result: Result, row, lms: dict) -> None:
        """Name, LMS and LMS id on the row: the roster's, else what the file's name says."""
        result.lms, result.lms_id, result.lms_prefix = lms.get("lms", ""), lms.get("lms_id", ""), lms.get("prefix", "")
        if row is not None:
            result.name, result.lms = row.name, row.lms or result.lms
            result.lms_id = row.id_for(self.assignment) or result.lms_id
        elif self.roster is not None:
            result.reason = "; ".join(filter(None, [result.reason, "not on the roster"]))

    def absent(self, earlier: list[Result]) -> list[Result]:
        """A row for each rostered student with nothing in this run nor an earlier one."""
        if self.roster is None:
            return []
        seen = set(self.results) | {r.student for r in earlier}
        out = []
        for entry in self.roster.entries:
            if entry.student not in seen:
                out.append(Result(entry.student, "missing", reason=NOTHING, name=entry.name))
                self.identify(out[-1], entry, {})
        return out

    def stage_one(self, student: str, notebook: nbformat.NotebookNode, path: Path | None = None) -> None:
        folder = self.course / STAGED / student / self.assignment
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{self.assignment}.ipynb")
        # what `nbgrader collect` keeps beside the notebook: feedback carries it, and
        # `nbgrader release_feedback` needs both to name each student's feedback file. The time
        # (timestamp.txt, from which nbgrader judges lateness) is taken only from the course's own
        # submitted/, where the collector wrote it from the exchange's record
        # (autograder.exchange); anywhere else the student may have written it.
        in_layout = path is not None and path.parent.name == self.assignment and path.parent.parent.name == student
        collected = self.submissions == (self.course / "submitted").resolve()
        for name in NBGRADER_RECORDS if in_layout else ():
            if name == "timestamp.txt" and not collected:
                continue
            record = path.parent / name
            if record.is_file() and not record.is_symlink() and record.stat().st_size <= 4096:
                shutil.copyfile(record, folder / name)
        for old in (self.course / "autograded" / student / self.assignment,
                    self.course / "feedback" / student / self.assignment):
            shutil.rmtree(old, ignore_errors=True)
        withheld_marker(self.course, self.assignment, student).unlink(missing_ok=True)

    # -- grading ----------------------------------------------------------------------------
    def task_for(self, student: str, slot: int) -> tuple[dict, Path | None]:
        """What a worker needs to grade `student` in parallel slot `slot`."""
        config: dict = {"CourseDirectory": {"submitted_directory": STAGED}}
        env: dict = {}
        if self.opt.cell_timeout:
            config["Execute"] = {"timeout": self.opt.cell_timeout}
        runtime = None
        recheck = self.recheck_files(student) if self.cases else {}
        if not self.opt.sandboxed and self.cases:
            # the same kernel start (it forks the re-check process), with the grader's rights
            policy = sb.Policy(runtime_dir=str(self.work), sandboxed=False, **recheck)
            policy_file = self.work / f"policy-{student}.json"
            policy.save(policy_file)
            config.setdefault("Execute", {})["kernel_name"] = sb.KERNEL_NAME
            env.update({"JUPYTER_PATH": os.pathsep.join(p for p in (str(self.work / "jupyter"),
                                                                     os.environ.get("JUPYTER_PATH")) if p),
                        sb.POLICY_ENV: str(policy_file)})
        if self.opt.sandboxed:
            # kernel sockets live here: Unix socket paths must stay under 108 bytes, so keep it short
            runtime = Path(tempfile.mkdtemp(prefix="rnnlab-rt-"))
            policy = sb.Policy(runtime_dir=str(runtime), uid=self.opt.uid_base + slot,
                               mpl_cache=str(self.mpl_cache),
                               limits_file=str(self.work / f"limits-{student}.json"), **recheck)
            policy_file = self.work / f"policy-{student}.json"
            policy.save(policy_file)
            sb.private_runtime(runtime, policy.uid)        # a sized tmpfs when grading as root
            if os.geteuid() == 0:
                os.chown(runtime, policy.uid, policy.uid)
            config.setdefault("Execute", {})["kernel_name"] = sb.KERNEL_NAME
            config["KernelManager"] = {"transport": "ipc", "ip": str(runtime / "kernel")}
            # the sandbox's kernelspec first; the caller's JUPYTER_PATH (nbconvert's templates, for
            # a Python outside the environment's prefix: autograder.hub) after it
            jupyter_path = os.pathsep.join(p for p in (str(self.work / "jupyter"), os.environ.get("JUPYTER_PATH"))
                                           if p)
            env.update({"JUPYTER_PATH": jupyter_path, "JUPYTER_RUNTIME_DIR": str(runtime),
                        sb.POLICY_ENV: str(policy_file)})
        from .recheck import CELL_TIMEOUT_ENV, HARNESS_ENV, OUTPUT_ENV, preprocessors
        execute = "autograder.inert.InertExecute" if self.opt.inert else "autograder.inert.CappedExecute"
        config["Autograde"] = {"autograde_preprocessors": preprocessors(execute, bool(self.cases))}
        if self.cases:
            env.update({HARNESS_ENV: str(self.work / "harness.py"), OUTPUT_ENV: str(self.work / "recheck"),
                        CELL_TIMEOUT_ENV: str(self.cell_limit())})
        return {"assignment": self.assignment, "student": student, "env": env, "config": config}, runtime

    def cell_limit(self) -> int:
        """Seconds per cell: the run's, else nbgrader_config.py's (Execute.timeout), else 30."""
        if self.opt.cell_timeout:
            return int(self.opt.cell_timeout)
        from .worker import course_config
        return int(course_config(self.course).get("Execute", {}).get("timeout", 30) or 30)

    def recheck_files(self, student: str) -> dict:
        """The re-check process's input (its program and the student's answer cells, from the
        staged notebook) and the FIFO it writes to, for `student`'s policy."""
        from .recheck import student_cells
        staged = nbformat.read(self.course / STAGED / student / self.assignment / f"{self.assignment}.ipynb", 4)
        data = self.work / f"recheck-{student}.json"
        data.write_text(json.dumps({"runner": self.runner, "cells": student_cells(staged),
                                    "cell_timeout": self.cell_limit()}))
        fifo = self.work / f"recheck-{student}.fifo"
        if fifo.exists():
            fifo.unlink()
        os.mkfifo(fifo, 0o600)
        return {"recheck_fifo": str(fifo), "recheck_input": str(data)}

    def grade_one(self, student: str, slot: int, worker: "Worker") -> None:
        result = self.results[student]
        start = time.monotonic()
        task, runtime = self.task_for(student, slot)
        if self.cases:        # the re-check may change the score or name a mistake: feedback after it, once
            task["feedback"] = False
        reader = FifoReader(self.work / f"recheck-{student}.fifo") if self.cases else None
        try:
            reply = worker.request(task, timeout=self.opt.submission_timeout)
        finally:
            result.limits = self.limits_of(student)
            if runtime is not None:
                sb.release_runtime(runtime)
            if reader is not None:                 # what the re-check process wrote, after the kernel's part
                child = reader.finish()
                kernel_part = self.work / "recheck" / f"{student}.txt"
                before = kernel_part.read_text() if kernel_part.exists() else ""
                kernel_part.write_text(before + child.decode("utf-8", errors="replace"))
        if reply is None:
            result.status = "failed"
            result.reason = (f"grading took longer than {self.opt.submission_timeout} s and was "
                             "stopped (a loop that never ends and ignores interrupts?)")
        else:
            graded = reply["autograde"]
            log = graded.get("log", "") + "\n" + graded.get("error", "")
            (self.work / f"autograde-{student}.log").write_text(log)
            if not graded.get("success"):
                result.status, result.reason = "failed", explain_failure(log)
            elif task.get("feedback", True) and not reply.get("feedback", {}).get("success"):
                result.flags.append("feedback could not be generated: " +
                                    explain_failure(reply.get("feedback", {}).get("log", ""))[28:])
        result.seconds = round(time.monotonic() - start, 2)
        self.log(f"  {student}: {result.status} in {result.seconds} s")

    def limits_of(self, student: str) -> dict:
        """The limits the student's kernel ran under (recorded by the sandbox launcher), after
        its control groups are emptied and removed, with the peak memory they measured."""
        if not self.opt.sandboxed:
            return {"sandbox": "NONE: graded unsandboxed"}
        from .limits import Group
        record = self.work / f"limits-{student}.json"
        if not record.exists():
            return {"sandbox": "no kernel was started"}
        try:
            data = json.loads(record.read_text())
        except ValueError as err:
            return {"sandbox": f"the launcher's record could not be read ({err})"}
        limits = data.get("limits", {})
        if data.get("group"):
            group = Group(**data["group"])
            peak, killed = group.peak_memory(), group.oom_kills()
            group.remove()
            if peak is not None:
                limits["peak memory of the whole kernel"] = f"{peak / 1024 ** 2:.0f} MB"
            if killed:
                limits["processes killed by the memory limit"] = str(killed)
        return limits

    def grade_all(self, students: list[str]) -> None:
        self.on_workers(students, self.grade_one,
                        lambda student, err: grader_error(self.results[student], "grading", err))

    def on_workers(self, students: list[str], work, failed) -> None:
        """`work(student, slot, worker)` for every student, as many at a time as there are
        workers, each on a free one; `failed(student, error)` keeps the batch going."""
        slots: queue.Queue[int] = queue.Queue()
        for slot in self.workers:
            slots.put(slot)

        def task(student: str) -> None:
            slot = slots.get()
            try:
                if not self.workers[slot].alive():            # killed after a timeout: replace it
                    self.workers[slot] = Worker(self.course, self.work / f"worker-{slot}.log")
                work(student, slot, self.workers[slot])
            except Exception as err:                          # keep the batch going, always
                failed(student, err)
            finally:
                slots.put(slot)

        with ThreadPoolExecutor(max_workers=len(self.workers)) as pool:
            list(pool.map(task, students))

    # -- results ----------------------------------------------------------------------------
    def answers_in(self, folder: str, student: str) -> dict[str, str]:
        """The answer cells' text of a student's notebook in one of the course's folders
        ("autograded": the last grading run's; STAGED: this run's), by grade id; {} if none."""
        path = self.course / folder / student / self.assignment / f"{self.assignment}.ipynb"
        try:
            nb = nbformat.read(path, 4)
        except Exception:
            return {}
        return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
                if isinstance(c.metadata.get("nbgrader"), dict) and c.metadata["nbgrader"].get("solution")
                and isinstance(c.metadata["nbgrader"].get("grade_id"), str)}

    def graded_answers(self) -> dict[str, dict[str, str]]:
        """The answers of the last grading run (autograded/), of every student it graded."""
        folder = self.course / "autograded"
        students = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        return {s: self.answers_in("autograded", s) for s in students}

    def keep_hand_grades(self, earlier: dict[str, dict[str, str]]) -> None:
        """A regrade keeps hand grades as graded: nbgrader's autograde marks every answer with a
        manual score "needs manual grade" again. Where the answer is the one that was hand-graded
        (same text as in the last run), the mark is cleared and the hand grade stands; a changed
        answer keeps the mark, so it is looked at again."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(gradebook_url(self.course)) as gb:
            for student, before in earlier.items():
                if not before or student not in self.results or self.results[student].status != "graded":
                    continue
                now = self.answers_in(STAGED, student)
                try:
                    for nb in gb.find_submission(self.assignment, student).notebooks:
                        for grade in nb.grades:
                            if (grade.manual_score is not None and grade.needs_manual_grade
                                    and grade.name in before and before[grade.name] == now.get(grade.name)):
                                grade.needs_manual_grade = False
                    gb.db.commit()
                except MissingEntry:
                    continue
                except Exception as err:                       # this student alone
                    grader_error(self.results[student], "keeping the hand grades", err)

    def gradebook_scores(self) -> dict[str, float] | None:
        """Each student's score in the gradebook now (hand grades included); None if unreadable."""
        from nbgrader.api import Gradebook
        try:
            with Gradebook(gradebook_url(self.course)) as gb:
                return {sub.student_id: float(sub.score) for sub in gb.assignment_submissions(self.assignment)}
        except Exception:
            return None

    def collect_scores(self, students: list[str] | None = None) -> None:
        """Scores from the gradebook into the results of `students` (default: everyone's)."""
        from nbgrader.api import Gradebook

        db_url = gradebook_url(self.course)
        with Gradebook(db_url) as gb:
            assignment = gb.find_assignment(self.assignment)
            max_score = self.max_score = assignment.max_score
            for result in self.results.values() if students is None else [self.results[s] for s in students]:
                result.max_score = max_score
                if result.status != "graded":
                    result.score = 0.0
                    continue
                try:
                    self.score_one(gb, result)
                except Exception as err:                       # this student alone
                    grader_error(result, "reading the scores from the gradebook", err)

    def earlier_rows(self) -> list[Result]:
        """The students of earlier runs of this assignment who are not in this one (a run of late
        submissions only, say): their rows stay in grades.csv, with the score the gradebook holds now."""
        from nbgrader.api import Gradebook

        try:
            previous = json.loads((self.reports / "report.json").read_text(encoding="utf-8"))
            rows = [r for r in previous.get("students", []) + previous.get("earlier_students", [])
                    if isinstance(r, dict) and r.get("student") not in self.results]
        except (OSError, ValueError, AttributeError, TypeError):
            return []
        kept, seen = [], set()
        with Gradebook(gradebook_url(self.course)) as gb:
            for row in rows:
                try:
                    r = Result(**{k: v for k, v in row.items() if k in Result.__dataclass_fields__})
                except TypeError:
                    continue
                if r.student in seen:
                    continue
                seen.add(r.student)
                if r.status == "graded" and not r.grader_error:
                    r.needs_manual, r.failed_tests = [], []
                    try:
                        self.score_one(gb, r)                  # hand grades since then count
                    except Exception as err:
                        r.reason = (f"the score of the earlier run; the gradebook could not be read for it "
                                    f"({type(err).__name__})")
                kept.append(r)
        return kept

    def mark_flagged(self) -> None:
        """The formgrader's Flagged column shows what the report flags: each graded submission
        with a flag is flagged in the gradebook, one without is not (a regrade clears it)."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(gradebook_url(self.course)) as gb:
            for result in self.results.values():
                if result.status != "graded":
                    continue
                try:
                    for nb in gb.find_submission(self.assignment, result.student).notebooks:
                        nb.flagged = bool(result.flags)
                    gb.db.commit()
                except MissingEntry:
                    continue
                except Exception as err:                       # this student alone
                    grader_error(result, "flagging the submission in the gradebook", err)

    def score_one(self, gb, result: Result) -> None:
        from nbgrader.api import MissingEntry

        try:
            submission = gb.find_submission(self.assignment, result.student)
        except MissingEntry:
            result.status, result.reason = "failed", "nbgrader recorded no grades"
            return
        result.score = float(submission.score)
        # the time is the collector's (timestamp.txt from the course's submitted/ only: stage_one)
        result.late_seconds = float(submission.total_seconds_late or 0)
        result.late_penalty = float(submission.late_submission_penalty or 0)
        # in the notebook's order, whatever order the database returns them in (SQLite: as
        # written; PostgreSQL: any)
        order = {c.metadata.get("nbgrader", {}).get("grade_id"): k for k, c in enumerate(self.source_nb.cells)}
        for nb in submission.notebooks:
            for grade in sorted(nb.grades, key=lambda g: (order.get(g.name, len(order)), g.name)):
                if grade.needs_manual_grade:
                    result.needs_manual.append(grade.name)
                elif grade.cell.cell_type == "code" and grade.auto_score is not None \
                        and grade.auto_score < grade.max_score and not _is_solution(grade):
                    result.failed_tests.append(grade.name)
        result.timeouts = timeouts_in(self.course / "autograded" / result.student /
                                      self.assignment / f"{self.assignment}.ipynb")

    def check_feedback(self) -> None:
        """No line of a hidden test and no folder of the grading machine may appear in any
        feedback file, in any disguise autograder.leakscan can undo."""
        withheld = scan_feedback(self.course, self.assignment, list(self.results), self.source_nb, self.release_nb)
        for student, flag in withheld.items():
            self.results[student].flags.append(flag)

    def refresh_feedback(self, students: list[str]) -> None:
        """Feedback for the graded students, after the re-check, so that it shows the gradebook's
        scores and comments as the re-check left them; on every worker at once."""
        self.on_workers(students, self.feedback_one, self.withhold_feedback)

    def feedback_one(self, student: str, slot: int, worker: "Worker") -> None:
        reply = worker.request({"op": "feedback", "assignment": self.assignment, "student": student},
                               timeout=300)
        if not (reply or {}).get("feedback", {}).get("success"):
            raise RuntimeError(((reply or {}).get("feedback", {}).get("log") or "no reply")[-300:])

    def withhold_feedback(self, student: str, err: Exception) -> None:
        """No feedback with the old score is handed out."""
        html = self.course / "feedback" / student / self.assignment / f"{self.assignment}.html"
        html.unlink(missing_ok=True)
        self.results[student].flags.append(
            f"feedback withheld: it could not be written again after the re-check ({type(err).__name__}: "
            f"{str(err)[:200]}); run `make feedback ASSIGNMENT={self.assignment}`")

    def grade_alone(self, student: str, slot: int, worker: "Worker", earlier: dict[str, str]) -> Result:
        """Everything a class run does for one student, in the same order, for a cluster's task
        (autograder.cluster): repair and stage, grade in the sandbox, keep the hand grades of
        unchanged answers (`earlier`: the last run's answers), read the scores, re-check, write the
        feedback and scan it. Each step is the class run's own, given this one student."""
        result = self.results[student]
        if self.repair_one(student, self.found[student][0]):
            try:
                self.grade_one(student, slot, worker)
            except Exception as err:
                grader_error(result, "grading", err)
            if earlier:
                self.keep_hand_grades({student: earlier})
        self.collect_scores([student])
        if self.cases and result.status == "graded":
            self.recheck([student])
            try:
                self.feedback_one(student, slot, worker)
            except Exception as err:
                self.withhold_feedback(student, err)
        for flag in scan_feedback(self.course, self.assignment, [student], self.source_nb, self.release_nb).values():
            result.flags.append(flag)
        return result

    def recheck(self, students: list[str]) -> None:
        """The re-check of each graded student, one at a time: a fault judging one is that
        student's grader error, never a score."""
        from .recheck import recheck_all
        for student in students:
            try:
                recheck_all(self, [student])
            except Exception as err:
                grader_error(self.results[student], "re-checking the results outside the kernel", err)

    # -- main -------------------------------------------------------------------------------
    def run(self) -> list[Result]:
        t0 = time.monotonic()
        try:
            self.prepare()
            earlier = self.graded_answers()             # staging removes the last run's notebooks
            self.scores_before = self.gradebook_scores()
            students = self.stage()
            # Canvas's late marks, where the final score (autograder.scores) reads them from now on
            record_lms_marks(self.reports, {s: found[2].get("prefix", "") for s, found in self.found.items()
                                            if found[0] is not None})
            where = f"on the Dask cluster {self.opt.cluster}" if self.opt.cluster else f"with {self.opt.jobs} worker(s)"
            self.log(f"grading {len(students)} submission(s) of {self.assignment} {where}, "
                     f"{'sandboxed' if self.opt.sandboxed else 'UNSANDBOXED'}")
            if self.opt.cluster:                          # each student's whole path in one task
                from .cluster import grade_on_cluster
                done = grade_on_cluster(self, students, earlier)
                self.collect_scores([s for s in self.results if s not in done])
            else:
                self.grade_all(students)
                self.keep_hand_grades(earlier)
                self.collect_scores()
                if self.cases:
                    graded = [s for s in students if self.results[s].status == "graded"]
                    self.recheck(graded)
                    # the feedback shows the re-checked score and the mistakes named in comments: it
                    # is written now, once (writing it in the worker, then again for each student
                    # whose score changed or whose mistake was named, cost 0.1 s per submission)
                    self.refresh_feedback(graded)
                self.check_feedback()
            self.mark_flagged()
            from .report import write_reports
            earlier = self.earlier_rows()
            for result in self.absent(earlier):
                result.max_score = self.max_score
                self.results[result.student] = result
            self.changes = write_reports(self, seconds=round(time.monotonic() - t0, 1), earlier=earlier)
            if self.opt.cluster:
                from .cluster import forget
                forget(self)
        finally:
            for worker in self.workers.values():
                worker.stop()
            if self.client is not None and self.client.status == "running":    # not graded: a fault before
                from .cluster import finish
                self.client.run(finish, str(self.work))
                self.client.close(timeout=10)
            if not self.opt.keep_workdir:
                shutil.rmtree(self.work, ignore_errors=True)
        return sorted(self.results.values(), key=lambda r: r.student)


class Worker:
    """One autograder.worker process, spoken to over two pipes that only it holds.

    Its standard streams are not the channel: the student's kernel is a descendant of the
    worker and would inherit them. Each request gets a fresh id and the reply must carry it;
    anything else that arrives is rejected and written to the worker's log."""

    def __init__(self, course: Path, log_path: Path):
        from .worker import PREFIX
        self.prefix = PREFIX
        self.log_file = open(log_path, "a")
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "autograder.worker", str(course), str(req_r), str(rep_w)],
                cwd=course, env=venv_env(), stdin=subprocess.DEVNULL, stdout=self.log_file,
                stderr=self.log_file, pass_fds=(req_r, rep_w), start_new_session=True)
        finally:
            os.close(req_r)
            os.close(rep_w)
        self.requests = os.fdopen(req_w, "w", encoding="utf-8")
        self.reply_pipe = os.fdopen(rep_r, "r", encoding="utf-8", errors="replace")
        self.replies: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.pending: str | None = None
        threading.Thread(target=self._read, daemon=True).start()

    def _reject(self, line: str, why: str) -> None:
        with self.lock:
            if not self.log_file.closed:
                self.log_file.write(f"[pipeline] rejected a line on the reply channel ({why}): {line[:200]!r}\n")
                self.log_file.flush()

    def _read(self) -> None:
        with self.reply_pipe:                        # closed here, at the end the worker makes
            self._read_lines()
        self.replies.put(None)                       # the worker ended

    def _read_lines(self) -> None:
        for line in self.reply_pipe:
            if not line.startswith(self.prefix):
                self._reject(line, "no reply prefix")
                continue
            try:
                reply = json.loads(line[len(self.prefix):])
            except ValueError:
                self._reject(line, "not JSON")
                continue
            if not isinstance(reply, dict) or reply.get("id") is None or reply.get("id") != self.pending:
                self._reject(line, f"answers no pending request (waiting for {self.pending})")
                continue
            self.pending = None
            self.replies.put(reply)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def request(self, task: dict, timeout: float) -> dict | None:
        """The worker's reply, or None if it ran out of time or died (then it is stopped)."""
        task = dict(task, id=f"{task.get('student') or task.get('op')}:{secrets.token_hex(8)}")
        self.pending = task["id"]
        try:
            self.requests.write(json.dumps(task) + "\n")
            self.requests.flush()
        except OSError:
            reply = None                              # the worker is gone
        else:
            try:
                reply = self.replies.get(timeout=timeout)
            except queue.Empty:
                reply = None
        if reply is None:
            self.stop()                               # the kernel and its sandbox die with it
        return reply

    def generate(self, assignment: str, release_dir: Path | None = None) -> None:
        """nbgrader generate_assignment, into the course's release/ or into `release_dir`."""
        config = {"CourseDirectory": {"release_directory": str(release_dir)}} if release_dir else {}
        reply = self.request({"op": "generate", "assignment": assignment, "config": config}, timeout=300)
        generated = (reply or {}).get("generate", {})
        if not generated.get("success"):
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n" + generated.get("log", "")
                               + generated.get("error", "no reply from the worker"))

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        try:
            self.requests.close()
        except OSError:
            pass
        with self.lock:
            if not self.log_file.closed:
                self.log_file.close()


class FifoReader:
    """Reads a FIFO in a thread from before its writer opens it until the writer closes it (or
    `finish` is called: the kernel, and so the re-check process, is gone by then)."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.chunks: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import select
        heard = False
        while True:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    data = os.read(self.fd, 1 << 16)
                except BlockingIOError:
                    data = None
                if data:
                    self.chunks.append(data)
                    heard = True
                    continue
                if data == b"" and heard:
                    return                         # the writer closed it
                time.sleep(0.05)                   # no writer yet (a FIFO without one reads as empty)
            if self.stop.is_set():
                return

    def finish(self, timeout: float = 10) -> bytes:
        self.stop.set()
        self.thread.join(timeout)
        try:
            while data := os.read(self.fd, 1 << 16):
                self.chunks.append(data)
        except (BlockingIOError, OSError):
            pass
        os.close(self.fd)
        return b"".join(self.chunks)


def withheld_marker(course: Path, assignment: str, student: str) -> Path:
    """The record that a student's feedback was withheld: it outlives the run, so that
    `make feedback` (nbgrader's generate_feedback for everyone) cannot hand it out again. Grading
    the student again removes it."""
    return Path(course) / "reports" / assignment / "feedback-withheld" / f"{student}.txt"


def own_lines(course: Path, assignment: str, student: str) -> set[str]:
    """Lines of the student's own submission: a hidden-test line the student wrote
    themselves (`torch.manual_seed(0)`, say) is no leak when it shows in their feedback."""
    staged = Path(course) / STAGED / student / assignment / f"{assignment}.ipynb"
    if not staged.exists():
        return set()
    nb = nbformat.read(staged, 4)
    return {line.strip() for cell in nb.cells for line in cell.source.splitlines()}


@functools.lru_cache(maxsize=1)
def _taught() -> str:
    from .dist import taught_text
    return taught_text(REPO)


def scanned_secrets(source_nb: nbformat.NotebookNode, release_nb: nbformat.NotebookNode | None = None) -> set[str]:
    """The hidden-test lines the feedback scan looks for: not those too short to be secret, and
    not generic ones that the teaching material holds (`model.eval()`, `with torch.no_grad():`
    in a lecture or the released notebook)."""
    from .leakscan import MIN_CHARS, normalise
    taught = _taught() + "\0" + "\0".join(normalise(c.source) for c in (release_nb.cells if release_nb else []))
    return {line for line in hidden_test_lines(source_nb)
            if len(normalise(line)) >= MIN_CHARS and normalise(line) not in taught}


def leak_flag(course: Path, assignment: str, student: str, page: str, secret: set[str],
              paths: set[str]) -> str | None:
    """Why `student`'s feedback page must be withheld, or None: its outputs and comments (not the
    student's own cells) hold a line of `secret` (scanned_secrets) that the student's source does
    not, or one of the grading machine's folders `paths`, in any disguise autograder.leakscan can
    undo. The one check of every path that writes feedback (scan_feedback, autograder.paths)."""
    from . import leakscan
    text = leakscan.produced_text(page)
    own = leakscan.normalise("\n".join(own_lines(course, assignment, student)))
    leaked = leakscan.find(text, {line for line in secret if leakscan.normalise(line) not in own} | paths)
    if not leaked:
        return None
    lines, folders = [x for x in leaked if x in secret], [x for x in leaked if x in paths]
    return ("feedback withheld: it contained " + " and ".join(
        ([f"{len(lines)} line(s) of hidden tests"] if lines else []) +
        ([f"{len(folders)} folder(s) of the grading machine"] if folders else [])) +
        " in the outputs of the student's own run or in a comment, possibly encoded; check the "
        "page before releasing it (a coincidence is possible)")


def scan_feedback(course: Path, assignment: str, students: list[str],
                  source_nb: nbformat.NotebookNode, release_nb: nbformat.NotebookNode | None = None
                  ) -> dict[str, str]:
    """Withhold (delete, and record with `withheld_marker`) the feedback of every student in
    `students` whose outputs and comments (what the grading produced; not the student's own
    cells) hold a line of a hidden test or a folder of the grading machine, in any disguise
    autograder.leakscan can undo, or that was withheld before. A hidden-test line that the
    student's own source holds does not count. Returns the flag of each student withheld now."""
    from . import leakscan
    secret = scanned_secrets(source_nb, release_nb)
    paths = set(leakscan.host_paths(course))
    flags = {}
    for student in students:
        html = Path(course) / "feedback" / student / assignment / f"{assignment}.html"
        marker = withheld_marker(course, assignment, student)
        flag = None
        try:
            if marker.exists():
                html.unlink(missing_ok=True)
                continue
            if not html.exists():
                continue
            flag = leak_flag(course, assignment, student, html.read_text(encoding="utf-8", errors="replace"),
                             secret, paths)
        except Exception as err:                       # unchecked feedback is never handed out
            flag = (f"feedback withheld: it could not be checked ({type(err).__name__}: "
                    f"{str(err)[:200]}); a grader error: grade the assignment again (`make autograde`)")
        if flag:
            shutil.rmtree(html, ignore_errors=True) if html.is_dir() else html.unlink(missing_ok=True)
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(flag + "\n", encoding="utf-8")
            flags[student] = flag
    return flags


def _is_solution(grade) -> bool:
    return bool(getattr(grade.cell, "solution", False)) or grade.cell.__class__.__name__ == "SolutionCell"


def timeouts_in(path: Path) -> list[str]:
    if not path.exists():
        return []
    nb = nbformat.read(path, 4)
    found = []
    for n, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError":
                found.append(cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {n}")
    return found


def explain_failure(log: str) -> str:
    """A sentence for the report from nbgrader's log of a failed autograde."""
    if "DeadKernelError" in log or "Kernel died" in log or "kernel died" in log.lower():
        return ("the notebook's kernel died while it ran (os._exit, a crash, or the memory or "
                "process limit); nothing after that point could be graded")
    if "No submitted file" in log:
        return "no notebook was submitted"
    if "Timeout waiting for execute reply" in log:
        return ("a cell ran past the time limit and did not stop when interrupted (a loop that "
                "ignores interrupts?); the notebook could not be graded")
    return "nbgrader could not grade it: " + first_error(log)


def first_error(log: str) -> str:
    """The first error nbgrader logged, without its tracebacks and generic lines (at most 300
    characters); else the log's end."""
    generic = ("There was an error processing", "Please see the", "Traceback")
    errors = [line.split("ERROR]", 1)[1].strip() for line in log.splitlines()
              if "ERROR]" in line and not any(g in line for g in generic)]
    return (errors[0] if errors else log.strip()[-300:])[:300]


def result_dict(r: Result) -> dict:
    return asdict(r)
