"""Edits grading metadata: 100 points for one quiz question, a test cell that no longer grades,
a test cell declared a solution. All of it is restored from the release version."""

EXPECT = {"full": True, "max_score": 20, "flag": "grading metadata edited"}


def mutate(nb):
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "quiz_q1":
            meta["points"] = 100
        if meta.get("grade_id") == "lstm_step_backward_hidden":
            meta["grade"] = False
        if meta.get("grade_id") == "lstm_all_gates_hidden":
            meta["solution"] = True
