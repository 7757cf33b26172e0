"""Every kernel the course starts talks over Unix sockets in its own folder (rnnlab/kernels.py):
TCP ports picked before the kernel binds them race with other kernels starting at the same time."""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from rnnlab.kernels import notebook_client

REPO = Path(__file__).resolve().parents[1]
ASK = "import ipykernel, json; print(json.dumps(json.loads(ipykernel.get_connection_info())))"


def _notebook(*sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_notebook_client_kernels_use_their_own_unix_sockets(tmp_path):
    nb = _notebook(ASK)
    client = notebook_client(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    info = json.loads(nb.cells[0].outputs[0]["text"])
    assert info["transport"] == "ipc"
    # an absolute path in a folder of its own (jupyter_client's default is relative to the cwd)
    assert os.path.isabs(info["ip"]) and Path(info["ip"]).parent.name.startswith("rnnlab-k-")
    assert not Path(info["ip"]).parent.exists(), "the socket folder outlives its kernel"


def test_nbval_kernels_use_unix_sockets_too():
    """nbval has no transport option: the repository's conftest.py gives it our manager."""
    folder = Path(tempfile.mkdtemp(dir=REPO / "test-artifacts" if (REPO / "test-artifacts").is_dir() else REPO))
    try:
        path = folder / "transport.ipynb"
        nbformat.write(_notebook(ASK + "\nassert json.loads(ipykernel.get_connection_info())['transport'] == 'ipc'"),
                       path)
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                              str(path)], cwd=REPO, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        assert re.search(r"\b1 passed", run.stdout), run.stdout[-2000:]
    finally:
        subprocess.run(["rm", "-rf", str(folder)])


def test_every_notebook_client_comes_from_rnnlab_kernels():
    """The guard for the class: a NotebookClient built elsewhere would pick TCP ports again."""
    built = []
    for top in ("rnnlab", "tests", "bench", "instructor", "scripts"):
        for path in (REPO / top).rglob("*.py"):
            if path.name == "kernels.py" or path == Path(__file__).resolve():
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"\bNotebookClient\(|\bKernelManager\(|start_new_kernel\(", line):
                    built.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not built, "start kernels with rnnlab.kernels.notebook_client:\n" + "\n".join(built)
