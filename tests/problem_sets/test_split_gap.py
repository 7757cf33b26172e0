"""ps08 exercise 2 (issue 78 §2, made a transfer): the text promises that with `gap` equal to
`window` no test window reads, as an input, the target of a training window. Checked here on the
instructor's solution over many sizes, with the series' values equal to their positions, and the
promise shown to be tight: a gap of one window less lets the last training target into the first
test window whenever both sets hold a window."""

import itertools

import nbformat
import torch

from autograder.course.problemsets import problem_set

SET = "ps08_evaluating_models"


def _solution():
    nb = nbformat.read(problem_set(SET).notebook, 4)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "chronological_split"]
    scope = {"torch": torch}
    exec(cell.source, scope)
    return scope["split_by_time"]


def _overlap(split, n, window, test_size, gap):
    X_train, y_train, X_test, y_test = split(torch.arange(float(n)), window, test_size, gap)
    assert len(y_test) == test_size and len(y_train) == n - window - test_size - gap
    return set(y_train.tolist()) & set(X_test.flatten().tolist())


def test_a_gap_of_one_window_keeps_training_targets_out_of_test_inputs():
    split = _solution()
    cells = nbformat.read(problem_set(SET).notebook, 4).cells
    text = " ".join(" ".join(c.source.split()) for c in cells if c.cell_type == "markdown")
    assert "With `gap` equal to `window`, no test window reads, as an input, the target of a training window" in text
    tried = 0
    for n, window, test_size in itertools.product(range(2, 16), range(1, 6), range(0, 8)):
        room = n - window - test_size  # windows left for the gap and training
        if room < window:
            continue
        assert not _overlap(split, n, window, test_size, window), (n, window, test_size)
        if test_size and room > window - 1:  # a training window and a test window with a gap of window - 1
            assert _overlap(split, n, window, test_size, window - 1), (n, window, test_size)
        tried += 1
    assert tried > 100
