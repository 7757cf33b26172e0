"""A wrong answer, and the test cells below it emptied. nbgrader puts the tests back."""

EXPECT = {"lose": ["lstm_step"], "flag": "was edited"}
CELLS = {"lstm_step": "def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):\n    return h, c"}


def mutate(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in ("lstm_step_visible", "lstm_step_hidden"):
            cell.source = "pass"
