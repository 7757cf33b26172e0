"""Grade a class: every submission on its own, in a sandboxed kernel, in parallel.

    python -m autograder grade ps03 path/to/folder-or.zip [--jobs 2] [--unsandboxed]

`Run.run` takes every submission through the stages below, in order; each stage is a module of
its own, and `Run` is made of them.

1. prepare (autograder.grading.prepare): check the sandbox, start the grading workers, regenerate
   the assignment in the gradebook from source/ (into a private release folder, so the committed
   release/ is not touched), load the re-check's cases.
2. staging (autograder.grading.staging): find each student's notebook (autograder.grading.intake),
   read it and repair its grading metadata (autograder.grading.sanitize), make it inert
   (autograder.grading.inert). Unreadable ones are rejected with a reason; the originals are only read.
3. autograde (autograder.grading.autograde): `nbgrader autograde --student X` for each student,
   `jobs` at a time, with the kernel in the sandbox (autograder.grading.sandbox) and a wall-clock
   limit per submission.
4. scoring (autograder.grading.scoring): the scores read back from the gradebook; on a regrade,
   the hand grades of unchanged answers kept.
5. re-check (autograder.grading.recheck): key results checked again outside the student's
   kernel; disagreements take the points back, with a flag, and mistakes are named.
6. feedback (autograder.grading.feedbackscan): feedback HTML per student, rendered by nbgrader with
   the course's preprocessors (autograder.grading.feedback: no hidden test, no kernel output a
   student could use); a final scan withholds any page that still holds a line of a hidden test
   or a folder of this machine.
7. reports (autograder.gradebook.report): grades.csv, report.json and report.md in
   reports/<assignment>/.

On a Dask cluster, autograder.grading.cluster.ClusterRun does stages 2 to 6 of each student in
one task on a worker (`Run.grade_alone`).
"""

from __future__ import annotations

import os
import queue
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..course.folder import REPO, resolve
from ..gradebook.report import write_reports
from ..gradebook.rows import Result
from ..gradebook.scores import record_lms_marks
from .autograde import Autograding
from .feedbackscan import FeedbackStage, scan_feedback
from .options import NotGradeable, Options, SandboxUnavailable, grader_error
from .prepare import Preparation
from .scoring import Scoring
from .staging import Staging
from .workerclient import Worker

# what callers take from here: the run, its options and how it stops
__all__ = ["DEMO_MARKER", "NotGradeable", "Options", "Run", "SandboxUnavailable", "demo_course"]

DEMO_MARKER = ".rnnlab-demo-course"  # `make demo-class` writes it into the demo's course folder


def demo_course(submissions: Path, assignment: str) -> Path | None:
    """The demo course that `submissions` is (or holds, for `assignment`), or None. A demo class
    is graded in its own course folder, never into the course's real gradebook."""
    for folder in (submissions, submissions / assignment):
        if (folder / DEMO_MARKER).is_file() and (folder / "source" / assignment).is_dir():
            return folder.resolve()
    return None


