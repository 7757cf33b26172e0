"""autograder.hub and deploy/jupyterhub_config.py without starting anything (the real hub:
tests/test_hub.py)."""
import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from autograder import hub as H

REPO = Path(__file__).resolve().parent.parent
NOBODY = 65534


def _as_nobody(argv: list[str], **kw) -> subprocess.CompletedProcess:
    """`argv` run as an unprivileged user without root's groups, as a hub's student (root only)."""
    return subprocess.run(argv, user=NOBODY, group=NOBODY, extra_groups=[], capture_output=True,
                          text=True, cwd="/", **kw)


@pytest.fixture
def open_tmp():
    """A temporary folder in /tmp (pytest's own is private to its user)."""
    path = Path(tempfile.mkdtemp(prefix="rnnlab-hub-unit-", dir="/tmp"))
    yield path
    shutil.rmtree(path)


@pytest.fixture
def private_tmp():
    """A folder only its owner may enter, as `mktemp -d` makes (and root's home is): where many
    clone the course."""
    path = Path(tempfile.mkdtemp(prefix="rnnlab-hub-private-", dir="/tmp"))
    assert path.stat().st_mode & 0o777 == 0o700
    yield path
    shutil.rmtree(path)


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


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


@pytest.mark.parametrize("linking", [True, False], ids=["linked", "copied (another filesystem)"])
def test_readable_view_opens_a_tree_in_a_private_folder_to_other_users(private_tmp, open_tmp, monkeypatch,
                                                                        linking):
    tree = private_tmp / "tree"
    _write(tree / "pkg" / "__init__.py", "X = 1\n")
    _write(tree / "pkg" / "private" / "data.txt", "data\n", 0o600)
    (tree / "pkg" / "private").chmod(0o700)
    _write(tree / "tool", "#!/bin/sh\necho ran\n", 0o700)
    (tree / "link").symlink_to("pkg/__init__.py")
    if not linking:
        def cross_device(src, dst):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        monkeypatch.setattr(H.os, "link", cross_device)
    before = {p: p.lstat().st_mode for p in tree.rglob("*")}
    open_tmp.chmod(0o755)
    view = open_tmp / "view"
    done = H.readable_view(tree, view)
    # a file others may read already is linked (when linking works), a private one copied
    assert done == ({"linked": 1, "copied": 2} if linking else {"linked": 0, "copied": 3})
    same = (view / "pkg" / "__init__.py").stat().st_ino == (tree / "pkg" / "__init__.py").stat().st_ino
    assert same is linking
    # and the originals keep their modes (a link shares its file's: chmod on one opens both)
    assert {p: p.lstat().st_mode for p in tree.rglob("*")} == before
    files = ["pkg/__init__.py", "pkg/private/data.txt", "link", "tool"]
    assert [f for f in files if not H.usable_by_all(view / f)] == []
    assert [f for f in files if H.usable_by_all(tree / f)] == []
    if os.geteuid() == 0:                 # what another user really gets
        for f in files[:3]:
            assert _as_nobody(["cat", str(view / f)]).returncode == 0, f
            assert _as_nobody(["cat", str(tree / f)]).returncode != 0, f
        assert _as_nobody([str(view / "tool")]).stdout == "ran\n"


