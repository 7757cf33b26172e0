"""rnnlab.tools: executing a lecture keeps the cells that raise on purpose, and only those."""

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from rnnlab.tools import SAVED_WITHOUT_OUTPUT, clean_outputs, execute, marks_to_tags


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


def test_a_cell_tagged_saved_without_output_is_stored_unrun():
    """The start page's setup check must not show the author's "Your setup is ready."."""
    nb = _notebook("print('ready')", "print('kept')")
    for n, cell in enumerate(nb.cells, 1):
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=cell.source[7:-2] + "\n")]
        cell.execution_count = n
    nb.cells[0].metadata["tags"] = [SAVED_WITHOUT_OUTPUT]
    clean_outputs(nb)
    assert nb.cells[0].outputs == [] and nb.cells[0].execution_count is None
    assert nb.cells[1].outputs[0].text == "kept\n" and nb.cells[1].execution_count == 2


def test_prints_split_by_a_busy_kernel_are_stored_as_one_output():
    nb = _notebook("print('a'); print('b')")
    out = nbformat.v4.new_output
    nb.cells[0].outputs = [
        out("stream", name="stdout", text="a\n"),
        out("stream", name="stdout", text="b\n"),
        out("stream", name="stderr", text="w\n"),
        out("stream", name="stdout", text="c\n"),
    ]
    clean_outputs(nb)
    assert [(o.name, o.text) for o in nb.cells[0].outputs] == [
        ("stdout", "a\nb\n"),
        ("stderr", "w\n"),
        ("stdout", "c\n"),
    ]


def test_execute_keeps_the_error_and_the_tag(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(_notebook("# NBVAL_RAISES_EXCEPTION\n1 / 0", "print('after')"), path)
    execute([str(path)])
    nb = nbformat.read(path, 4)
    assert nb.cells[0].outputs[0].ename == "ZeroDivisionError"
    assert nb.cells[1].outputs[0].text == "after\n"
    # JupyterLab's "run all" reads the tag and runs on past the error, as students need
    assert nb.cells[0].metadata.tags == ["raises-exception"]
    assert marks_to_tags(nb) == [] and nb.cells[0].source == "1 / 0"  # nothing left to convert


def test_execute_still_stops_at_an_unexpected_error(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(_notebook("1 / 0"), path)
    with pytest.raises(CellExecutionError):
        execute([str(path)])


@pytest.mark.sweep
def test_the_other_cpu_changes_the_bits_of_sums_matrix_products_and_the_lstm():
    """The second nbval run must compute as another CPU would: ATen's own kernels, MKL's and
    oneDNN's matrix products and nn.LSTM's fused kernel all take another path. ATen's and oneDNN's
    variables each change something alone; MKL's changed no bit on the AMD EPYCs this was measured
    on, and stays for Intel CPUs, where MKL picks its own path."""
    import torch

    from rnnlab.tools import OTHER_CPU, other_cpu, probe

    native = torch.backends.cpu.get_cpu_capability()
    emulated = other_cpu()
    assert emulated, f"no other CPU to emulate on a {native} machine"
    assert set(emulated) == {"ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS", "ONEDNN_MAX_CPU_ISA"}
    assert emulated in OTHER_CPU[native.upper()]
    singles = [{k: emulated[k]} for k in ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA")]
    base, other, *alone = probe([{}, emulated, *singles])
    changed = {k for k in base if base[k] != other[k]}
    assert changed == {"sum", "linear", "lstm"}, f"unchanged under {emulated}: {set(base) - changed}"
    for single, result in zip(singles, alone):
        assert result != base, f"{single} alone changes no bit of the probe: it is not needed"


def test_a_step_down_that_computes_the_same_bits_is_passed_over(monkeypatch):
    """On an AVX-512 AMD EPYC the AVX2 step gave the native bits: the emulation takes the next
    step, and none at all when every step computes as this CPU does."""
    import torch

    from rnnlab import tools

    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "AVX512")
    same, differs = {"sum": "a", "linear": "b", "lstm": "c"}, {"sum": "x", "linear": "y", "lstm": "z"}
    partly = {**same, "lstm": "z"}
    monkeypatch.setattr(tools, "probe", lambda envs: [same, same, differs][: len(envs)])
    assert tools.other_cpu() == tools.OTHER_CPU["AVX512"][1]
    monkeypatch.setattr(tools, "probe", lambda envs: [same, differs, differs][: len(envs)])
    assert tools.other_cpu() == tools.OTHER_CPU["AVX512"][0]
    monkeypatch.setattr(tools, "probe", lambda envs: [same, partly, same][: len(envs)])
    assert tools.other_cpu() == {}
    assert tools.other_cpu("AVX512")["ONEDNN_MAX_CPU_ISA"] == "AVX2" and tools.other_cpu("default") == {}
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "DEFAULT")
    assert tools.other_cpu() == {}
