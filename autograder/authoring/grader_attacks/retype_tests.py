"""A wrong answer, and its test cells turned into markdown and raw cells, which never run."""

EXPECT = {"lose": ["lstm_step_backward"], "flag": "type changed"}
CELLS = {"lstm_step_backward": "def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh):\n    return h, c"}


def mutate(nb):
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in ("lstm_step_backward_visible", "lstm_step_backward_hidden"):
            cell.cell_type = "markdown" if gid == "lstm_step_backward_visible" else "raw"
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
