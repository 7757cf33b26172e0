"""Every notebook the course runs itself talks to its kernel over Unix sockets in a folder of its own
(rnnlab/kernels.py): TCP ports picked before the kernel binds them race with other kernels starting
at the same time. Every other kernel starts as Jupyter starts it (docs/architecture.md, rnnlab/)."""

import json
import os
import re
from pathlib import Path

import nbformat

from rnnlab.kernels import notebook_client

REPO = Path(__file__).resolve().parents[2]
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


# A kernel started another way: a client or manager built outside rnnlab/kernels.py, a manager class
# swapped into a client or server, or one assigned into a library's module (nbval's, as a root
# conftest.py once did). nbval and JupyterLab start their kernels as Jupyter does.
ANOTHER_WAY = re.compile(
    r"\bNotebookClient\(|\bKernelManager\(|start_new_kernel\(|kernel_manager_class|\bnbval\.kernel\.\w+\s*="
)


def python_files():
    yield from sorted(REPO.glob("*.py"))
    for top in ("rnnlab", "tests", "bench", "autograder", "scripts"):
        yield from sorted((REPO / top).rglob("*.py"))


def test_every_kernel_starts_in_rnnlab_kernels_or_as_jupyter_starts_it():
    """The guard for the class: a kernel started elsewhere would pick TCP ports again, or run in a
    look-alike of a fresh kernel."""
    found = []
    for path in python_files():
        if path in (REPO / "rnnlab" / "kernels.py", Path(__file__).resolve()):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ANOTHER_WAY.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not found, "start kernels with rnnlab.kernels.notebook_client:\n" + "\n".join(found)


def test_the_guard_sees_each_other_way():
    assert all(
        ANOTHER_WAY.search(line)
        for line in (
            "nbval.kernel.KernelManager = ForkedKernelManager",
            '"--AsyncMappingKernelManager.kernel_manager_class=x.Y",',
            "NotebookClient(nb, kernel_name='python3')",
            "km = KernelManager(kernel_name=name)",
        )
    )
    assert not ANOTHER_WAY.search("notebook_client(nb, kernel_name='python3').execute()")


def test_jupyter_client_still_lets_a_picked_port_go():
    """What rnnlab/kernels.py is for (docs/architecture.md, "What the libraries lack"): on TCP,
    jupyter_client picks a kernel's port free and lets it go before the kernel binds it, so any
    other process can take it in between. When this fails, jupyter_client holds what it picks and
    notebook_client can keep its default transport."""
    import socket

    from jupyter_client.connect import LocalPortCache

    port = LocalPortCache.instance().find_available_port("127.0.0.1")
    try:
        with socket.socket() as other:
            other.bind(("127.0.0.1", port))  # another process would do this
    finally:
        LocalPortCache.instance().return_port(port)
