"""Stage 2 of a grading run: each student's notebook found in the folder or LMS zip
(autograder.grading.intake), matched to the roster, read and repaired (autograder.grading.sanitize),
made inert (autograder.grading.inert) and staged in the course's staged/ folder, which nbgrader
grades from. The originals are only read; a notebook that cannot be graded is that student's
row, with the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from ..course.folder import STAGED
from ..gradebook import roster as roster_mod
from ..gradebook.report import NOTHING
from ..gradebook.rows import Result
from . import intake as intake_mod
from .feedbackscan import withheld_marker
from .inert import make_inert
from .options import grader_error
from .sanitize import Rejected, read, repair

NBGRADER_RECORDS = ("timestamp.txt", "submission_secret.txt")  # written by nbgrader submit


class Staging:
    """Run's second stage (autograder.grading.pipeline.Run)."""

    def stage(self) -> list[str]:
        """Validate and repair each submission into staged/<student>/<assignment>/.

        nbgrader reads submissions from its submitted_directory; the pipeline points that at
        staged/, so submitted/ (where `nbgrader collect` puts what students hand in, and which
        an instructor may pass as SUBMISSIONS) is only ever read."""
        found = intake_mod.collect(self.submissions, self.assignment, self.work / "intake", self.opt.named_regexp)
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
            if self.on_cluster or self.repair_one(student, path):  # on a cluster, its task repairs it
                ready.append(student)
        for student, result in self.results.items():
            self.found[student] = (found.notebooks.get(student), rows.get(student), found.lms.get(student, {}))
            if not (self.on_cluster and student in ready):  # there, once its task is back
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
        except Exception as err:  # a fault of ours: this student alone
            grader_error(result, "reading and repairing the notebook", err)
            return False
        result.flags += notes + repaired.flags
        if repaired.notes:
            result.reason = "; ".join(filter(None, [result.reason, *repaired.notes]))
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
        else:
            result.name = result.name or lms.get("name", "")  # Moodle's folder names the student
            if self.roster is not None:
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
        # (autograder.deploying.exchange); anywhere else the student may have written it.
        in_layout = path is not None and path.parent.name == self.assignment and path.parent.parent.name == student
        collected = self.submissions == (self.course / "submitted").resolve()
        for name in NBGRADER_RECORDS if in_layout else ():
            if name == "timestamp.txt" and not collected:
                continue
            record = path.parent / name
            if record.is_file() and not record.is_symlink() and record.stat().st_size <= 4096:
                shutil.copyfile(record, folder / name)
        for old in (
            self.course / "autograded" / student / self.assignment,
            self.course / "feedback" / student / self.assignment,
        ):
            shutil.rmtree(old, ignore_errors=True)
        withheld_marker(self.course, self.assignment, student).unlink(missing_ok=True)
