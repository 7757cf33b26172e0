"""A wrong answer, and the test cells below it deleted. They are put back before grading."""

EXPECT = {"lose": ["lstm_step_backward"], "flag": "was deleted"}
CELLS = {"lstm_step_backward": "def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh):\n    return h, c"}


def mutate(nb):
    nb.cells = [
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id")
        not in ("lstm_step_backward_visible", "lstm_step_backward_hidden")
    ]
