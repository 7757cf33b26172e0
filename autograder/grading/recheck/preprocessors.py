"""The re-check inside nbgrader's autograde, as preprocessors of its list (`autograde_preprocessors`), so
that the grade nbgrader saves is the judged one, written once:

    InjectChecks    the re-check's input and FIFO made, the fingerprint cell first, the wait cells
                    and the probes last
    Execute         the student's kernel (its launcher forks the re-check process off first)
    ExtractChecks   the added cells removed; what they printed and what the re-check process wrote
    ...             nbgrader's own: IgnorePattern, ClearMetadata, LimitOutput
    Judge           the verdict: tests whose points are taken back, flags, the mistakes named
    SaveGrades      nbgrader's SaveAutoGrades with the verdict: a taken-back test scores 0, a
                    test whose answer could not be run again waits for a hand grade, a hand grade
                    of an unchanged answer stands, and the answer's comment says why
    ...             AssignLatePenalties, CheckCellMetadata

They run in the grading worker, configured with the run's folder (`InRun.run_folder`; `paths` names
each student's files there, the verdict for the report among them), the cell limit, and each
student's answers of the last run (`SaveGrades.earlier_answers`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import select
import threading
import time
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades
from traitlets import Dict, Integer, Unicode

from .cases import load_cases
from .judge import GRADER_FAULT, MISSED, NOT_RUN, comment_text, judge, lose, note
from .kernel import MARK, clean_probe_answers, fingerprint_cell, kernel_checks_source, wait_cells
from .runner import runner_source, student_cells
from .verdict import NOT_RECOGNISED, answer_cells, diagnoses, reaching_flags


def paths(run_folder: str | Path, student: str) -> dict[str, Path]:
    """One student's re-check files in the run's folder: the process's input, its FIFO, the verdict."""
    folder = Path(run_folder)
    return {
        "input": folder / f"recheck-{student}.json",
        "fifo": folder / f"recheck-{student}.fifo",
        "verdict": folder / f"verdict-{student}.json",
    }


@functools.cache
def _cases(assignment: str, course: str) -> list:
    return load_cases(assignment, Path(course))


class InRun(NbGraderPreprocessor):
    """The run's settings, which the re-check's preprocessors share."""

    run_folder = Unicode("", help="The grading run's folder; empty: no re-check.").tag(config=True)
    cell_timeout = Integer(60, help="Seconds per cell, for the wait cells.").tag(config=True)

    def cases(self, resources) -> list:
        if not self.run_folder:
            return []
        return _cases(resources["nbgrader"]["assignment"], os.getcwd())  # the worker runs in the course


class InjectChecks(InRun):
    def preprocess(self, nb, resources):
        cases = self.cases(resources)
        if not cases:
            return nb, resources
        where = paths(self.run_folder, resources["nbgrader"]["student"])
        task = {"runner": runner_source(cases), "cells": student_cells(nb), "cell_timeout": self.cell_timeout}
        where["input"].write_text(json.dumps(task))
        where["input"].chmod(0o600)
        where["fifo"].unlink(missing_ok=True)
        os.mkfifo(where["fifo"], 0o600)
        resources["rnnlab_recheck"] = {"reader": FifoReader(where["fifo"]), "cells": task["cells"]}
        first = nbformat.v4.new_code_cell(fingerprint_cell("before"))
        waits = [nbformat.v4.new_code_cell(c) for c in wait_cells(self.cell_timeout)]
        last = nbformat.v4.new_code_cell(kernel_checks_source())
        for cell in (first, *waits, last):
            cell.metadata[MARK] = True
        nb.cells = [first, *nb.cells, *waits, last]
        return nb, resources


class ExtractChecks(InRun):
    """The added cells removed; what they printed, then what the re-check process wrote."""

    def preprocess(self, nb, resources):
        state = resources.get("rnnlab_recheck")
        if state is None:
            return nb, resources
        keep, printed = [], []
        for cell in nb.cells:
            if not cell.metadata.get(MARK):
                keep.append(cell)
                continue
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream":
                    printed.append(out.get("text", ""))
                elif out.get("output_type") == "error":
                    printed.append(f"\n{MARK}:error:{out.get('ename')}\n")
        nb.cells = keep
        child = state.pop("reader").finish()  # the kernel, and so the re-check process, is gone
        state["printed"] = "".join(printed) + child.decode("utf-8", errors="replace")
        return nb, resources


