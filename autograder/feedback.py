"""Preprocessors for nbgrader's feedback: what a student gets back may carry no hidden test, no
detail of the grading machine, and nothing their browser would run."""
import os

from nbformat.v4 import new_output
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor

from . import leakscan

FEEDBACK_OUTPUT = 8 * 1024           # characters of one output in feedback
FEEDBACK_TOTAL = 128 * 1024          # of all outputs of one feedback notebook


def _is_test_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


class ClearHiddenTestsInTestCells(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, applied to the instructor's test cells only.

    Stock ClearHiddenTests reads every cell, so a student who writes "BEGIN HIDDEN TESTS" in an
    answer (quoting the notebook, or on purpose) makes feedback generation fail. Test cells are
    restored from the gradebook before grading, so their markers are the instructor's."""

    def preprocess_cell(self, cell, resources, cell_index):
        if _is_test_cell(cell):
            return super().preprocess_cell(cell, resources, cell_index)
        return cell, resources


class PlainFeedback(NbGraderPreprocessor):
    """Outputs in feedback: a hidden-test cell shows only passed or failed and its points (its
    output and error text could quote the tests: a student's hook can print them while they
    run); every other output becomes plain text, capped, with the grading machine's folders
    replaced by a placeholder. Runs after GetGrades (which stores each cell's score) and before
    the hidden tests are cleared (it recognises hidden-test cells by their markers)."""

    def preprocess(self, nb, resources):
        self._left = FEEDBACK_TOTAL
        self._paths = leakscan.host_paths(os.getcwd())
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code":
            return cell, resources
        if _is_test_cell(cell) and "BEGIN HIDDEN TESTS" in cell.source:
            meta = cell.metadata.get("nbgrader", {})
            score, points = meta.get("score"), meta.get("points")
            passed = score is not None and points is not None and score >= points
            text = (f"Hidden tests {'passed' if passed else 'failed'}: "
                    f"{score if score is not None else 0:g} of {points if points is not None else 0:g} point(s).\n")
            cell.outputs = [new_output("stream", name="stdout", text=text)]
            return cell, resources
        plain = []
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                text = out.get("text", "")
            elif kind == "error":
                text = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}\n"
            elif kind in ("display_data", "execute_result"):
                text = out.get("data", {}).get("text/plain", "[an output shown only to the grader]")
                text = "".join(text) if isinstance(text, list) else str(text)
                text += "\n"
            else:
                continue
            text = leakscan.redact(text, self._paths)
            limit = min(FEEDBACK_OUTPUT, self._left)
            if len(text) > limit:
                text = text[:limit] + "\n[... cut in feedback]\n"
            self._left -= min(len(text), self._left)
            name = out.get("name", "stdout") if kind == "stream" else "stdout"
            plain.append(new_output("stream", name=name, text=text))
        cell.outputs = plain
        return cell, resources
