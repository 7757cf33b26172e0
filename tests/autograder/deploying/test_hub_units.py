"""autograder.deploying.hub and deploy/jupyterhub_config.py without starting anything (the real hub:
tests/autograder/deploying/test_hub.py)."""

import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from autograder.deploying import hub as H
from autograder.deploying import serverenv as E

REPO = Path(__file__).resolve().parents[3]
NOBODY = 65534


def _as_nobody(argv: list[str], **kw) -> subprocess.CompletedProcess:
    """`argv` run as an unprivileged user without root's groups, as a hub's student (root only)."""
    return subprocess.run(
        argv, user=NOBODY, group=NOBODY, extra_groups=[], capture_output=True, text=True, cwd="/", **kw
    )


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
    assert E.usable_by_all(tool)
    (tmp_path / "a").chmod(0o700)
    assert not E.usable_by_all(tool)
    (tmp_path / "a").chmod(0o755)
    tool.chmod(0o750)
    assert not E.usable_by_all(tool)


def test_nbgrader_system_config_names_course_exchange_and_collector(tmp_path):
    text = H.nbgrader_system_config(tmp_path / "exchange")
    assert f"c.Exchange.root = {str(tmp_path / 'exchange')!r}" in text
    assert "c.CourseDirectory.course_id = 'rnn-deep-dive'" in text
    # the collector is the instructor's (the instructor package, which students' servers do not have: naming
    # it in their config would break their fetch and submit)
    assert "instructor." not in text
    assert (
        "c.ExchangeFactory.collect = 'autograder.deploying.exchange.OwnerCheckedCollect'"
        in H.nbgrader_instructor_config()
    )


def test_prepare_state_without_the_proxy_says_how_to_install_it(tmp_path):
    with pytest.raises(H.HubError, match="make hub-deps"):
        H.prepare_state(tmp_path / "state", proxy=str(tmp_path / "no-proxy"))


