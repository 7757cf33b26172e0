"""Preprocessors for nbgrader's feedback."""
from nbgrader.preprocessors import ClearHiddenTests


class ClearHiddenTestsInTestCells(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, applied to the instructor's test cells only.

    Stock ClearHiddenTests reads every cell, so a student who writes "BEGIN HIDDEN TESTS" in an
    answer (quoting the notebook, or on purpose) makes feedback generation fail. Test cells are
    restored from the gradebook before grading, so their markers are the instructor's."""

    def preprocess_cell(self, cell, resources, cell_index):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            return super().preprocess_cell(cell, resources, cell_index)
        return cell, resources
