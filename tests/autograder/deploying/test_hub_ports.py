"""The hub starts although a port chosen for it is taken before it binds it.

autograder.deploying.hub chooses the ports of the hub, its proxy's API, ngshare and (for a test)
the public one when it prepares a hub, and JupyterHub binds them later. In a fresh clone's make
test the notebooks part runs beside the hub part, and something took a chosen port in between:
the proxy answered with 404s for two minutes and the ngshare tests failed with "JupyterHub did
not start". Here the three ports are held by other sockets (one an HTTP server that answers
404, as that was) just before the hub starts: the hub must start on new ones, leave nothing
running from the failed attempt, and say what happened when it runs out of attempts. Needs
root and the proxy (make test-hub installs it), like tests/autograder/deploying/test_hub.py.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import tempfile
import threading
from pathlib import Path

import psutil
import pytest

from autograder.deploying import hub as H
from hub_support import _need

pytestmark = pytest.mark.hub


def _hold(port: int, answer_http: bool):
    """Something else on 127.0.0.1:`port`: a socket that never answers, or an HTTP server
    that answers every request with an error (what a stray server does)."""
    if answer_http:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), http.server.BaseHTTPRequestHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server.shutdown, server.server_close
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return (sock.close,)


def _running_with(ports: set[int]) -> list[str]:
    """Processes started with one of these ports in their command line (a proxy, ngshare)."""
    found = []
    for p in psutil.process_iter(["cmdline"]):
        words = p.info["cmdline"] or []
        if any(
            str(port) in words or f"http://127.0.0.1:{port}" in " ".join(words) for port in ports
        ) and "pytest" not in " ".join(words):
            found.append(" ".join(words)[:200])
    return found


def _clean_up(proc, releases, state: Path) -> None:
    """Stop the hub, free the held ports, remove the hub's folder."""
    if proc is not None:
        H.stop(proc)
    for release in releases:
        release()
    shutil.rmtree(state, ignore_errors=True)


def test_the_hub_starts_on_new_ports_when_its_chosen_ones_are_taken(hub_env_view):
    _need(H.PROXY.exists(), f"JupyterHub's proxy is not installed ({H.PROXY}); run make hub-deps")
    state = Path(tempfile.mkdtemp(prefix="rnnlab-hub-ports-", dir="/tmp"))
    log_path = state / "hub.log"
    proc, releases = None, []
    try:
        settings = H.prepare_state(state, port=0)
        assert settings.port_chosen
        low, high = H._system_range()
        chosen = {settings.port, settings.hub_port, settings.proxy_api_port}
        assert len(chosen) == 3 and not any(low <= p <= high for p in chosen), chosen
        releases += _hold(settings.hub_port, answer_http=True)
        releases += _hold(settings.proxy_api_port, answer_http=False)
        releases += _hold(settings.port, answer_http=False)
        with open(log_path, "w") as log:
            with pytest.raises(H.HubError, match="a port it needs was in use at each of 1 tries"):
                H.start(settings, log, attempts=1)
            assert not _running_with(chosen), "the failed start left these running"
            assert {settings.port, settings.hub_port, settings.proxy_api_port} == chosen
            proc = H.start(settings, log)
            now = {settings.port, settings.hub_port, settings.proxy_api_port}
            assert not now & chosen, "the hub should have moved to new ports"
            assert H._answers_as_hub(settings.url)
            saved = (state / "settings.json").read_text()
            assert f'"hub_port": {settings.hub_port}' in saved and f'"port": {settings.port}' in saved
            assert not _running_with(chosen), "the failed attempt left these running"
        assert log_path.read_text().count("JupyterHub is now running") == 1
    finally:
        _clean_up(proc, releases, state)


def test_the_hub_starts_again_when_ngshares_port_is_taken(hub_env_view):
    """ngshare, a service the hub starts, binds its own port: taken, ngshare fails and JupyterHub
    exits; the course stops what the attempt left (the proxy, by its API port) and starts again
    with new ports (two attempts: the first fails, the second runs)."""
    _need(H.PROXY.exists(), f"JupyterHub's proxy is not installed ({H.PROXY}); run make hub-deps")
    _need(H.NGSHARE_PYTHON.exists(), f"ngshare is not installed ({H.NGSHARE_PYTHON}); run make ngshare-deps")
    state = Path(tempfile.mkdtemp(prefix="rnnlab-hub-ports-", dir="/tmp"))
    log_path = state / "hub.log"
    proc, releases = None, []
    try:
        settings = H.prepare_state(state, ngshare=True, port=0)
        first = {settings.ngshare["port"], settings.hub_port, settings.proxy_api_port, settings.port}
        releases += _hold(settings.ngshare["port"], answer_http=False)
        with open(log_path, "w") as log:
            proc = H.start(settings, log, attempts=2)
        now = {settings.ngshare["port"], settings.hub_port, settings.proxy_api_port, settings.port}
        assert not now & first and H._answers_as_hub(settings.url)
        assert f'"port": {settings.ngshare["port"]}' in (state / "settings.json").read_text()
        assert not _running_with(first), "the failed attempt left these running"
        text = log_path.read_text()
        assert "Address already in use" in text and text.count("JupyterHub is now running") == 1
    finally:
        _clean_up(proc, releases, state)