def test_hub_config_listens_on_loopback_and_runs_the_course_python(tmp_path, monkeypatch):
    settings = H.Settings(
        state=str(tmp_path),
        python="/opt/py/bin/python",
        config_path="/c1:/c2",
        data_path="/d",
        exchange=str(tmp_path / "x"),
        instructor="teach",
        students=["s1", "s2"],
        port=8123,
    )
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
    assert (
        "test: $(STAMP) system-deps hub-deps" in makefile and "test-hub" in makefile.split("test:")[1].split("\n\n")[0]
    )


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
    settings = H.Settings(
        state=str(open_tmp),
        python="/opt/py/bin/python",
        config_path="/c",
        data_path="/d",
        exchange=str(open_tmp / "x"),
        instructor="teach",
        students=["s1"],
        port=8123,
        ngshare=service,
    )
    (open_tmp / "settings.json").write_text(json.dumps(asdict(settings)))
    monkeypatch.setenv("RNNLAB_HUB_SETTINGS", str(open_tmp / "settings.json"))
    c = PyFileConfigLoader("jupyterhub_config.py", path=str(REPO / "deploy")).load_config()
    ng = next(s for s in c.JupyterHub.services if s["name"] == "ngshare")
    assert ng["url"] == f"http://127.0.0.1:{service['port']}"
    assert ng["command"][:3] == [str(fake_python), "-m", "ngshare"]
    assert ng["command"][ng["command"].index("--admins") + 1] == "teach"  # students are no admins
    assert all(
        a.startswith(f"sqlite:///{service['folder']}") or a.startswith(service["folder"])
        for a in (
            ng["command"][ng["command"].index("--database") + 1],
            ng["command"][ng["command"].index("--storage") + 1],
        )
    )
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
    lines = [
        line
        for line in (REPO / "deploy" / "ngshare" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    pins = dict(line.split("==") for line in lines)
    assert len(pins) == len(lines), "pin every package with =="
    assert pins["ngshare"] == "0.6.0" and pins["SQLAlchemy"].startswith("1.4."), pins
    makefile = (REPO / "Makefile").read_text()
    recipe = subprocess.run(
        ["make", "-n", "-W", "deploy/ngshare/requirements.txt", "ngshare-deps"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--no-deps -r deploy/ngshare/requirements.txt" in recipe, recipe
    assert "test-hub: $(STAMP) system-deps hub-deps ngshare-deps" in makefile


@pytest.mark.parametrize("linking", [True, False], ids=["linked", "copied (another filesystem)"])
def test_readable_view_opens_a_tree_in_a_private_folder_to_other_users(private_tmp, open_tmp, monkeypatch, linking):
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
    done = E.readable_view(tree, view)
    # a file others may read already is linked (when linking works), a private one copied
    assert done == ({"linked": 1, "copied": 2} if linking else {"linked": 0, "copied": 3})
    same = (view / "pkg" / "__init__.py").stat().st_ino == (tree / "pkg" / "__init__.py").stat().st_ino
    assert same is linking
    # and the originals keep their modes (a link shares its file's: chmod on one opens both)
    assert {p: p.lstat().st_mode for p in tree.rglob("*")} == before
    files = ["pkg/__init__.py", "pkg/private/data.txt", "link", "tool"]
    assert [f for f in files if not E.usable_by_all(view / f)] == []
    assert [f for f in files if E.usable_by_all(tree / f)] == []
    if os.geteuid() == 0:  # what another user really gets
        for f in files[:3]:
            assert _as_nobody(["cat", str(view / f)]).returncode == 0, f
            assert _as_nobody(["cat", str(tree / f)]).returncode != 0, f
        assert _as_nobody([str(view / "tool")]).stdout == "ran\n"


def test_environment_view_has_the_third_party_packages_and_nothing_of_the_course(private_tmp, open_tmp):
    repo = private_tmp / "course"
    venv = repo / ".venv"
    site = venv / "lib" / "python3.11" / "site-packages"
    _write(site / "torchlike" / "__init__.py", "")
    _write(site / "rnnlab-0.1.0.dist-info" / "direct_url.json", '{"dir_info": {"editable": true}}')
    _write(site / "rnnlab" / "__init__.py", "an instructor's non-editable install")
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
    view = E.environment_view(dest, site=site, prefix=venv)
    assert view == dest and not (dest / "stale.txt").exists()
    view_site = view / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    assert sorted(p.name for p in view_site.iterdir()) == ["torchlike"]
    assert (view / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgrader.json").exists()
    assert (view / "share" / "jupyter" / "kernels" / "python3" / "kernel.json").exists()
    everything = list(view.rglob("*"))
    assert not [p for p in everything if p.name in ("source", "ps03.ipynb", "gradebook.db", "autograder")]
    assert [p for p in everything if not E.usable_by_all(p)] == []
    # the instructor's packages go to a view of their own (for the instructor's server only)
    packages = E.packages_view(open_tmp / "autograder" / "packages", [repo / "rnnlab", repo / "autograder"])
    assert sorted(p.name for p in packages.iterdir()) == ["autograder", "rnnlab"]
    # the course's packages are what pyproject.toml names, where this Python imports them from
    assert sorted(p.name for p in E.course_packages()) == ["autograder", "rnnlab"]
    assert all((p / "__init__.py").exists() for p in E.course_packages())


def test_server_python_of_a_private_clone_imports_its_sites_as_another_user(private_tmp, open_tmp):
    if os.geteuid() != 0:
        pytest.skip("running a program as another user needs root")
    site = private_tmp / "course" / ".venv" / "site-packages"
    _write(site / "coursedep" / "__init__.py", "NAME = 'dep'\n")
    package = private_tmp / "course" / "courselib"
    _write(package / "__init__.py", "from coursedep import NAME\n")
    open_tmp.chmod(0o755)
    view = E.readable_view(site, open_tmp / "site") and open_tmp / "site"
    mine = open_tmp / "mine"
    E.readable_view(package.parent, mine, skip=lambda rel: rel != "courselib" and not rel.startswith("courselib/"))
    runtime, env_vars = E._runtime(open_tmp)
    python = E.server_python(open_tmp / "env", runtime, env_vars, [mine, view])
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env_vars}
    code = "import courselib; print(courselib.NAME, courselib.__file__)"
    run = _as_nobody([str(python), "-c", code], env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"dep {mine}/courselib/__init__.py\n"
    # the same Python, told to import them where they are, cannot (what the hub's servers met)
    direct = _as_nobody(
        [str(python), "-S", "-c", f"import sys; sys.path[:0] = [{str(site)!r}, {str(package.parent)!r}]; {code}"],
        env=env,
    )
    assert direct.returncode != 0 and "courselib" in direct.stderr, direct.stderr


@pytest.fixture(scope="module")
def student_env():
    """The students' environment of HEAD, as the hub makes it (in an open folder)."""
    folder = Path(tempfile.mkdtemp(prefix="rnnlab-hub-student-", dir="/tmp"))
    folder.chmod(0o755)
    try:
        yield E.student_environment(folder / "student")
    finally:
        shutil.rmtree(folder)


def test_student_environment_installs_the_student_distribution_not_editable(student_env):
    from autograder.publishing import dist

    site = student_env / "site"
    assert (student_env / "commit.txt").read_text().strip() == dist.resolve(REPO, "HEAD")
    assert sorted(p.name for p in site.iterdir() if not p.name.startswith("__")) == ["rnnlab", "rnnlab-0.1.0.dist-info"]
    url = json.loads((site / "rnnlab-0.1.0.dist-info" / "direct_url.json").read_text())
    assert not url.get("dir_info", {}).get("editable"), url
    # files of its own (not links to the repository's), the same package as the distribution's
    shipped = sorted(
        str(p.relative_to(student_env / "dist")) for p in (student_env / "dist" / "rnnlab").rglob("*") if p.is_file()
    )
    installed = sorted(
        str(p.relative_to(site)) for p in (site / "rnnlab").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    assert installed == shipped and len(installed) > 10
    repo_inodes = {p.stat().st_ino for p in (REPO / "rnnlab").rglob("*") if p.is_file()}
    assert not [p for p in (site / "rnnlab").rglob("*") if p.is_file() and p.stat().st_ino in repo_inodes]
    # nothing that grades: the distribution's own checks passed (autograder.publishing.dist), and
    for forbidden in ("source", "autograder", ".git", "gradebook.db", "tests"):
        assert not (student_env / "dist" / forbidden).exists(), forbidden
    # the students' Jupyter settings turn off the instructor's nbgrader tools
    settings = student_env / "dist" / "jupyter" / "student"
    page = json.loads((settings / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert {k for k, v in page.items() if v} >= {
        "@jupyter/nbgrader:formgrader",
        "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:course-list",
    }
    server = json.loads((settings / "jupyter_server_config.d" / "nbgrader-student.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
    }
    assert all(E.usable_by_all(p) for p in [student_env, *student_env.rglob("*")] if not p.is_symlink())
    # made once per commit
    before = (student_env / "commit.txt").stat().st_mtime_ns
    assert E.student_environment(student_env) == student_env
    assert (student_env / "commit.txt").stat().st_mtime_ns == before


def test_make_private_closes_an_open_repository_and_leaves_a_closed_one(open_tmp, private_tmp):
    repo = open_tmp / "course"
    repo.mkdir(mode=0o755)
    repo.chmod(0o755)
    open_tmp.chmod(0o755)
    assert H.make_private(repo) == 0o755
    assert repo.stat().st_mode & 0o777 == 0o700
    inside = private_tmp / "course"
    inside.mkdir(mode=0o755)
    inside.chmod(0o755)
    assert H.make_private(inside) is None and inside.stat().st_mode & 0o777 == 0o755


def test_make_hub_refuses_a_state_folder_inside_the_repository(open_tmp, monkeypatch):
    proxy = open_tmp / "proxy"
    proxy.write_text("")
    repo = open_tmp / "course"
    repo.mkdir(mode=0o755)
    open_tmp.chmod(0o755)
    repo.chmod(0o755)
    monkeypatch.setattr(H, "REPO", repo)
    with pytest.raises(H.HubError, match="inside the course's repository"):
        H.prepare_state(repo / ".hub" / "state", proxy=str(proxy))
    assert not (repo / ".hub").exists()


def test_the_hub_starts_the_instructor_on_their_own_environment(open_tmp, monkeypatch):
    import pwd

    folder = open_tmp / "autograder"
    folder.mkdir(mode=0o700)
    teach = {"python": "/opt/teach/bin/python", "env": {}, "config_path": "/t1:/c1", "data_path": "/d"}
    settings = H.Settings(
        state=str(open_tmp),
        python="/opt/py/bin/python",
        config_path="/c1:/student:/c2",
        data_path="/d",
        exchange=str(open_tmp / "x"),
        instructor="root",
        students=["nobody"],
        instructor_server=teach,
        instructor_folder=str(folder),
    )
    (open_tmp / "settings.json").write_text(json.dumps(asdict(settings)))
    monkeypatch.setenv("RNNLAB_HUB_SETTINGS", str(open_tmp / "settings.json"))
    c = PyFileConfigLoader("jupyterhub_config.py", path=str(REPO / "deploy")).load_config()

    class Spawner:
        def __init__(self, name):
            self.user = type("User", (), {"name": name})()
            self.cmd, self.environment = list(c.Spawner.cmd), dict(c.Spawner.environment)

    student = Spawner("nobody")
    c.Spawner.pre_spawn_hook(student)
    assert student.cmd[0] == "/opt/py/bin/python"
    assert student.environment["JUPYTER_CONFIG_PATH"] == "/c1:/student:/c2"
    assert folder.stat().st_mode & 0o777 == 0o700, "a student's start opens nothing"
    if os.geteuid() != 0:
        return
    instructor = Spawner("root")
    c.Spawner.pre_spawn_hook(instructor)
    assert instructor.cmd == ["/opt/teach/bin/python", "-m", "jupyterhub.singleuser"]
    assert instructor.environment["JUPYTER_CONFIG_PATH"] == "/t1:/c1"
    assert instructor.environment["PATH"].startswith("/opt/teach/bin:")
    assert folder.stat().st_mode & 0o777 == 0o750 and folder.stat().st_gid == pwd.getpwnam("root").pw_gid
    assert c.Spawner.environment["JUPYTER_CONFIG_PATH"] == "/c1:/student:/c2", "the default stays the students'"


def test_make_hub_from_a_private_folder_says_where_to_put_the_state(private_tmp, open_tmp):
    proxy = open_tmp / "proxy"
    proxy.write_text("")
    state = private_tmp / "course" / ".hub" / "state"  # make hub's default in such a clone
    with pytest.raises(H.HubError) as refused:
        H.prepare_state(state, proxy=str(proxy))
    message = str(refused.value)
    assert f"inside {private_tmp} (mode 0700)" in message and 'HUB_ARGS="--state ' in message, message
    assert not (private_tmp / "course").exists(), "nothing is made for a refused state folder"


def test_git_trusts_a_repository_another_user_owns(open_tmp):
    """`sudo make hub` in the instructor's own clone: git, as root, refuses a repository another
    user owns, unless told to trust it (the hub builds the student distribution with git)."""
    if os.geteuid() != 0:
        pytest.skip("owning a repository by another user needs root")
    from autograder.publishing import dist

    repo = open_tmp / "theirs"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@x",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "x",
        ],
        check=True,
    )
    for p in [repo, *repo.rglob("*")]:
        os.chown(p, NOBODY, NOBODY, follow_symlinks=False)
    with pytest.raises(dist.DistError):
        dist.resolve(repo, "HEAD")
    before = {k: v for k, v in os.environ.items() if k.startswith("GIT_CONFIG_")}
    with E.git_trusts(repo):
        assert len(dist.resolve(repo, "HEAD")) == 40
    assert {k: v for k, v in os.environ.items() if k.startswith("GIT_CONFIG_")} == before


def test_the_points_docs_hub_quotes_are_ps03_s():
    """docs/hub.md once quoted '19, 15 and 0 of 22' for a problem set of 20 points: its figures
    are read against the problem set itself."""
    import re

    text = (REPO / "docs" / "hub.md").read_text()
    nb = json.loads((REPO / "source" / "ps03_lstm_gates" / "ps03_lstm_gates.ipynb").read_text())
    graded = [c["metadata"]["nbgrader"] for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    auto = sum(g["points"] for g in graded if not g.get("solution"))
    hand = sum(g["points"] for g in graded if g.get("solution"))
    quoted = re.search(
        r"student1 all (\d+) automatic points.*?the explain\s+answer's (\d+) points make "
        r"ps03's (\d+)",
        text,
        re.S,
    )
    assert quoted, "docs/hub.md no longer says what the hub test's students score"
    assert tuple(map(int, quoted.groups())) == (auto, hand, auto + hand)


def test_the_hub_sets_up_the_problem_sets_it_is_asked_for():
    assert H.chosen_assignments("ps03") == ["ps03_lstm_gates"]
    assert H.chosen_assignments(" ps03, ps04_using_lstm ") == ["ps03_lstm_gates", "ps04_using_lstm"]
    assert H.chosen_assignments("all") == sorted(p.name for p in (REPO / "source").iterdir() if p.name.startswith("ps"))
    for bad in ("ps00", "", "ps0"):  # no set has the start page's number, 00
        with pytest.raises(H.HubError, match="--assignments"):
            H.chosen_assignments(bad)


def test_the_instructors_server_refuses_autograde_outside_the_pipeline(tmp_path, monkeypatch):
    """The instructor's server reads the course's nbgrader_config.py (a copy in their course
    folder, loaded from their ~/.jupyter), and with it the guards of autograder/grading/nbgrader_guard.py: its
    formgrader's Autograde and Generate Feedback buttons are the ones docs/grading.md describes."""
    import pwd
    from types import SimpleNamespace

    monkeypatch.setattr(pwd, "getpwnam", lambda user: SimpleNamespace(pw_dir=str(tmp_path)))
    monkeypatch.setattr(H, "give", lambda path, user: None)
    course = H.setup_instructor("teacher", ["ps03"])
    config = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path / ".jupyter")).load_config()
    assert config.CourseDirectory.root == str(course)
    assert config.Autograde.exporter_class == "autograder.grading.nbgrader_guard.PipelineOnlyExporter"
    assert config.GenerateFeedback.exporter_class == "autograder.grading.nbgrader_guard.ScannedFeedbackExporter"
    assert callable(config.Execute.on_notebook_start)


def test_free_ports_lie_outside_the_systems_range_and_are_never_given_twice():
    """Kernels, Jupyter servers and outgoing connections take ports from the system's range
    (ip_local_port_range): the hub's ports are chosen outside it, so none of them takes one
    between the choice and the hub's bind (tests/autograder/deploying/test_hub_ports.py: what happens if
    something else does)."""
    low, high = H._system_range()
    ports = [H.free_port() for _ in range(300)]
    assert len(set(ports)) == len(ports)
    assert not [p for p in ports if low <= p <= high]
    assert all(1024 <= p <= 65535 for p in ports)
    with socket.socket() as held:
        held.bind(("127.0.0.1", ports[0]))
        held.listen()
        assert not H.port_is_free(ports[0])
    assert H.port_is_free(ports[0])


def test_make_hub_refuses_a_port_in_use_and_says_how_to_choose_another(monkeypatch, capsys):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    made = []
    monkeypatch.setattr(H, "prepare_state", lambda *a, **k: made.append(a))
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert H.main(["--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is in use" in err and "--port 8001" in err
    assert not made, "nothing may be prepared for a hub that cannot start"


def test_make_hub_moves_its_inner_ports_if_one_was_taken_while_it_prepared(monkeypatch, open_tmp):
    """`make hub` execs JupyterHub, so it cannot try again as `start` does: just before the
    exec it checks the ports it chose seconds earlier and chooses again those taken."""
    settings = H.Settings(
        state=str(open_tmp),
        python=sys.executable,
        config_path="",
        data_path="",
        exchange=str(open_tmp / "exchange"),
        port=H.free_port(),
    )
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(H, "prepare_state", lambda *a, **k: settings)
    monkeypatch.setattr(H, "create_user", lambda *a, **k: None)
    monkeypatch.setattr(H, "setup_instructor", lambda *a, **k: open_tmp / "course")

    def execve(*args):
        raise SystemExit("exec")

    monkeypatch.setattr(os, "execve", execve)
    before = settings.hub_port
    with socket.socket() as held:
        held.bind(("127.0.0.1", before))
        held.listen()
        with pytest.raises(SystemExit, match="exec"):
            H.main(["--port", str(settings.port)])
    saved = json.loads((open_tmp / "settings.json").read_text())
    assert saved["hub_port"] == settings.hub_port != before
    assert H.port_is_free(saved["hub_port"]) and H.port_is_free(saved["proxy_api_port"])