class Run(Preparation, Staging, Autograding, Scoring, FeedbackStage):
    """One grading run of one assignment over one batch of submissions, on this machine. What
    the stages share: the course and the assignment, `opt`, the run's folder `work`, the workers,
    the re-check's `cases`, the notebooks (`release_nb`, `source_nb`), and a row per student
    (`results`, with what the intake `found` for each)."""

    on_cluster = False  # autograder.grading.cluster.ClusterRun: True

    def __init__(
        self, assignment: str, submissions: Path, course: Path = REPO, options: Options | None = None, log=print
    ):
        self.course = Path(course).resolve()
        self.assignment = resolve(assignment, self.course)
        self.submissions = Path(submissions).resolve()
        demo = demo_course(self.submissions, self.assignment)
        if demo:
            log(
                f"a demo class: graded in its own course folder {demo} (gradebook, reports and "
                f"feedback there), not in {self.course}"
            )
            self.course, self.submissions = demo, demo / "submissions"
        self.opt = options or Options()
        if bool(self.opt.cluster) != self.on_cluster:
            raise ValueError(
                "a run on a Dask cluster is autograder.grading.cluster.ClusterRun's, with "
                "Options(cluster=address); Run grades on this machine"
            )
        self.log = log
        self.work = self.course / "grading-runs" / f"{self.assignment}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        self.reports = self.course / "reports" / self.assignment
        self.results: dict[str, Result] = {}
        self.rejected_files: list[tuple[str, str]] = []
        self.workers: dict[int, Worker] = {}
        self.warm: dict = {}  # slot -> its warm process (autograder.grading.warm), if any
        self.cases: list = []
        self.changes: list[tuple[str, float, float]] = []  # scores changed since the last run
        self.scores_before: dict[str, float] | None = None  # the gradebook's, when the run started
        self.roster = None  # the course's roster.csv (autograder.gradebook.roster), if it has one
        self.max_score = 0.0
        self.found: dict[str, tuple] = {}  # student -> (notebook found, roster row, LMS details)
        self.made_runs_folder = False  # grading-runs/ made by this run (prepare)

    def run(self) -> list[Result]:
        """Grade the class, write the reports, and return every student's row."""
        t0 = time.monotonic()
        try:
            self.prepare()
            earlier = self.graded_answers()  # staging removes the last run's notebooks
            self.scores_before = self.gradebook_scores()
            students = self.stage()
            # Canvas's late marks, where the final score (autograder.gradebook.scores) reads them from now on
            record_lms_marks(
                self.reports, {s: found[2].get("prefix", "") for s, found in self.found.items() if found[0] is not None}
            )
            self.log(
                f"grading {len(students)} submission(s) of {self.assignment} {self.where()}, "
                f"{'sandboxed' if self.opt.sandboxed else 'UNSANDBOXED'}"
            )
            self.grade_class(students, earlier)
            self.mark_flagged()
            earlier = self.earlier_rows()
            for result in self.absent(earlier):
                result.max_score = self.max_score
                self.results[result.student] = result
            self.changes = write_reports(self, seconds=round(time.monotonic() - t0, 1), earlier=earlier)
            self.reported()
        finally:
            self.stop()
            if not self.opt.keep_workdir:
                shutil.rmtree(self.work, ignore_errors=True)
                if self.made_runs_folder:  # a run that was refused leaves no trace
                    try:
                        self.work.parent.rmdir()  # only if no other run is in it
                    except OSError:
                        pass
        return sorted(self.results.values(), key=lambda r: r.student)

    def grade_class(self, students: list[str], earlier: dict[str, dict[str, str]]) -> None:
        """Stages 3 to 6 for the staged `students` (`earlier`: the last run's answers, by student),
        each student through all of them on one worker as soon as one is free, as a cluster's task
        does (`grade_alone`): one path for both. (Taking each stage for the whole class in turn
        was no faster: 21.1 s against 20.8 s for 12 ps03 submissions on two workers, medians of
        three pairs, within the noise.)"""
        self.start_warm(len(students))
        self.on_workers(
            students,
            lambda student, slot, worker: self.grade_staged(student, slot, worker, earlier.get(student, {})),
            lambda student, err: grader_error(self.results[student], "grading", err),
        )
        # those not graded (rejected at staging, or failed above) still get the assignment's maximum
        self.collect_scores([s for s, r in self.results.items() if r.status != "graded"])
        self.check_feedback()

    def grade_staged(self, student: str, slot: int, worker: Worker, earlier: dict[str, str]) -> None:
        """One staged student: graded in the sandbox, the hand grades of unchanged answers kept
        (`earlier`: that student's answers of the last run), the scores read, the results
        re-checked outside the kernel and the feedback written once, after the re-check, so that
        it shows the score and the mistakes the re-check left. A fault at one step is this
        student's grader error (or withheld feedback), never a score."""
        result = self.results[student]
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

    def recheck(self, students: list[str]) -> None:
        """The re-check of each graded student, one at a time: a fault judging one is that
        student's grader error, never a score."""
        from .recheck import recheck_all

        for student in students:
            try:
                recheck_all(self, [student])
            except Exception as err:
                grader_error(self.results[student], "re-checking the results outside the kernel", err)

    def grade_alone(self, student: str, slot: int, worker: Worker, earlier: dict[str, str]) -> Result:
        """Everything a class run does for one student, in the same order, for a cluster's task
        (autograder.grading.cluster): repair and stage, then `grade_staged`, then scan the
        feedback. Each step is the class run's own, given this one student."""
        result = self.results[student]
        if self.repair_one(student, self.found[student][0]):
            self.grade_staged(student, slot, worker, earlier)
        else:
            self.collect_scores([student])
        for flag in scan_feedback(self.course, self.assignment, [student], self.source_nb, self.release_nb).values():
            result.flags.append(flag)
        return result

    def on_workers(self, students: list[str], work, failed) -> None:
        """`work(student, slot, worker)` for every student, as many at a time as there are
        workers, each on a free one; `failed(student, error)` keeps the batch going."""
        slots: queue.Queue[int] = queue.Queue()
        for slot in self.workers:
            slots.put(slot)

        def task(student: str) -> None:
            slot = slots.get()
            try:
                if not self.workers[slot].alive():  # killed after a timeout: replace it
                    self.workers[slot] = Worker(self.course, self.work / f"worker-{slot}.log")
                work(student, slot, self.workers[slot])
            except Exception as err:  # keep the batch going, always
                failed(student, err)
            finally:
                slots.put(slot)

        with ThreadPoolExecutor(max_workers=len(self.workers)) as pool:
            list(pool.map(task, students))

    def where(self) -> str:
        return f"with {self.opt.jobs} worker(s)"

    def reported(self) -> None:
        """The reports are written (a cluster's run forgets the students it kept)."""

    def stop(self) -> None:
        """The run is over, graded or not: its workers, and the kernels they started, stop."""
        for worker in self.workers.values():
            worker.stop()
        self.stop_warm()
