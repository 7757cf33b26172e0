"""A wrong answer, and the test cells below it emptied. nbgrader puts the tests back."""

EXPECT = {"lose": ["lstm_step_backward"], "flag": "was edited"}
CELLS = {"lstm_step_backward": "def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh):\n    return h, c"}


def mutate(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in (
            "lstm_step_backward_visible",
            "lstm_step_backward_hidden",
        ):
            cell.source = "pass"
