"""Preprocessors for nbgrader's feedback: what a student gets back shows what they submitted and
how each graded cell scored, nothing that ran in the grading kernel, no hidden test, and
nothing their browser would run."""

import os
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_output
from nbgrader.preprocessors import ClearHiddenTests, GetGrades, NbGraderPreprocessor

from ..course import leakscan

FEEDBACK_OUTPUT = 8 * 1024  # characters of one output in feedback
FEEDBACK_TOTAL = 128 * 1024  # of all outputs of one feedback notebook
# where the student's own notebook is: the pipeline's repaired copy, else what `nbgrader collect` put
STUDENT_SIDE = ("staged", "submitted")


def _is_test_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


class ClearHiddenTestsInTestCells(ClearHiddenTests):
    """nbgrader's ClearHiddenTests on the test cells only (restored from the gradebook): a student's
    "BEGIN HIDDEN TESTS" in an answer made stock ClearHiddenTests fail the feedback."""

    def preprocess_cell(self, cell, resources, cell_index):
        if _is_test_cell(cell):
            return super().preprocess_cell(cell, resources, cell_index)
        return cell, resources


def not_graded_yet(grade) -> bool:
    """An answer neither nbgrader nor a grader has scored (nbgrader's feedback shows it as 0)."""
    return grade.manual_score is None and grade.auto_score is None


class GetGradesOrPending(GetGrades):
    """nbgrader's GetGrades, which also marks each cell not graded yet (`not_graded_yet` in its
    nbgrader metadata) and counts their points (resources["nbgrader"]["pending_points"]) for the
    course's feedback template, and gives the final score as every output derives it
    (`final_scores`), not the late penalty nbgrader stored."""

    def preprocess(self, nb, resources):
        self._pending = 0.0
        nb, resources = super().preprocess(nb, resources)
        resources["nbgrader"]["pending_points"] = self._pending
        resources["nbgrader"].update(
            final_scores(self.config, self.db_url, self.assignment_id, self.student_id, self.notebook_id)
        )
        return nb, resources

    def _get_score(self, cell, resources):
        super()._get_score(cell, resources)
        grade = self.gradebook.find_grade(
            cell.metadata["nbgrader"]["grade_id"], self.notebook_id, self.assignment_id, self.student_id
        )
        cell.metadata.nbgrader["not_graded_yet"] = not_graded_yet(grade)
        if cell.metadata.nbgrader["not_graded_yet"]:
            self._pending += float(grade.max_score or 0)


def final_scores(config, db_url: str, assignment: str, student: str, notebook: str) -> dict:
    """The feedback's figures for one notebook, derived as every output derives them."""
    from nbgrader.api import Gradebook

    from ..gradebook.scores import Scores, late_text

    course = Path(config.get("CourseDirectory", {}).get("root") or os.getcwd())  # nbgrader_config.py's folder
    with Gradebook(db_url) as gb:
        derived = Scores(course, assignment, config=config).of(gb, student)
    if derived is None:
        return {}
    raw, penalty = derived.raws.get(notebook, 0.0), derived.penalties.get(notebook, 0.0)
    return {
        "score": max(0.0, raw - penalty),
        "raw_score": raw,
        "late_penalty": penalty,
        "late_text": late_text(derived.late_source, derived.late_seconds, penalty, derived.note),
    }


def submitted_notebook(course: Path, student: str, assignment: str, notebook: str):
    """The student's own notebook as they submitted it (outputs from their own run), or None."""
    for folder in STUDENT_SIDE:
        path = Path(course) / folder / student / assignment / f"{notebook}.ipynb"
        if path.is_file() and not path.is_symlink():
            try:
                return nbformat.read(path, 4)
            except Exception:
                return None
    return None


SHOWED = "When you ran this cell before submitting, it showed:\n"


def _points(n) -> str:
    return f"{n:g} point" + ("" if n == 1 else "s")


def verdict(score, points, hidden: bool, raised: bool) -> str:
    """The line a test cell shows in feedback: passed, failed, or passed with its points taken back
    by the re-check (it raised no error)."""
    score, points = score or 0, points or 0
    what = "Hidden tests" if hidden else "Visible test"
    if score >= points:
        return f"{what} passed: {score:g} of {_points(points)}.\n"
    if not raised:
        return (
            f"{what} passed in the notebook, but the points were taken back: {score:g} of "
            f"{_points(points)} (see the comment under your answer).\n"
        )
    return f"{what} failed: {score:g} of {_points(points)}.\n"


