"""The tests' Jupyter servers (conftest.start_jupyter) serve where the tests look for them."""
from __future__ import annotations

import json
import os
import socket
import urllib.request

import pytest

import conftest

pytestmark = pytest.mark.browser        # with the tests whose servers it starts (two server starts, 20-40 s)


def test_a_server_whose_port_was_taken_meanwhile_starts_on_another_and_says_so(tmp_path, monkeypatch):
    """A port found free is taken before the server binds it (in a fresh clone's make test, the other
    test worker's JupyterLab took it and this worker's tests drove that server): the server must not
    move to the next port on its own, and the helper starts it again on a port it reports."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        taken = held.getsockname()[1]
        ports = iter([taken, conftest._free_port()])
        monkeypatch.setattr(conftest, "_free_port", lambda: next(ports))
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
        server, url, token = conftest.start_jupyter(["server", f"--ServerApp.root_dir={tmp_path}"],
                                                    tmp_path / "server.log", env, seconds=60)
        try:
            assert url != f"http://127.0.0.1:{taken}"
            status = json.loads(urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5).read())
            assert "started" in status
            assert next(ports, None) is None                       # it was started twice
        finally:
            server.terminate()
            server.wait(timeout=20)
