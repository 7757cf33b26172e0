"""A wrong answer, and the test cells below it deleted. They are put back before grading."""

EXPECT = {"lose": ["lstm_step"], "flag": "was deleted"}
CELLS = {"lstm_step": "def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):\n    return h, c"}


def mutate(nb):
    nb.cells = [
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") not in ("lstm_step_visible", "lstm_step_hidden")
    ]
