"""rnnlab.tools: executing a lecture keeps the cells that raise on purpose, and only those."""
import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from rnnlab.tools import execute, marks_to_tags


def _notebook(*sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_markers_become_tags_and_leave_the_code():
    nb = _notebook("# NBVAL_RAISES_EXCEPTION\n1 / 0", "print(1)", "# NBVAL_IGNORE_OUTPUT\nx = 1\nassert x")
    changed = marks_to_tags(nb)
    assert changed == [nb.cells[0], nb.cells[2]]
    assert nb.cells[0].metadata.tags == ["raises-exception"] and "tags" not in nb.cells[1].metadata
    assert nb.cells[0].source == "1 / 0" and nb.cells[2].source == "x = 1\nassert x"
    assert nb.cells[2].metadata.tags == ["nbval-ignore-output"]


def test_execute_keeps_the_error_and_the_tag(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(_notebook("# NBVAL_RAISES_EXCEPTION\n1 / 0", "print('after')"), path)
    execute([str(path)])
    nb = nbformat.read(path, 4)
    assert nb.cells[0].outputs[0].ename == "ZeroDivisionError"
    assert nb.cells[1].outputs[0].text == "after\n"
    # JupyterLab's "run all" reads the tag and runs on past the error, as students need
    assert nb.cells[0].metadata.tags == ["raises-exception"]
    assert marks_to_tags(nb) == [] and nb.cells[0].source == "1 / 0"   # nothing left to convert


def test_execute_still_stops_at_an_unexpected_error(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(_notebook("1 / 0"), path)
    with pytest.raises(CellExecutionError):
        execute([str(path)])
