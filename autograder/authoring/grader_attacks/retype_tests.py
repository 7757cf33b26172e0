"""A wrong answer, and its test cells turned into markdown and raw cells, which never run."""

EXPECT = {"lose": ["lstm_step"], "flag": "type changed"}
CELLS = {"lstm_step": "def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):\n    return h, c"}


def mutate(nb):
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in ("lstm_step_visible", "lstm_step_hidden"):
            cell.cell_type = "markdown" if gid == "lstm_step_visible" else "raw"
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
