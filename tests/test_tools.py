"""rnnlab.tools: executing a lecture keeps the cells that raise on purpose, and only those."""
import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from rnnlab.tools import execute, expect_errors


def _notebook(*sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_expect_errors_tags_only_marked_cells():
    nb = _notebook("# NBVAL_RAISES_EXCEPTION\n1 / 0", "print(1)")
    tagged = expect_errors(nb)
    assert tagged == [nb.cells[0]]
    assert nb.cells[0].metadata.tags == ["raises-exception"] and "tags" not in nb.cells[1].metadata


def test_execute_keeps_the_error_and_the_tag(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(_notebook("# NBVAL_RAISES_EXCEPTION\n1 / 0", "print('after')"), path)
    execute([str(path)])
    nb = nbformat.read(path, 4)
    assert nb.cells[0].outputs[0].ename == "ZeroDivisionError"
    assert nb.cells[1].outputs[0].text == "after\n"
    # JupyterLab's "run all" reads the tag and runs on past the error, as students need
    assert nb.cells[0].metadata.tags == ["raises-exception"]
    assert expect_errors(nb) == []                       # executing again adds no second tag


def test_execute_still_stops_at_an_unexpected_error(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(_notebook("1 / 0"), path)
    with pytest.raises(CellExecutionError):
        execute([str(path)])