class Judge(InRun):
    """The verdict of the re-check on what ExtractChecks kept, for SaveGrades and the report."""

    def preprocess(self, nb, resources):
        state = resources.get("rnnlab_recheck")
        if state is None:
            return nb, resources
        student, assignment = resources["nbgrader"]["student"], resources["nbgrader"]["assignment"]
        cases, printed = self.cases(resources), state.get("printed", "")
        passed, tests = set(), set()
        for cell in nb.cells:
            if utils.is_grade(cell):
                score, points = utils.determine_grade(cell, self.log)
                tests.add(cell.metadata["nbgrader"]["grade_id"])
                if score is not None and score >= points:
                    passed.add(cell.metadata["nbgrader"]["grade_id"])
        notes: dict = {}
        try:
            flags, deducted = judge(cases, printed, passed, clean_probe_answers(), notes)
        except Exception as err:  # fail closed: no point the re-check guards stays
            deducted = {t for case in cases for t in case.tests if t in passed}
            flags = [
                f"re-check could not be judged ({type(err).__name__}: {err}); "
                f"{lose(sorted(deducted)) if deducted else 'no test loses its points'}"
            ]
            notes = {}
            note(notes, sorted(deducted), GRADER_FAULT)
        flags += reaching_flags(state.get("cells", []))
        release = Path(self.run_folder) / "release" / assignment / f"{assignment}.ipynb"
        answers = answer_cells(nbformat.read(release, 4))
        grouped: dict[str, dict] = {}  # answer cell -> the sentence of a test's note -> those tests
        for test in sorted(deducted):
            if test in answers:
                said = notes.get(test, (MISSED, (("did", "gave a wrong result"),)))
                grouped.setdefault(answers[test], {}).setdefault(said, []).append(test)
        comments = {
            cell: [comment_text(template, tests, dict(fields)) for (template, fields), tests in by_note.items()]
            for cell, by_note in grouped.items()
        }
        failed = {answers[t] for t in tests if t in answers and (t not in passed or t in deducted)}
        try:
            found = diagnoses(assignment, cases, printed, failed)
        except Exception as err:  # a help, never a grade: note it and go on
            found = {}
            flags.append(f"mistakes not named ({type(err).__name__}: {err})")
        for exercise, d in found.items():
            comments.setdefault(exercise, []).append(d.entry.text() if d.entry else NOT_RECOGNISED)
        held = sorted(t for t in deducted if notes.get(t, ("",))[0] == NOT_RUN)
        state.update(deducted=deducted, held=held, comments=comments)
        verdict = {
            "flags": flags,
            "diagnoses": {ex: (d.entry.id if d.entry else "") for ex, d in found.items()},
            "deducted": sorted(deducted),
        }
        paths(self.run_folder, student)["verdict"].write_text(json.dumps(verdict))
        return nb, resources


class SaveGrades(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, with the re-check's verdict and the hand grades that stand."""

    earlier_answers = Dict(help="Grade id -> the student's answer when last graded.").tag(config=True)

    def preprocess(self, nb, resources):
        self.verdict = resources.get("rnnlab_recheck", {})
        return super().preprocess(nb, resources)

    def _add_score(self, cell, resources) -> None:
        super()._add_score(cell, resources)
        name = cell.metadata["nbgrader"]["grade_id"]
        grade = self.gradebook.find_grade(name, self.notebook_id, self.assignment_id, self.student_id)
        if name in self.verdict.get("deducted", ()):
            grade.auto_score = 0.0
        if name in self.verdict.get("held", ()) and grade.manual_score is None:
            grade.needs_manual_grade = True  # its answer could not be run again: a hand grade decides
        elif grade.manual_score is not None and self.earlier_answers.get(name) == cell.source:
            grade.needs_manual_grade = False  # the answer that was graded by hand, unchanged
        self.gradebook.db.commit()

    def _add_comment(self, cell, resources) -> None:
        super()._add_comment(cell, resources)
        said = self.verdict.get("comments", {}).get(cell.metadata["nbgrader"]["grade_id"])
        if said:
            comment = self.gradebook.find_comment(
                cell.metadata["nbgrader"]["grade_id"], self.notebook_id, self.assignment_id, self.student_id
            )
            comment.auto_comment = "\n\n".join(([comment.auto_comment] if comment.auto_comment else []) + said)
            self.gradebook.db.commit()


def autograde_preprocessors(execute: str = "nbgrader.preprocessors.Execute") -> list[str]:
    """nbgrader's autograde preprocessors, with `execute` for its Execute and the re-check's around it."""
    here = "autograder.grading.recheck.preprocessors."
    return [
        here + "InjectChecks",
        execute,
        here + "ExtractChecks",
        "nbgrader.preprocessors.IgnorePattern",
        "nbconvert.preprocessors.ClearMetadataPreprocessor",
        "nbgrader.preprocessors.LimitOutput",
        here + "Judge",
        here + "SaveGrades",
        "nbgrader.preprocessors.AssignLatePenalties",
        "nbgrader.preprocessors.CheckCellMetadata",
    ]


class FifoReader:
    """Reads a FIFO in a thread from before its writer opens it until the writer closes it, or `finish`."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.chunks: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
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
                    return  # the writer closed it
                time.sleep(0.05)  # no writer yet (a FIFO without one reads as empty)
            if self.stop.is_set():
                return

    def finish(self, timeout: float = 10) -> bytes:
        self.stop.set()
        self.thread.join(timeout)
        with contextlib.suppress(OSError):  # BlockingIOError: nothing more
            while data := os.read(self.fd, 1 << 16):
                self.chunks.append(data)
        os.close(self.fd)
        return b"".join(self.chunks)
