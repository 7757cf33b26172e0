"""A failed check in a notebook leads with the one useful line: no warning, no course frames."""

import re

import nbformat
import pytest

CELLS = [
    "import torch\nfrom rnnlab.checks import check_close\n"
    "expected = torch.ones(2, 3, requires_grad=True) * 0.5      # as a test computes it\n"
    "c_new = torch.zeros(2, 3)\ncheck_close('c_new', c_new, expected)",
    "def mine():\n    assert 1 == 2, 'my own assertion'\nmine()",
]


@pytest.fixture(scope="module")
def ran():
    from rnnlab.kernels import notebook_client

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook_client(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    return nb


def _plain(lines):
    return [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in "\n".join(lines).splitlines()]


def test_a_failed_check_shows_its_message_first_and_nothing_else(ran):
    outputs = ran.cells[0].outputs
    assert [o.output_type for o in outputs] == ["error"], "a warning or other output before the error"
    lines = _plain(outputs[0].traceback)
    assert lines[0].startswith("AssertionError: c_new is off by up to 0.5")
    assert "should be 0.50000" in lines[0] and "at index (0, 0)" in lines[0]
    assert lines[1:] == ["(the check at line 5 of this cell)"]
    assert outputs[0].ename == "AssertionError"  # still an error: nbgrader and progress see it


def test_other_errors_keep_their_full_traceback(ran):
    lines = _plain(ran.cells[1].outputs[0].traceback)
    assert any("Traceback" in line for line in lines) and lines[-1] == "AssertionError: my own assertion"
    assert any("in mine()" in line for line in lines)


def test_outside_ipython_nothing_is_installed():
    from rnnlab import checks

    assert checks.install() is False
