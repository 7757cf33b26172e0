"""The scan of every feedback page a grading run or `make feedback` writes, before a student can get
it: a page whose outputs or comments hold a line of a hidden test or a folder of the grading
machine, in any disguise autograder.course.leakscan can undo, is withheld, with a record that
outlives the run. The one check of every path that writes feedback (the grading run's step
`scan_feedback_pages`, `make feedback`, the formgrader's buttons: grading.nbgrader_guard)."""

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
    return taught_text(REPO)


def scanned_secrets(source_nb: nbformat.NotebookNode, release_nb: nbformat.NotebookNode | None = None) -> set[str]:
    """The hidden-test lines the feedback scan looks for: not those too short to be secret, and
    not generic ones that the teaching material holds (`model.eval()`, `with torch.no_grad():`
    in a lecture or the released notebook)."""
    taught = (
        _taught() + "\0" + "\0".join(leakscan.normalise(c.source) for c in (release_nb.cells if release_nb else []))
    )
    lines = {line: leakscan.normalise(line) for line in hidden_test_lines(source_nb)}
    lines = {line: norm for line, norm in lines.items() if len(norm) >= leakscan.MIN_CHARS}
    held = leakscan.finder(lines.values())(taught)
    return {line for line, norm in lines.items() if norm not in held}


def leak_flag(course: Path, assignment: str, student: str, page: str, secret: set[str], paths: set[str]) -> str | None:
    """Why `student`'s feedback page must be withheld, or None: its outputs and comments (not the
    student's own cells) hold a line of `secret` (scanned_secrets) that the student's source does
    not, or one of the grading machine's folders `paths`, in any disguise autograder.course.leakscan can
    undo. The one check of every path that writes feedback (scan_feedback, autograder.grading.nbgrader_guard)."""
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
    """Withhold (delete, and record with `withheld_marker`) the feedback of every student in
    `students` whose outputs and comments (what the grading produced; not the student's own
    cells) hold a line of a hidden test or a folder of the grading machine, in any disguise
    autograder.course.leakscan can undo, or that was withheld before. A hidden-test line that the
    student's own source holds does not count. Returns the flag of each student withheld now."""
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
    """No line of a hidden test and no folder of the grading machine may appear in any feedback
    page, in any disguise autograder.course.leakscan can undo: such a page is withheld, with a flag."""
    source = nbformat.read(ctx.course / "source" / ctx.assignment / f"{ctx.assignment}.ipynb", 4)
    withheld = scan_feedback(ctx.course, ctx.assignment, list(ctx.rows), source, ctx.release_nb)
    for student, flag in withheld.items():
        ctx.rows[student].flags.append(flag)
