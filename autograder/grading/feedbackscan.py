"""The scan of every feedback page before a student can get it: a page whose outputs or comments
hold a line of a hidden test or a folder of the grading machine, in any disguise
autograder.course.leakscan can undo, is withheld, with a record that outlives the run. Every path
that writes feedback calls it: the run's step `scan_feedback_pages`, `make feedback`
(`scan_feedback`), and nbgrader's own (grading.nbgrader_guard, `leak_flag`)."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import nbformat

from ..course import leakscan
from ..course.folder import REPO, STAGED
from ..course.leakscan import hidden_test_lines
from ..course.student_files import taught_text
from .context import Context, step


def withheld_marker(course: Path, assignment: str, student: str) -> Path:
    """The record that a student's feedback was withheld, which `make feedback` honours and grading
    the student again removes."""
    return Path(course) / "reports" / assignment / "feedback-withheld" / f"{student}.txt"


def own_lines(course: Path, assignment: str, student: str) -> set[str]:
    """Lines of the student's own submission: a hidden-test line they wrote themselves is no leak."""
    staged = Path(course) / STAGED / student / assignment / f"{assignment}.ipynb"
    if not staged.exists():
        return set()
    nb = nbformat.read(staged, 4)
    return {line.strip() for cell in nb.cells for line in cell.source.splitlines()}


@functools.lru_cache(maxsize=1)
def _taught() -> str:
    return taught_text(REPO)


def scanned_secrets(source_nb: nbformat.NotebookNode, release_nb: nbformat.NotebookNode | None = None) -> set[str]:
    """The hidden-test lines the scan looks for: not those too short to be secret, nor those the
    lectures or the released notebook hold (`model.eval()`)."""
    taught = (
        _taught() + "\0" + "\0".join(leakscan.normalise(c.source) for c in (release_nb.cells if release_nb else []))
    )
    lines = {line: leakscan.normalise(line) for line in hidden_test_lines(source_nb)}
    lines = {line: norm for line, norm in lines.items() if len(norm) >= leakscan.MIN_CHARS}
    held = leakscan.finder(lines.values())(taught)
    return {line for line, norm in lines.items() if norm not in held}


def leak_flag(course: Path, assignment: str, student: str, page: str, secret: set[str], paths: set[str]) -> str | None:
    """Why `student`'s feedback page must be withheld, or None: its outputs and comments hold a line
    of `secret` (scanned_secrets) that the student's source does not, or a folder of `paths`."""
    text = leakscan.produced_text(page)
    own = leakscan.normalise("\n".join(own_lines(course, assignment, student)))
    leaked = leakscan.find(text, {line for line in secret if leakscan.normalise(line) not in own} | paths)
    if not leaked:
        return None
    lines, folders = [x for x in leaked if x in secret], [x for x in leaked if x in paths]
    return (
        "feedback withheld: it contained "
        + " and ".join(
            ([f"{len(lines)} line(s) of hidden tests"] if lines else [])
            + ([f"{len(folders)} folder(s) of the grading machine"] if folders else [])
        )
        + " in the outputs of the student's own run or in a comment, possibly encoded; check the "
        "page before releasing it (a coincidence is possible)"
    )


def scan_feedback(
    course: Path,
    assignment: str,
    students: list[str],
    source_nb: nbformat.NotebookNode,
    release_nb: nbformat.NotebookNode | None = None,
) -> dict[str, str]:
    """Withhold (delete, and record with `withheld_marker`) the feedback of each of `students` that
    `leak_flag` refuses, or that was withheld before; returns the flag of each withheld now."""
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
            flag = leak_flag(
                course, assignment, student, html.read_text(encoding="utf-8", errors="replace"), secret, paths
            )
        except Exception as err:  # unchecked feedback is never handed out
            flag = (
                f"feedback withheld: it could not be checked ({type(err).__name__}: "
                f"{str(err)[:200]}); a grader error: grade the assignment again (`make autograde`)"
            )
        if flag:
            shutil.rmtree(html, ignore_errors=True) if html.is_dir() else html.unlink(missing_ok=True)
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(flag + "\n", encoding="utf-8")
            flags[student] = flag
    return flags


@step(reads="course assignment rows release_nb", writes="rows")
def scan_feedback_pages(ctx: Context) -> None:
    """Every feedback page scanned: one that shows a hidden test or a folder of this machine is withheld."""
    source = nbformat.read(ctx.course / "source" / ctx.assignment / f"{ctx.assignment}.ipynb", 4)
    withheld = scan_feedback(ctx.course, ctx.assignment, list(ctx.rows), source, ctx.release_nb)
    for student, flag in withheld.items():
        ctx.rows[student].flags.append(flag)
