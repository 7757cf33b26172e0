"""ngshare as the exchange: the closing step for hubs whose servers all run as one uid.

On Kubernetes (Zero to JupyterHub) every server runs as uid 1000, so nbgrader's shared-folder
exchange cannot tell students apart (docs/hub.md). ngshare is a JupyterHub service that keeps
the exchange in its own database and knows each request's user by the hub token it carries.
This test starts the course's local hub with ngshare as a hub service (its own environment,
`make ngshare-deps`) and the servers' nbgrader config switched to ngshare_exchange, then:

- the instructor creates the course in ngshare with two students and releases ps03 (formgrader);
- each student fetches it, writes an answer that names them, and submits (Assignments API);
- student1, with the very token their server gives the exchange, tries ngshare's API on
  student2's work: list and download submissions, download and upload feedback, submit in
  student2's name, make themself an instructor, release over the assignment;
- the instructor collects (each student's own answer arrives), releases feedback for each;
- each student fetches their own feedback, and student1 fails to download student2's.

What happened lands in test-artifacts/hub/ngshare.json. Root only, like tests/autograder/deploying/test_hub.py.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import tempfile
import time
from pathlib import Path

import pytest

from autograder.course.folder import REPO
from autograder.deploying import hub as H
from hub_support import ASSIGNMENT, NOTEBOOK, Hub, _need, stop_and_clean

pytestmark = pytest.mark.hub
ARTIFACTS = REPO / "test-artifacts" / "hub"
COURSE = "rnn-deep-dive"


class Ngshare:
    """ngshare's REST API behind the hub, called with one user's token (what ngshare_exchange sends)."""

    def __init__(self, url: str, token: str):
        import requests

        self.url, self.http = f"{url}/services/ngshare", requests.Session()
        self.http.headers["Authorization"] = f"token {token}"

    def __call__(self, method: str, path: str, **kw) -> tuple[int, dict]:
        r = self.http.request(method, f"{self.url}/{path}", timeout=60, **kw)
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, {"text": r.text[:300]}


def _mark(nb: dict, text: str) -> dict:
    """The notebook with `text` as the answer of its first solution cell."""
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    cell["source"] = text
    return nb


@pytest.fixture(scope="module")
def ng_term(hub_env_view):
    _need(os.geteuid() == 0, "the ngshare test creates local users, which needs root")
    _need(H.PROXY.exists(), f"JupyterHub's proxy is not installed ({H.PROXY}); run make hub-deps")
    _need(H.NGSHARE_PYTHON.exists(), f"ngshare is not installed ({H.NGSHARE_PYTHON}); run make ngshare-deps")
    tag = secrets.token_hex(2)
    teach, s1, s2 = f"rn{tag}-teach", f"rn{tag}-s1", f"rn{tag}-s2"
    state = Path(tempfile.mkdtemp(prefix="rnnlab-ngshare-", dir="/tmp"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "ngshare-hub.log", "w")
    proc, made = None, []
    rec: dict = {"users": [teach, s1, s2], "student1 tries": {}}
    t0 = time.monotonic()
    try:
        settings = H.prepare_state(state, ngshare=True, instructor=teach, students=[s1, s2], port=0)
        rec["ngshare folder mode"] = oct(stat.S_IMODE(Path(settings.ngshare["folder"]).stat().st_mode))
        for user in (teach, s1, s2):
            H.create_user(user, comment="rnnlab ngshare test")
            made.append(user)
        H.setup_instructor(teach, [ASSIGNMENT])
        proc = H.start(settings, log)
        hub = Hub(settings)
        hub.spawn_all([teach, s1, s2])
        t, a, b = hub.server(teach), hub.server(s1), hub.server(s2)
        rec["seconds to start"] = round(time.monotonic() - t0, 1)
        ng_t, ng_a = Ngshare(settings.url, t.token), Ngshare(settings.url, a.token)
        # the instructor (ngshare's admin) makes the course and its roster
        code, out = ng_t("POST", f"course/{COURSE}", data={"instructors": json.dumps([teach])})
        assert code == 200 and out["success"], out
        for s in (s1, s2):
            code, out = ng_t("POST", f"student/{COURSE}/{s}", data={"first_name": s, "last_name": "", "email": ""})
            assert code == 200 and out["success"], out
        log_text = t.formgrader("POST", f"assignment/{ASSIGNMENT}/release").get("log", "")
        assert "Successfully released" in log_text, log_text
        for srv in (b, a):
            srv.nbgrader("fetch")
            srv.save_nb(NOTEBOOK, _mark(srv.read_nb(NOTEBOOK), f"# the answer of {srv.user}\n"))
        b.nbgrader("submit")

        # student1, with their server's own token, against student2's work (before student1's
        # own submission: the attempt in student2's name lands under student1, the older one)
        tries = rec["student1 tries"]
        for what, method, path, kw in [
            ("list every submission", "GET", f"submissions/{COURSE}/{ASSIGNMENT}", {}),
            ("list student2's submissions", "GET", f"submissions/{COURSE}/{ASSIGNMENT}/{s2}", {}),
            ("download student2's submission", "GET", f"submission/{COURSE}/{ASSIGNMENT}/{s2}", {}),
            (
                "upload feedback for student2",
                "POST",
                f"feedback/{COURSE}/{ASSIGNMENT}/{s2}",
                {"data": {"timestamp": "2026-01-01 00:00:00.000000", "files": "[]"}},
            ),
            ("list the students", "GET", f"students/{COURSE}", {}),
            ("make themself an instructor", "POST", f"instructor/{COURSE}/{s1}", {"data": {}}),
            ("delete the released assignment", "DELETE", f"assignment/{COURSE}/{ASSIGNMENT}", {}),
            (
                "submit in student2's name",
                "POST",
                f"submission/{COURSE}/{ASSIGNMENT}",
                {"data": {"files": "[]", "student_id": s2, "user": s2}, "params": {"user": s2}},
            ),
        ]:
            tries[what] = ng_a(method, path, **kw)
        allowed = {what: got for what, got in tries.items() if what != "submit in student2's name" and got[0] != 403}
        assert not allowed, f"student1 could, through ngshare: {str(allowed)[:1500]}"
        a.nbgrader("submit")
        rec["seconds to submit"] = round(time.monotonic() - t0, 1)
        # whose name that submission went under: only the instructor may list a student's
        rec["submissions listed by the instructor"] = {
            s: [x["student_id"] for x in ng_t("GET", f"submissions/{COURSE}/{ASSIGNMENT}/{s}")[1]["submissions"]]
            for s in (s1, s2)
        }

        # the instructor collects and releases feedback for each student
        collect = t.formgrader("POST", f"assignment/{ASSIGNMENT}/collect").get("log", "")
        rec["collected answers"] = {}
        for s in (s1, s2):
            nb = t.read_nb(f"rnn-deep-dive/submitted/{s}/{NOTEBOOK}")
            rec["collected answers"][s] = next(
                "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                for c in nb["cells"]
                if c["metadata"].get("nbgrader", {}).get("solution")
            ).strip()
            stamp = t.read_text(f"rnn-deep-dive/submitted/{s}/{ASSIGNMENT}/timestamp.txt")
            rec.setdefault("timestamps", {})[s] = stamp.strip()
            base = f"rnn-deep-dive/feedback/{s}/{ASSIGNMENT}"
            for folder in ("rnn-deep-dive/feedback", f"rnn-deep-dive/feedback/{s}", base):
                t.call("PUT", f"api/contents/{folder}", json={"type": "directory"})
            t.call(
                "PUT", f"api/contents/{base}/timestamp.txt", json={"type": "file", "format": "text", "content": stamp}
            )
            t.call(
                "PUT",
                f"api/contents/{base}/{ASSIGNMENT}.html",
                json={"type": "file", "format": "text", "content": f"<p>feedback for {s}</p>"},
            )
        rec["collect log"] = collect
        t.formgrader("POST", f"assignment/{ASSIGNMENT}/release_feedback")
        rec["feedback fetched"] = {}
        for srv in (a, b):
            srv.nbgrader("fetch_feedback")
            folder = srv.json("GET", f"api/contents/{ASSIGNMENT}/feedback")["content"]
            rec["feedback fetched"][srv.user] = [srv.read_text(f"{f['path']}/{ASSIGNMENT}.html") for f in folder]
        tries["download student2's feedback"] = ng_a(
            "GET", f"feedback/{COURSE}/{ASSIGNMENT}/{s2}", params={"timestamp": rec["timestamps"][s2]}
        )
        rec["own feedback through ngshare"] = ng_a(
            "GET",
            f"feedback/{COURSE}/{ASSIGNMENT}/{s1}",
            params={"timestamp": rec["timestamps"][s1], "list_only": "true"},
        )[0]
        rec["seconds"] = round(time.monotonic() - t0, 1)
        yield rec
    finally:
        (ARTIFACTS / "ngshare.json").write_text(json.dumps(rec, indent=1, default=str))
        stop_and_clean(proc, log, made, state)


def test_release_fetch_submit_collect_and_feedback_work_through_ngshare(ng_term):
    teach, s1, s2 = ng_term["users"]
    for s in (s1, s2):
        assert ng_term["collected answers"][s] == f"# the answer of {s}", ng_term["collected answers"]
        assert ng_term["feedback fetched"][s] == [f"<p>feedback for {s}</p>"], ng_term["feedback fetched"]
    assert ng_term["own feedback through ngshare"] == 200


def test_a_student_cannot_read_replace_or_submit_for_another_through_ngshare(ng_term):
    teach, s1, s2 = ng_term["users"]
    for what, (code, out) in ng_term["student1 tries"].items():
        if what == "submit in student2's name":
            continue
        assert code == 403 and out.get("success") is False, f"student1 could {what}: {code} {out}"
    # a submission always goes under the token's owner: student2 still has exactly their own one
    listed = ng_term["submissions listed by the instructor"]
    assert listed[s2] == [s2], listed
    assert listed[s1] and set(listed[s1]) == {s1}, listed
    # the ngshare database and files: only root (the hub's service) may open the folder
    assert ng_term["ngshare folder mode"] == "0o700"