def test_environment_view_has_the_packages_and_not_the_repository(private_tmp, open_tmp):
    repo = private_tmp / "course"
    venv = repo / ".venv"
    site = venv / "lib" / "python3.11" / "site-packages"
    _write(site / "torchlike" / "__init__.py", "")
    _write(site / "rnnlab-0.1.0.dist-info" / "METADATA", "Name: rnnlab\n")
    # the editable install's hooks import the course's packages from the repository
    _write(site / "__editable__.rnnlab-0.1.0.pth", "import __editable___rnnlab_0_1_0_finder\n")
    _write(site / "__editable___rnnlab_0_1_0_finder.py", f"MAPPING = {{'rnnlab': {str(repo / 'rnnlab')!r}}}\n")
    _write(venv / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgrader.json", "{}")
    _write(venv / "share" / "jupyter" / "kernels" / "python3" / "kernel.json", "{}")
    for package in ("rnnlab", "autograder"):
        _write(repo / package / "__init__.py", "")
    _write(repo / "source" / "ps03" / "ps03.ipynb", "hidden tests")
    _write(repo / "gradebook.db", "grades")
    open_tmp.chmod(0o755)
    dest = open_tmp / "course-env"
    _write(dest / "stale.txt", "from an earlier start")
    view = H.environment_view(dest, site=site, packages=[repo / "rnnlab", repo / "autograder"], prefix=venv)
    assert view == dest and not (dest / "stale.txt").exists()
    view_site = view / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    assert sorted(p.name for p in view_site.iterdir()) == ["autograder", "rnnlab", "rnnlab-0.1.0.dist-info",
                                                            "torchlike"]
    assert (view / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgrader.json").exists()
    assert (view / "share" / "jupyter" / "kernels" / "python3" / "kernel.json").exists()
    everything = list(view.rglob("*"))
    assert not [p for p in everything if p.name in ("source", "ps03.ipynb", "gradebook.db")]
    assert [p for p in everything if not H.usable_by_all(p)] == []
    # the course's packages are what pyproject.toml names, where this Python imports them from
    assert sorted(p.name for p in H.course_packages()) == ["autograder", "rnnlab"]
    assert all((p / "__init__.py").exists() for p in H.course_packages())


def test_shared_python_of_a_private_clone_imports_the_course_as_another_user(private_tmp, open_tmp, monkeypatch):
    if os.geteuid() != 0:
        pytest.skip("running a program as another user needs root")
    site = private_tmp / "course" / ".venv" / "site-packages"
    _write(site / "coursedep" / "__init__.py", "NAME = 'dep'\n")
    package = private_tmp / "course" / "courselib"
    _write(package / "__init__.py", "from coursedep import NAME\n")
    monkeypatch.setattr(H, "course_site_packages", lambda: site)
    monkeypatch.setattr(H, "course_packages", lambda: [package])
    monkeypatch.delenv(H.SHARED_VIEW_ENV, raising=False)
    open_tmp.chmod(0o755)
    state = open_tmp / "state"
    state.mkdir(mode=0o755)
    shared = H.shared_python(state, cache=open_tmp / "cache")
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", **shared.env}
    code = "import courselib; print(courselib.NAME, courselib.__file__)"
    run = _as_nobody([str(shared.python), "-c", code], env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"dep {shared.prefix}/lib/python{sys.version_info.major}.{sys.version_info.minor}" \
                         f"/site-packages/courselib/__init__.py\n"
    assert shared.prefix == state / "course-env"
    # the same Python, told to import them where they are, cannot (what the hub's servers met)
    direct = _as_nobody([str(shared.python), "-S", "-c",
                         f"import sys; sys.path[:0] = [{str(site)!r}, {str(package.parent)!r}]; {code}"], env=env)
    assert direct.returncode != 0 and "courselib" in direct.stderr, direct.stderr
    # hubs told to share one view (the hub tests, one per session) make it once
    made = []
    monkeypatch.setattr(H, "environment_view", lambda dest, make=H.environment_view: made.append(dest) or make(dest))
    monkeypatch.setenv(H.SHARED_VIEW_ENV, str(open_tmp / "shared" / "course-env"))
    (open_tmp / "shared").mkdir(mode=0o755)
    for other in ("state2", "state3"):
        (open_tmp / other).mkdir(mode=0o755)
        again = H.shared_python(open_tmp / other, cache=open_tmp / "cache")
        assert again.prefix == open_tmp / "shared" / "course-env"
        assert _as_nobody([str(again.python), "-c", code], env=env).returncode == 0
    assert made == [open_tmp / "shared" / "course-env"]


def test_make_hub_from_a_private_folder_says_where_to_put_the_state(private_tmp, open_tmp):
    proxy = open_tmp / "proxy"
    proxy.write_text("")
    state = private_tmp / "course" / ".hub" / "state"         # make hub's default in such a clone
    with pytest.raises(H.HubError) as refused:
        H.prepare_state(state, proxy=str(proxy))
    message = str(refused.value)
    assert f"inside {private_tmp} (mode 0700)" in message and 'HUB_ARGS="--state ' in message, message
    assert not (private_tmp / "course").exists(), "nothing is made for a refused state folder"
