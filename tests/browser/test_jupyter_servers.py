"""The tests' Jupyter servers (support.start_jupyter) serve where the tests look for them."""

from __future__ import annotations

import json
import os
import socket
import stat
import time
import urllib.request

import pytest

import support

pytestmark = pytest.mark.browser  # with the tests whose servers it starts (two server starts, 20-40 s)


def test_a_server_whose_port_was_taken_meanwhile_starts_on_another_and_says_so(tmp_path, monkeypatch):
    """A port found free is taken before the server binds it (in a fresh clone's make test, the other
    test worker's JupyterLab took it and this worker's tests drove that server): the server must not
    move to the next port on its own, and the helper starts it again on a port it reports."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        taken = held.getsockname()[1]
        ports = iter([taken, support._free_port()])
        monkeypatch.setattr(support, "_free_port", lambda: next(ports))
        server, url, token = support.start_jupyter(
            ["server", f"--ServerApp.root_dir={tmp_path}"], tmp_path / "server.log", dict(os.environ), seconds=60
        )
        try:
            assert url != f"http://127.0.0.1:{taken}"
            status = json.loads(urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5).read())
            assert "started" in status
            assert next(ports, None) is None  # it was started twice
            assert_kernels_bind_unix_sockets(server, url, token)
        finally:
            support.stop_server(server)


def assert_kernels_bind_unix_sockets(server, url: str, token: str) -> None:
    """A kernel the server starts binds Unix sockets in its short runtime folder, no TCP port (a
    port picked free was taken by another worker's kernel before this one bound it)."""
    start = urllib.request.Request(f"{url}/api/kernels?token={token}", data=b"{}", method="POST")
    kernel = json.loads(urllib.request.urlopen(start, timeout=30).read())["id"]
    try:
        connection = json.loads((server.runtime_dir / f"kernel-{kernel}.json").read_text())
        assert connection["transport"] == "ipc", connection
        sockets, deadline = [], time.monotonic() + 60
        while len(sockets) < 5 and time.monotonic() < deadline:  # shell, iopub, stdin, control, heartbeat
            time.sleep(0.2)
            sockets = [p for p in server.runtime_dir.glob(f"kernel-{kernel}-ipc-*") if stat.S_ISSOCK(p.stat().st_mode)]
        assert len(sockets) == 5, sorted(p.name for p in server.runtime_dir.iterdir())
        assert all(len(str(p).encode()) < 107 for p in sockets)
    finally:
        stop = urllib.request.Request(f"{url}/api/kernels/{kernel}?token={token}", method="DELETE")
        urllib.request.urlopen(stop, timeout=30)