class PlainFeedback(NbGraderPreprocessor):
    """Feedback from the student's side only: each cell shows the outputs of the student's own run
    (by cell id, or grade id), as capped plain text with the grading machine's folders redacted
    (in comments too); nothing printed in the grading kernel, where their code ran beside the hidden
    tests. A test cell shows its verdict, and a visible one what it showed the student. Runs after
    GetGrades and before the hidden tests are cleared (it knows those cells by their markers)."""

    def preprocess(self, nb, resources):
        self._left = FEEDBACK_TOTAL
        self._paths = leakscan.host_paths(os.getcwd())
        info = resources.get("nbgrader", {})
        own = submitted_notebook(
            Path(os.getcwd()),
            str(info.get("student", "")),
            str(info.get("assignment", "")),
            str(info.get("notebook", info.get("assignment", ""))),
        )
        self._by_id, self._by_grade = {}, {}
        for cell in own.cells if own is not None else []:
            if cell.get("id"):
                self._by_id.setdefault(cell.id, cell)
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid:
                self._by_grade.setdefault(gid, cell)
        return super().preprocess(nb, resources)

    def _own(self, cell):
        """The same cell in the student's own notebook."""
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid:  # graded cells: their grade id names them
            return self._by_grade.get(gid)
        return self._by_id.get(cell.get("id"))

    def preprocess_cell(self, cell, resources, cell_index):
        grading = cell.metadata.get("nbgrader", {})
        if isinstance(grading.get("comment"), str):  # from the gradebook (GetGrades): typed or the grader's
            grading["comment"] = leakscan.redact(grading["comment"], self._paths)
        if cell.cell_type != "code":
            return cell, resources
        own = self._own(cell)
        outputs = self._plain(own.get("outputs", []) if own is not None else [])
        if not _is_test_cell(cell):
            cell.outputs = outputs
            return cell, resources
        hidden = "BEGIN HIDDEN TESTS" in cell.source
        raised = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        text = verdict(grading.get("score"), grading.get("points"), hidden, raised)
        if hidden:  # its output in the student's run of the released cell: nothing to add
            cell.outputs = [_stdout(text)]
        elif outputs:  # a visible test: the message of the course's check, from their own run
            cell.outputs = [_stdout(text + SHOWED)] + outputs
        elif text.startswith("Visible test failed:"):
            cell.outputs = [_stdout(text + "Run this cell in your notebook to see why.\n")]
        else:
            cell.outputs = [_stdout(text)]
        return cell, resources

    def _plain(self, outputs) -> list:
        """The outputs as one plain-text output (so thousands of small ones cost one), capped."""
        texts = []
        for out in outputs:
            kind = out.get("output_type")
            if kind == "stream":
                text = _joined(out.get("text", ""))
            elif kind == "error":
                text = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}\n"
            elif kind in ("display_data", "execute_result"):
                text = _joined(out.get("data", {}).get("text/plain", "[an output shown only to the grader]")) + "\n"
            else:
                continue
            texts.append(text)
            if sum(map(len, texts)) > FEEDBACK_OUTPUT:
                break
        if not texts:
            return []
        text = leakscan.redact("".join(texts), self._paths)
        limit = min(FEEDBACK_OUTPUT, self._left)
        if len(text) > limit:
            text = text[:limit] + "\n[... cut in feedback]\n"
        self._left -= min(len(text), self._left)
        return [_stdout(text)]


def _joined(text) -> str:
    return "".join(text) if isinstance(text, list) else str(text)


def _stdout(text: str):
    return new_output("stream", name="stdout", text=text)


# -- math that renders offline ----------------------------------------------------------------

MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$", re.S)
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)


def math_as_mathml(text: str) -> str:
    """The course's markdown with each formula ($...$, $$...$$) written as MathML, which a browser
    draws without a script or a network; code spans are left as they are."""
    from latex2mathml.converter import convert

    def formula(m):
        tex, display = (m.group(1), "block") if m.group(1) is not None else (m.group(2), "inline")
        try:
            return convert(tex.strip(), display=display)
        except Exception:  # a formula it cannot read stays as written
            return m.group(0)

    parts, last = [], 0
    for code in CODE_SPAN.finditer(text):
        parts += [MATH.sub(formula, text[last : code.start()]), code.group(0)]
        last = code.end()
    return "".join(parts + [MATH.sub(formula, text[last:])])


class CourseMathAsMathML(NbGraderPreprocessor):
    """The formulas of the course's own markdown (word for word a source cell's, not a model answer)
    as MathML, so that the page renders offline without MathJax (`without_mathjax`); a student's
    cells stay as they wrote them."""

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        assignment = str(info.get("assignment", ""))
        path = Path(os.getcwd()) / "source" / assignment / f"{info.get('notebook', assignment)}.ipynb"
        try:
            source = nbformat.read(path, 4)
        except Exception:
            return nb, resources
        self._course = {
            c.source
            for c in source.cells
            if c.cell_type == "markdown" and not c.metadata.get("nbgrader", {}).get("solution")
        }
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "markdown" and cell.source in self._course and "$" in cell.source:
            cell.source = math_as_mathml(cell.source)
        return cell, resources


SCRIPTS = re.compile(
    r'<script\b[^>]*(?:src="[^"]*mathjax[^"]*"|type="text/x-mathjax-config")[^>]*>.*?</script>'
    r"|<!--[^>]*mathjax[^>]*-->",
    re.S | re.I,
)


def without_mathjax(html: str) -> str:
    """nbgrader's feedback header without MathJax's script and settings (CourseMathAsMathML)."""
    return SCRIPTS.sub("", html)
