"""rnnlab.tools: executing a lecture keeps the cells that raise on purpose, and only those."""
import os
import sys

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


_PROBE = """
import hashlib, torch
torch.set_num_threads(1)
g = torch.Generator().manual_seed(0)
a, x = torch.randn(512, 48, generator=g), torch.randn(40, 8, 29, generator=g)
torch.manual_seed(0)
linear, lstm = torch.nn.Linear(48, 40), torch.nn.LSTM(29, 31)
with torch.no_grad():
    parts = {"sum": a.sum(1), "linear": linear(a), "lstm": lstm(x)[0]}
print(" ".join(k + ":" + hashlib.sha1(v.numpy().tobytes()).hexdigest() for k, v in parts.items()))
"""


def _probes(envs: list[dict]) -> list[dict]:
    """Run the probe under each environment at once (each imports torch: a few seconds)."""
    import subprocess
    procs = [subprocess.Popen([sys.executable, "-c", _PROBE], env={**os.environ, "OMP_NUM_THREADS": "1", **env},
                              stdout=subprocess.PIPE, text=True) for env in envs]
    return [dict(word.split(":") for word in p.communicate()[0].split()) for p in procs]


def test_the_other_cpu_changes_the_bits_of_sums_matrix_products_and_the_lstm():
    """The second nbval run must compute as another CPU would: ATen's own kernels, MKL's and
    oneDNN's matrix products and nn.LSTM's fused kernel all take another path. ATen's and oneDNN's
    variables each change something alone; MKL's changed no bit on the AMD EPYC (AVX2) this was
    written on, and stays for Intel CPUs with AVX-512, where MKL picks its own path."""
    import torch
    from rnnlab.tools import OTHER_CPU, other_cpu

    native = torch.backends.cpu.get_cpu_capability()
    emulated = other_cpu()
    assert emulated, f"no other CPU to emulate on a {native} machine"
    assert set(emulated) == {"ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS", "ONEDNN_MAX_CPU_ISA"}
    assert other_cpu("AVX512")["ONEDNN_MAX_CPU_ISA"] == "AVX2" and other_cpu("default") == {}
    assert set(OTHER_CPU) == {"AVX512", "AVX2"}
    singles = [{k: emulated[k]} for k in ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA")]
    base, other, *alone = _probes([{}, emulated, *singles])
    changed = {k for k in base if base[k] != other[k]}
    assert changed == {"sum", "linear", "lstm"}, f"unchanged under {emulated}: {set(base) - changed}"
    for single, result in zip(singles, alone):
        assert result != base, f"{single} alone changes no bit of the probe: it is not needed"
