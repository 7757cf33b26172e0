"""Binder's environment: the CPU build of torch from its own index, and the same pins as everywhere."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BINDER = REPO / "binder"


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        m = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", line)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def test_torch_is_the_cpu_build_from_its_index():
    text = (BINDER / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert pins(BINDER / "requirements.txt")["torch"] == "2.13.0+cpu"


def test_every_requirement_is_pinned_as_everywhere_else():
    binder, root, constraints = (
        pins(BINDER / "requirements.txt"),
        pins(REPO / "requirements.txt"),
        pins(REPO / "constraints.txt"),
    )
    for name, version in root.items():
        assert name in binder, f"binder/requirements.txt lacks {name}"
        if name != "torch":
            assert binder[name] == version == constraints[name], name
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        assert not line or line.startswith(("-", "--")) or "==" in line, f"unpinned: {line}"
    assert "-c ../constraints.txt" in (BINDER / "requirements.txt").read_text()


def test_package_threads_and_python():
    # not editable: an editable install reads /home/jovyan, which a hub's home volume hides
    assert "pip install --no-deps .\n" in (BINDER / "postBuild").read_text()
    # saved widgets show on Binder before anything runs only in trusted notebooks
    assert "python -m rnnlab.tools trust notebooks/*.ipynb" in (BINDER / "postBuild").read_text()
    start = (BINDER / "start").read_text()
    assert "export OMP_NUM_THREADS=1" in start and 'exec "$@"' in start
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    for script in ("postBuild", "start"):
        assert (BINDER / script).stat().st_mode & 0o111, f"binder/{script} must be executable"


def test_readme_badge_opens_the_start_page_in_jupyterlab():
    readme = (REPO / "README.md").read_text()
    badge = re.search(r"\(https://mybinder\.org/v2/gh/[^)]+\?urlpath=lab/tree/([^)]+)\)", readme)
    assert badge, "README lacks a Binder badge that opens JupyterLab"
    assert badge.group(1) == "notebooks/00_start_here.ipynb"
    assert (REPO / badge.group(1)).exists()


def test_the_students_requirements_are_pinned_as_everywhere_else():
    """requirements-student.txt and binder/requirements-student.txt, which the student distribution
    ships as its requirements.txt and binder/requirements.txt: a subset of the course's pins, the
    same versions, the same constraints, torch's CPU build."""
    root, constraints = pins(REPO / "requirements.txt"), pins(REPO / "constraints.txt")
    student, binder = pins(REPO / "requirements-student.txt"), pins(BINDER / "requirements-student.txt")
    for name, version in student.items():
        assert root.get(name) == version == constraints[name], name
        assert name in binder, f"binder/requirements-student.txt lacks {name}"
    for name, version in binder.items():
        if name != "torch":
            assert root.get(name) == version == constraints[name], name
    assert set(binder) - set(student) == {"jupyterhub", "ngshare-exchange"}  # what a hub's image needs
    assert binder["torch"] == "2.13.0+cpu"
    text = (BINDER / "requirements-student.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text and "-c ../constraints.txt" in text
    for path in (REPO / "requirements-student.txt", BINDER / "requirements-student.txt"):
        for line in path.read_text().splitlines():
            line = line.split("#")[0].strip()
            assert not line or line.startswith(("-", "--")) or "==" in line, f"{path.name} unpinned: {line}"
    assert "-e .\n" in (REPO / "requirements-student.txt").read_text()


def test_binder_starts_jupyterlab_with_the_students_settings(tmp_path):
    """mybinder.org sets no JUPYTER_CONFIG_PATH, so without binder/start naming the settings that
    postBuild copies, Binder showed JupyterLab's news toast and the instructor's tools; a hub that
    sets the path itself keeps it."""
    import subprocess

    post = (BINDER / "postBuild").read_text()
    # the students' settings, and first those for a server without nbgrader's exchange (no
    # assignment list that says "Error fetching courses!")
    copied = [re.search(rf'cp -r jupyter/{name} "([^"]+)"', post).group(1) for name in ("local", "student")]
    env = {"PATH": "/usr/bin:/bin", "NB_PYTHON_PREFIX": str(tmp_path)}
    got = subprocess.run(
        [str(BINDER / "start"), "sh", "-c", 'echo "$JUPYTER_CONFIG_PATH"'],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert got == ":".join(copied).replace("${NB_PYTHON_PREFIX}", str(tmp_path)), (got, copied)
    hub = subprocess.run(
        [str(BINDER / "start"), "sh", "-c", 'echo "$JUPYTER_CONFIG_PATH"'],
        env=dict(env, JUPYTER_CONFIG_PATH="/srv/hub-settings"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert hub == "/srv/hub-settings"


def test_every_pinned_package_installs_on_the_oldest_python_the_course_names():
    """soupsieve 4.1.1 (Requires-Python >=3.11.5) stopped `make lab` on Debian 12's Python 3.11.2
    with pip's "Cannot install nbconvert ... conflicting dependencies", while the README asked for
    3.10 or newer. The oldest Python the course names (pyproject's requires-python, the READMEs and
    rnnlab's setup check) must satisfy the Requires-Python of every distribution of the pinned stack
    installed here, and the oldest 3.11 a student is likely to have, Debian 12's 3.11.2, too."""
    import tomllib
    from importlib.metadata import distributions

    from packaging.specifiers import SpecifierSet

    floor = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    oldest = re.fullmatch(r">=\s*(\d+\.\d+)", floor).group(1)
    pinned = pins(REPO / "constraints.txt")
    refused = sorted(
        f"{d.metadata['Name']} {d.version}: {d.metadata['Requires-Python']} ({v})"
        for d in distributions()
        if d.metadata["Name"].lower() in pinned and d.metadata.get("Requires-Python")
        for v in (f"{oldest}.0", "3.11.2")
        if v not in SpecifierSet(d.metadata["Requires-Python"])
    )
    assert not refused, refused
    for readme in (REPO / "README.md", REPO / "autograder/publishing/student/README.md"):
        assert f"`python3` ({oldest} or newer" in readme.read_text(), readme
    setup = " ".join((REPO / "rnnlab/course.py").read_text().split())  # as formatted, on one line
    assert f'"Python {oldest} or newer", sys.version_info >= ({oldest.replace(".", ", ")}),' in setup


def test_every_postbuild_step_runs_and_leaves_what_the_lectures_read(tmp_path):
    """binder/postBuild, run as repo2docker runs it (from the repository, `set -e`): each step must
    succeed, and the corpus step must leave chapter 09's cut code in the cache, or the lecture cuts
    it again at its first run on Binder. pip is a stand-in that records its arguments (the real one
    would install into this environment); the cache and the notary are the test's own."""
    import os
    import subprocess
    import sys

    import nbformat
    from nbformat.sign import NotebookNotary

    from support import cache_of_its_own

    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "pip").write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path / "pip.args"}"\n')
    (shims / "pip").chmod(0o755)
    assert "-m pip" not in (BINDER / "postBuild").read_text()  # it would pass the stand-in by
    cache = cache_of_its_own(tmp_path / "cache")
    env = dict(
        os.environ,
        PATH=f"{shims}:{Path(sys.executable).parent}:{os.environ['PATH']}",
        NB_PYTHON_PREFIX=str(tmp_path / "prefix"),
        XDG_CACHE_HOME=str(cache),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        OMP_NUM_THREADS="1",
    )
    done = subprocess.run(
        ["bash", str(BINDER / "postBuild")], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (tmp_path / "pip.args").read_text() == "install --no-deps .\n"
    for name in ("student", "local"):
        copied = tmp_path / "prefix" / "share" / "rnnlab" / f"jupyter-{name}"
        assert sorted(p.relative_to(copied) for p in copied.rglob("*")) == sorted(
            p.relative_to(REPO / "jupyter" / name) for p in (REPO / "jupyter" / name).rglob("*")
        )
    assert "characters to train on" in done.stdout and str(cache) in done.stdout, done.stdout
    from rnnlab import realcode as R

    root = R.torch_root()
    for files in (R.train_files(), R.HELD_OUT_FILES):  # what lecture 09 will look for
        assert (cache / "rnnlab" / "realcode" / f"{R._part_key(files, root)}.txt").is_file()
    notary = NotebookNotary(
        db_file=str(tmp_path / "data" / "nbsignatures.db"), secret_file=str(tmp_path / "data" / "notebook_secret")
    )
    lectures = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert lectures and all(notary.check_signature(nbformat.read(p, 4)) for p in lectures)
