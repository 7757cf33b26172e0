"""Issue 31, item 3: an error in the student's own function points at the student's line.

One real kernel runs what a student runs: the released problem sets' setup cells, answers with a
mistake on a known line, and the exercises' visible tests as released (read from release/, not
copied here), then a test cell holding hidden tests, as the grading kernel runs it. Each error
must show the student's frames as Jupyter names them ("Cell In[3], line 11, in manual_rnn" and
that line's text) and none of the course's, torch's or Python's; the error output's name and
value stay the exception's own (nbgrader, the feedback and the progress command read those)."""

import re

import nbformat
import pytest

from autograder.course.folder import REPO
from shape_bug import SHAPE_BUG, SHAPE_BUG_LINE

FORBIDDEN_CALL = '''from rnnlab.gates import lstm_gates as trace_gates


def lstm_all_gates(lstm, x, hx=None):
    """Gates and states at every step, by the lecture's helper (which the exercise rules out)."""
    trace = trace_gates(lstm, x, hx)
    return {name: getattr(trace, name)[0, 0] for name in "ifgoch"}
'''
FORBIDDEN_CALL_LINE = 6

LOSS_BUG = '''def sequence_loss(logits, targets):
    """Mean cross-entropy of (seq_len, batch, classes) scores against (seq_len, batch) classes."""
    classes = logits.shape[-1]
    return torch.nn.functional.cross_entropy(logits.reshape(-1, classes), targets.reshape(-1)[:-1])
'''
LOSS_BUG_LINE = 4  # one target too few

HIDDEN_TEST = """# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from rnnlab.checks import check_input_grads
secret_logits, secret_targets = torch.randn(4, 3, 5), torch.randint(0, 5, (4, 3))
check_input_grads("the loss", sequence_loss, {"logits": secret_logits, "targets": secret_targets},
                  lambda logits, targets: logits.logsumexp(-1).mean())
### END HIDDEN TESTS
"""


def _release_cell(assignment: str, grade_id: str) -> str:
    nb = nbformat.read(REPO / "release" / assignment / f"{assignment}.ipynb", 4)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return cell.source


CELLS = {
    "setup": _release_cell("ps02_rnn", "setup"),
    "shape bug": SHAPE_BUG,
    "rnn visible test": _release_cell("ps02_rnn", "manual_rnn_visible"),
    "setup 03": _release_cell("ps03_lstm_gates", "setup"),
    "forbidden call": FORBIDDEN_CALL,
    "gates visible test": _release_cell("ps03_lstm_gates", "lstm_all_gates_visible"),
    "loss bug": LOSS_BUG,
    "hidden test": HIDDEN_TEST,
}


@pytest.fixture(scope="module")
def ran():
    """{name: (execution count, the cell's error output or None, its source)}."""
    from rnnlab.kernels import notebook_client

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS.values()])
    notebook_client(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    found = {}
    for name, cell in zip(CELLS, nb.cells):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        found[name] = (cell.execution_count, errors[0] if errors else None, cell.source)
    return found


def _text(error) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))


def _line_of(source: str, start: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if line.lstrip().startswith(start))


def _none_of_the_course(text: str) -> None:
    for part in (
        "rnnlab",
        "site-packages",
        "checks.py",
        "contextlib",
        "File ",
        "ipykernel_",
        "Traceback (most recent call last)",
    ):
        assert part not in text, f"{part!r} in the message:\n{text}"


def test_an_error_in_the_students_function_shows_their_line(ran):
    """The issue's case: ps02's visible test calls a manual_rnn with a shape bug. Before, the
    student saw only "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x3)"."""
    answer, _, _ = ran["shape bug"]
    count, error, source = ran["rnn visible test"]
    assert error is not None and error.ename == "RuntimeError"
    assert error.evalue == "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x3)"
    lines = _text(error).splitlines()
    call = _line_of(source, "result = manual_rnn(")
    assert lines == [
        "Where it failed in your code (run %xmode Context in a cell for the full traceback):",
        f"  Cell In[{count}], line {call}",
        "    result = manual_rnn(without_forward(reference), x)",
        f"  Cell In[{answer}], line {SHAPE_BUG_LINE}, in manual_rnn",
        "    " + SHAPE_BUG.splitlines()[SHAPE_BUG_LINE - 1].strip(),
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x3)",
        # ps02's catalogue of mistakes (issue 32) does not know this shape bug, and says so
        "",
        "This is not one of the mistakes the course knows; the message above says what differs.",
    ], "\n".join(lines)
    _none_of_the_course("\n".join(lines))


def test_forbid_calls_names_the_students_call_and_the_tests_line(ran):
    """ps03's visible test forbids the course's gate code: the message names the student's line
    that called it and the test's `with forbid_calls` line (before: "line 144 of this cell",
    contextlib's)."""
    answer, _, _ = ran["forbidden call"]
    _, error, source = ran["gates visible test"]
    assert error is not None and error.ename == "AssertionError"
    assert error.evalue == "lstm_all_gates calls lstm_gates: write it yourself, without calling it"
    text = _text(error)
    assert text.splitlines() == [
        "AssertionError: lstm_all_gates calls lstm_gates: write it yourself, without calling it",
        "Your code called it here:",
        f"  Cell In[{answer}], line {FORBIDDEN_CALL_LINE}, in lstm_all_gates",
        "    " + FORBIDDEN_CALL.splitlines()[FORBIDDEN_CALL_LINE - 1].strip(),
        f"(the check at line {_line_of(source, 'with forbid_calls(')} of this cell)",
    ], text
    _none_of_the_course(text)


def test_a_hidden_test_shows_the_students_lines_and_none_of_its_own(ran):
    """A check of the course (check_input_grads) calls the student's function from a cell that
    holds hidden tests, as in the grading kernel: the student's line is shown, torch's frames
    are summed up as the function their line called, the hidden test's lines and the course's
    frames are not shown."""
    answer, _, _ = ran["loss bug"]
    count, error, source = ran["hidden test"]
    assert error is not None and error.ename == "ValueError"
    lines = _text(error).splitlines()
    assert lines == [
        "Where it failed in your code (run %xmode Context in a cell for the full traceback):",
        f"  Cell In[{count}], line {_line_of(source, 'check_input_grads(')} (a hidden test)",
        f"  Cell In[{answer}], line {LOSS_BUG_LINE}, in sequence_loss",
        "    " + LOSS_BUG.splitlines()[LOSS_BUG_LINE - 1].strip(),
        "  inside torch.nn.functional.cross_entropy",
        "ValueError: Expected input batch_size (12) to match target batch_size (11).",
    ], "\n".join(lines)
    _none_of_the_course("\n".join(lines))
    assert "secret" not in "\n".join(lines)
