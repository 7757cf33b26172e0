"""autograder.hub and deploy/jupyterhub_config.py without starting anything (the real hub:
tests/test_hub.py)."""
import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from autograder import hub as H

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def open_tmp():
    """A temporary folder in /tmp (pytest's own is private to its user)."""
    path = Path(tempfile.mkdtemp(prefix="rnnlab-hub-unit-", dir="/tmp"))
    yield path
    shutil.rmtree(path)


def test_usable_by_all_needs_every_folder_above_open(open_tmp):
    tmp_path = open_tmp
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    tool = folder / "tool"
    tool.write_text("#!/bin/sh\n")
    for p in (tmp_path, tmp_path / "a", folder):
        p.chmod(0o755)
    tool.chmod(0o755)
    assert H.usable_by_all(tool)
    (tmp_path / "a").chmod(0o700)
    assert not H.usable_by_all(tool)
    (tmp_path / "a").chmod(0o755)
    tool.chmod(0o750)
    assert not H.usable_by_all(tool)


def test_nbgrader_system_config_names_course_exchange_and_collector(tmp_path):
    text = H.nbgrader_system_config(tmp_path / "exchange")
    assert f"c.Exchange.root = {str(tmp_path / 'exchange')!r}" in text
    assert "c.CourseDirectory.course_id = 'rnn-deep-dive'" in text
    assert "autograder.exchange.OwnerCheckedCollect" in text


def test_prepare_state_without_the_proxy_says_how_to_install_it(tmp_path):
    with pytest.raises(H.HubError, match="make hub-deps"):
        H.prepare_state(tmp_path / "state", proxy=str(tmp_path / "no-proxy"))


def test_hub_config_listens_on_loopback_and_runs_the_course_python(tmp_path, monkeypatch):
    settings = H.Settings(state=str(tmp_path), python="/opt/py/bin/python", config_path="/c1:/c2",
                          data_path="/d", exchange=str(tmp_path / "x"), instructor="teach",
                          students=["s1", "s2"], port=8123)
    (tmp_path / "settings.json").write_text(json.dumps(asdict(settings)))
    monkeypatch.setenv("RNNLAB_HUB_SETTINGS", str(tmp_path / "settings.json"))
    loader = PyFileConfigLoader("jupyterhub_config.py", path=str(REPO / "deploy"))
    c = loader.load_config()
    assert c.JupyterHub.ip == c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.JupyterHub.port == 8123
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert c.Spawner.cmd == ["/opt/py/bin/python", "-m", "jupyterhub.singleuser"]
    assert c.Spawner.environment["OMP_NUM_THREADS"] == "1"
    assert c.Spawner.environment["JUPYTER_CONFIG_PATH"] == "/c1:/c2"
    assert c.Spawner.environment["PATH"].startswith("/opt/py/bin:")
    assert c.Authenticator.allowed_users == {"teach", "s1", "s2"}
    assert c.Authenticator.admin_users == {"teach"}


def test_make_hub_refuses_without_root(monkeypatch, capsys, tmp_path):
    # run as root here and in CI: the check is shown a user's uid
    monkeypatch.setattr(H.os, "geteuid", lambda: 1000)
    state = tmp_path / "state"
    assert H.main(["--state", str(state)]) == 2
    assert "run it with sudo" in capsys.readouterr().err
    assert not state.exists()


def test_the_proxy_is_pinned_with_a_lockfile():
    package = json.loads((REPO / "deploy" / "hub" / "package.json").read_text())
    version = package["dependencies"]["configurable-http-proxy"]
    assert version.count(".") == 2 and version[0].isdigit(), "pin one exact version"
    lock = json.loads((REPO / "deploy" / "hub" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == version
    assert all("integrity" in p for name, p in lock["packages"].items() if name)
    makefile = (REPO / "Makefile").read_text()
    assert "npm ci --prefix deploy/hub" in makefile
    assert "test: $(STAMP) system-deps hub-deps" in makefile and "test-hub" in makefile.split("test:")[1].split("\n\n")[0]


@pytest.mark.parametrize("prefix", ["Demo-", "1st-", "-x", "a b", "x" * 22])
def test_make_hub_refuses_a_prefix_that_makes_no_user_name(prefix, tmp_path, capsys):
    if os.geteuid() != 0:
        pytest.skip("main() stops earlier without root")
    assert H.main(["--state", str(tmp_path / "state"), f"--prefix={prefix}"]) == 2
    assert "--prefix" in capsys.readouterr().err
    assert not (tmp_path / "state").exists(), "nothing is made for a refused prefix"


def test_hub_config_runs_ngshare_as_a_service_when_asked(open_tmp, monkeypatch):
    fake_python = open_tmp / "ngshare-python"
    fake_python.write_text("")
    service = H.ngshare_service(open_tmp, "teach", python=fake_python)
    assert oct(Path(service["folder"]).stat().st_mode & 0o777) == "0o700"
    settings = H.Settings(state=str(open_tmp), python="/opt/py/bin/python", config_path="/c", data_path="/d",
                          exchange=str(open_tmp / "x"), instructor="teach", students=["s1"], port=8123,
                          ngshare=service)
    (open_tmp / "settings.json").write_text(json.dumps(asdict(settings)))
    monkeypatch.setenv("RNNLAB_HUB_SETTINGS", str(open_tmp / "settings.json"))
    c = PyFileConfigLoader("jupyterhub_config.py", path=str(REPO / "deploy")).load_config()
    ng = next(s for s in c.JupyterHub.services if s["name"] == "ngshare")
    assert ng["url"] == f"http://127.0.0.1:{service['port']}"
    assert ng["command"][:3] == [str(fake_python), "-m", "ngshare"]
    assert ng["command"][ng["command"].index("--admins") + 1] == "teach"      # students are no admins
    assert all(a.startswith(f"sqlite:///{service['folder']}") or a.startswith(service["folder"])
               for a in (ng["command"][ng["command"].index("--database") + 1],
                         ng["command"][ng["command"].index("--storage") + 1]))
    # without ngshare in the settings, no such service
    (open_tmp / "settings.json").write_text(json.dumps(asdict(settings) | {"ngshare": {}}))
    c = PyFileConfigLoader("jupyterhub_config.py", path=str(REPO / "deploy")).load_config()
    assert [s["name"] for s in c.JupyterHub.services] == ["course-admin"]


def test_ngshare_needs_its_environment_and_switches_nbgrader_to_it(open_tmp):
    with pytest.raises(H.HubError, match="make ngshare-deps"):
        H.ngshare_service(open_tmp, "teach", python=open_tmp / "missing")
    text = H.nbgrader_ngshare_config("http://127.0.0.1:8123/services/ngshare")
    assert "c.CourseDirectory.course_id = 'rnn-deep-dive'" in text
    assert "configureExchange(c, 'http://127.0.0.1:8123/services/ngshare')" in text
    assert "Exchange.root" not in text


def test_ngshare_environment_is_pinned_with_sqlalchemy_1():
    lines = [line for line in (REPO / "deploy" / "ngshare" / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    pins = dict(line.split("==") for line in lines)
    assert len(pins) == len(lines), "pin every package with =="
    assert pins["ngshare"] == "0.6.0" and pins["SQLAlchemy"].startswith("1.4."), pins
    makefile = (REPO / "Makefile").read_text()
    assert "--no-deps -r deploy/ngshare/requirements.txt" in makefile
    assert "test-hub: $(STAMP) system-deps hub-deps ngshare-deps" in makefile
