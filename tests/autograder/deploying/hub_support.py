"""The real JupyterHub of the hub tests: starting, waiting for and cleaning it."""

from __future__ import annotations

import json
import re
import shutil
import time
import uuid
from pathlib import Path

import pytest

from autograder.deploying import hub as H
from support import IN_CI

ASSIGNMENT = "ps03_lstm_gates"


NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"


def _need(condition: bool, why: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail("the hub test cannot run in CI: " + why)
        pytest.skip(why)


# -- talking to the hub and to the users' servers ---------------------------------------------
class Server:
    """One user's server behind the hub, driven with that user's own API token."""

    def __init__(self, hub_url: str, user: str, token: str):
        import requests

        self.user, self.token = user, token
        self.base = f"{hub_url}/user/{user}"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {token}"

    def call(self, method: str, path: str, expect=(200, 201, 204), **kw):
        r = self.http.request(method, f"{self.base}/{path.lstrip('/')}", timeout=300, **kw)
        assert r.status_code in expect, f"{self.user}: {method} {path} -> {r.status_code} {r.text[:1500]}"
        return r

    def json(self, method: str, path: str, **kw):
        return self.call(method, path, **kw).json()

    def read_nb(self, path: str) -> dict:
        return self.json("GET", f"api/contents/{path}", params={"content": 1})["content"]

    def read_text(self, path: str) -> str:
        return self.json("GET", f"api/contents/{path}", params={"content": 1, "format": "text"})["content"]

    def save_nb(self, path: str, nb: dict) -> None:
        self.call("PUT", f"api/contents/{path}", json={"type": "notebook", "format": "json", "content": nb})

    def nbgrader(self, action: str) -> dict:
        """fetch, submit or fetch_feedback, as the Assignments tab does."""
        out = self.json(
            "POST", f"assignments/{action}", data={"course_id": "rnn-deep-dive", "assignment_id": ASSIGNMENT}
        )
        assert out.get("success"), f"{self.user}: {action} failed: {out}"
        return out

    def formgrader(self, method: str, path: str, **kw):
        out = self.json(method, f"formgrader/api/{path}", **kw)
        if isinstance(out, dict) and "success" in out:
            assert out["success"], f"formgrader {path}: {out.get('error') or out}"
        return out

    def shell(self, command: str, timeout: float = 240) -> tuple[int, str]:
        """Run `command` in a terminal of this server (as its user), like typing it in JupyterLab."""
        import websocket

        name = self.json("POST", "api/terminals")["name"]
        ws = websocket.create_connection(
            f"{self.base.replace('http://', 'ws://')}/terminals/websocket/{name}",
            header=[f"Authorization: token {self.token}"],
            timeout=timeout,
        )
        tag = uuid.uuid4().hex[:8]
        ws.send(json.dumps(["stdin", f'stty -echo; {command}; echo "@{tag}@$?@"\r']))
        out, deadline = "", time.monotonic() + timeout
        try:
            while not (m := re.search(rf"@{tag}@(\d+)@", out)):
                assert time.monotonic() < deadline, f"{self.user}: {command!r} still running:\n{out[-3000:]}"
                msg = json.loads(ws.recv())
                if msg[0] == "stdout":
                    out += msg[1]
        finally:
            ws.close()
            self.call("DELETE", f"api/terminals/{name}")
        return int(m.group(1)), out[: m.start()].replace("\r", "")


class Hub:
    def __init__(self, settings: H.Settings):
        import requests

        self.s = settings
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {settings.api_token}"

    def api(self, method: str, path: str, **kw):
        r = self.http.request(method, f"{self.s.url}/hub/api/{path}", timeout=60, **kw)
        assert r.status_code < 300, f"hub {method} {path} -> {r.status_code} {r.text[:500]}"
        return r.json() if r.text else None

    def spawn_all(self, users: list[str], timeout: float = 180) -> None:
        for user in users:
            self.api("POST", f"users/{user}/server")  # answers at once (slow_spawn_timeout 0)
        deadline = time.monotonic() + timeout
        waiting = set(users)
        while waiting:
            for user in sorted(waiting):
                model = self.api("GET", f"users/{user}")
                if (model.get("servers", {}).get("") or {}).get("ready"):
                    waiting.discard(user)
                elif not model.get("pending") and not model.get("servers"):
                    pytest.fail(f"{user}'s server stopped while starting: see the hub log")
            assert time.monotonic() < deadline, f"servers not ready after {timeout} s: {waiting}"
            time.sleep(0.5)

    def server(self, user: str) -> Server:
        token = self.api("POST", f"users/{user}/tokens", json={"note": "course hub test"})["token"]
        return Server(self.s.url, user, token)


def stop_and_clean(proc, log, users: list[str], state: Path) -> None:
    """The end of a hub test, also after a failure: stop the hub (and so its servers and
    services), close its log, remove the users the test made and the hub's state folder."""
    if proc is not None:
        H.stop(proc)
    log.close()
    for user in users:
        H.remove_user(user)
    shutil.rmtree(state, ignore_errors=True)
