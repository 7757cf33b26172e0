"""`make student-dist`: the students' repository holds the course without anything that grades it.

Built once with the real make target (from HEAD; ALLOW_DIRTY=1, so that a developer's uncommitted
work does not stop it, and it must then not be in the distribution); then scanned for every
solution, hidden-test and graded-key line of every problem set in source/, checked for forbidden
folders, and used as a student would:
its own `make lab` (student settings, its own folder) and `make progress` (without source/), with
this virtual environment and the distribution's own rnnlab.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.course import student_files
from autograder.course.problemsets import problem_sets
from autograder.publishing import dist, scan
from lab_servers import INSTRUCTOR_ONLY, disabled_extensions, lab_command, running_lab, status
from rnnlab import colab
from student_repo import REPO, STUDENT_REPO, head

VENV = Path(sys.prefix)  # this virtual environment, reused by the distribution


def committed(course: Path, rel: str, ref: str = "HEAD") -> bytes:
    return subprocess.run(["git", "-C", str(course), "show", f"{ref}:{rel}"], capture_output=True, check=True).stdout


@pytest.fixture(scope="module")
def found():
    return scan.secrets(REPO)


def released_sets():
    return sorted(p.parent.name for p in (REPO / "release").glob("ps*/ps*.ipynb") if p.parent.name == p.stem)


def test_nothing_forbidden_and_all_a_student_needs(built):
    dest, _ = built
    assert scan.forbidden_paths(dest) == []
    top = {p.name for p in dest.iterdir()}
    assert not top & {
        "source",
        "instructor",
        "tests",
        "docs",
        "deploy",
        "nbgrader_config.py",
        "gradebook.db",
        "test-artifacts",
        "bench",
        ".github",
    }
    for lecture in sorted((REPO / "notebooks").glob("*.ipynb")):  # every lecture, start page, cheat sheet
        assert (dest / "notebooks" / lecture.name).read_bytes() == committed(REPO, f"notebooks/{lecture.name}").replace(
            b"OWNER/REPO", STUDENT_REPO.encode()
        ), lecture.name
    assert not (dest / "notebooks" / "sanitize.cfg").exists()
    assert sorted(p.parent.name for p in (dest / "release").glob("ps*/ps*.ipynb")) == released_sets()
    for name in (
        "rnnlab/__init__.py",
        "rnnlab/progress.py",
        "rnnlab/data/quiz_03.json",
        "requirements.txt",
        "constraints.txt",
        "binder/postBuild",
        "binder/requirements.txt",
        "jupyter/student/labconfig/page_config.json",
        "jupyter/local/labconfig/page_config.json",
        "Makefile",
        "course.mk",
        "README.md",
        ".gitignore",
    ):
        assert (dest / name).is_file(), name
    assert not list(dest.rglob("__pycache__"))
    # the student package whole, and nothing of the instructor's in it
    tracked = subprocess.run(
        ["git", "-C", str(REPO), "ls-tree", "-r", "--name-only", "HEAD", "rnnlab"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(f"rnnlab/{rel}" for rel in scan.files(dest / "rnnlab")) == sorted(tracked)
    assert 'include = ["rnnlab*"]' in (dest / "pyproject.toml").read_text()
    assert "instructor" not in (dest / "pyproject.toml").read_text()
    marker = json.loads((dest / dist.MARKER).read_text())
    assert marker["student_repo"] == STUDENT_REPO and marker["course_commit"] == head(REPO)


def test_normalising_removes_whitespace_and_invisible_characters():
    text = "x\u00a0=\u200b torch.\u2028zeros(\ufeff3)\U000e0041\t\r\n\x1c ＡＢ"
    assert scan.normalise(text) == "x=torch.zeros(3)AB"
    assert scan.normalise(text) == re.sub(r"[\s\u200b\ufeff\U000e0041]+", "", unicodedata.normalize("NFKC", text))


def test_the_scan_has_secrets_of_every_problem_set(found):
    for ps in problem_sets(REPO):
        kinds = {s.kind for s in found if s.assignment == ps.name}
        assert {"solution", "hidden test"} <= kinds, f"{ps.name}: nothing to look for ({kinds})"
    released = "\0".join(
        scan.normalise(c.source)
        for a in released_sets()
        for c in nbformat.read(REPO / "release" / a / f"{a}.ipynb", 4).cells
    )
    assert not [s.line for s in found if s.norm in released and s.kind != "graded key"]


def test_no_line_of_a_solution_hidden_test_or_graded_key_in_any_file(built, found):
    dest, proc = built
    leaked = scan.leaks(dest, REPO, found)
    assert not leaked, "\n".join(map(str, leaked[:20]))
    assert f"none holds any of the {len(found)} " in proc.stdout


def test_the_scan_finds_what_a_careless_copy_would_ship(tmp_path, found):
    """Today's course as students clone it: source/ beside the rest, answers in a README."""
    (tmp_path / "course").mkdir()
    shutil.copytree(REPO / "source", tmp_path / "course" / "source")
    assert scan.forbidden_paths(tmp_path / "course") == ["source"]
    leaked = scan.leaks(tmp_path / "course", REPO, found)
    assert {x.secret.assignment for x in leaked} == {ps.name for ps in problem_sets(REPO)}
    assert {x.secret.kind for x in leaked} >= {"solution", "hidden test"}
    # one hidden-test line, re-indented in a text file, and one solution line inside a JSON string
    hidden = next(s for s in found if s.kind == "hidden test")
    solution = next(s for s in found if s.kind == "solution" and '"' in s.line)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "README.md").write_text("Tips:\n\n        " + "  ".join(hidden.line.split()) + "\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1\n" + solution.line)])
    nbformat.write(nb, tmp_path / "notes" / "tips.ipynb")
    assert {(x.path, x.secret) for x in scan.leaks(tmp_path / "notes", REPO, found)} == {
        ("README.md", hidden),
        ("tips.ipynb", solution),
    }


def test_a_dist_that_would_leak_is_not_written(tmp_path, monkeypatch, found):
    monkeypatch.setattr(dist, "SHIPPED", dist.SHIPPED + ("source",))
    with pytest.raises(dist.DistError, match=r"(?s)nothing was written.*forbidden: source.*leak: source/"):
        dist.build(tmp_path / "students", REPO, found=found, allow_dirty=True)
    assert list(tmp_path.iterdir()) == []


def test_made_from_a_commit_never_from_the_working_tree(tmp_path):
    """An instructor who tried a problem set in release/ (its solution cells filled in from
    source/) and left a scratch notebook: the build stops and lists them; told to go on, it ships
    the commit's files, scans for the commit's secrets, and names the commit. FROM names an older
    commit. (Before: the working tree was copied, answers and all, under "the course at HEAD", and
    the filled-in release/ hid those answers from the scan's list of secrets.)"""
    course = tmp_path / "course"
    subprocess.run(["git", "clone", "-q", str(REPO), str(course)], check=True)
    first = problem_sets(course)[0].notebook
    name = first.parent.name
    solved = nbformat.read(first, 4)  # the source, solutions in: "tried it"
    released = course / "release" / name / f"{name}.ipynb"
    nbformat.write(solved, released)
    nbformat.write(nbformat.v4.new_notebook(), course / "notebooks" / "scratch.ipynb")
    (tmp_path / "snap").mkdir()
    clean = scan.secrets(dist.snapshot(course, head(course), tmp_path / "snap"))
    assert len(scan.secrets(course)) < len(clean)  # what the working tree's scan would miss

    with pytest.raises(dist.DistError, match=r"differs from HEAD \(2 file\(s\): .*release/.*scratch.ipynb"):
        dist.build(tmp_path / "out", course)
    assert not (tmp_path / "out").exists()

    done = dist.build(tmp_path / "out", course, allow_dirty=True)
    assert done.source_commit == head(course) and len(done.dirty) == 2
    assert (tmp_path / "out" / "release" / name / f"{name}.ipynb").read_bytes() == committed(
        course, f"release/{name}/{name}.ipynb"
    )
    assert not (tmp_path / "out" / "notebooks" / "scratch.ipynb").exists()
    assert done.secrets == len(clean) and scan.leaks(tmp_path / "out", found=clean) == []

    # a later commit changes a lecture; FROM=HEAD~1 ships the one before it
    lecture = sorted((course / "notebooks").glob("[0-9][0-9]_*.ipynb"))[1]
    rel = f"notebooks/{lecture.name}"
    (course / "notebooks" / "scratch.ipynb").unlink()
    subprocess.run(["git", "-C", str(course), "checkout", "-q", "--", "release"], check=True)
    lecture.write_bytes(lecture.read_bytes().replace(b'"cells": [', b'"cells": [\n  ', 1))
    subprocess.run(
        ["git", "-C", str(course), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "a lecture edit"],
        check=True,
    )
    older = dist.build(tmp_path / "older", course, ref="HEAD~1")
    assert older.source_commit == head(course, "HEAD~1") and older.dirty == []
    assert (tmp_path / "older" / rel).read_bytes() == committed(course, rel, "HEAD~1") != lecture.read_bytes()
    assert json.loads((tmp_path / "older" / dist.MARKER).read_text())["course_commit"] == older.source_commit
    with pytest.raises(dist.DistError, match="names no commit"):
        dist.build(tmp_path / "none", course, ref="no-such-branch")


def test_no_graded_quiz_reads_its_keys_from_the_package(tmp_path):
    """rnnlab/data/quiz_NN.json ships (the lecture quizzes are formative): a problem set's graded
    quiz must ask its own questions, keyed only in hidden tests (check_choice)."""
    assert scan.keys_read_from_package(REPO) == []
    # and it finds one that does
    course = tmp_path / "course"
    nb = nbformat.read(REPO / "source" / "ps03_lstm_gates" / "ps03_lstm_gates.ipynb", 4)
    cell = next(c for c in nb.cells if "### BEGIN HIDDEN TESTS" in c.source)
    cell.source = cell.source.replace(
        "### BEGIN HIDDEN TESTS\n", '### BEGIN HIDDEN TESTS\n_key = load_quiz("03")["questions"][0]["answer"]\n', 1
    )
    (course / "source" / "ps03_lstm_gates").mkdir(parents=True)
    nbformat.write(nb, course / "source" / "ps03_lstm_gates" / "ps03_lstm_gates.ipynb")
    assert [line.split(":")[0] for line in scan.keys_read_from_package(course)] == ["ps03_lstm_gates"]


def test_destination_is_new_empty_or_an_earlier_distribution(tmp_path, built, capsys):
    dest, _ = built
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.tex").write_text("precious")
    for bad, message in (
        (mine, "not a student distribution"),
        (REPO, "the course itself"),
        (REPO.parent, "the course itself"),
        (REPO / "release" / "x", "inside release"),
    ):
        with pytest.raises(dist.DistError, match=message):
            dist.check_destination(bad, REPO)
    assert [p.name for p in mine.iterdir()] == ["chapter1.tex"]
    assert dist.main([str(mine)]) == 1
    assert "nothing was changed" in capsys.readouterr().err
    assert dist.check_destination(tmp_path / "new", REPO) == "new"
    (tmp_path / "empty" / ".git").mkdir(parents=True)
    assert dist.check_destination(tmp_path / "empty", REPO) == "empty"
    assert dist.check_destination(dest, REPO) == "previous"
    with pytest.raises(dist.DistError, match="owner/name"):
        dist.build(tmp_path / "new", REPO, student_repo="https://github.com/a/b", allow_dirty=True)


def test_without_commit_it_says_the_folder_is_no_git_repository_and_how_to_make_one(built, tmp_path):
    """The students' README begins with `git clone`: a build without COMMIT=1 is a folder nobody can
    clone, and the last line says so, and what COMMIT=1 does (issue 78)."""
    dest, proc = built
    assert not (dest / ".git").exists()
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith(f"Not a git repository: {dest} is a plain folder") and "COMMIT=1" in last, last
    assert f"push it to {STUDENT_REPO}" in last and "`git clone`" in last, last
    (tmp_path / ".git").mkdir()
    done = dist.Built(tmp_path, 1, 1, None, [], [])
    assert dist.git_state(done).startswith(f"Not committed: {tmp_path} is a git repository"), dist.git_state(done)
    assert "COMMIT=1" in dist.git_state(done) and "the students' GitHub repository" in dist.git_state(done)
    done.commit = "committed: Student distribution of the course at 0123456789ab"
    assert dist.git_state(done) == f"git: {done.commit}"


def test_an_earlier_distribution_is_updated_keeping_its_git_and_what_was_added(tmp_path, found):
    """A second build replaces the files the first one wrote, keeps .git, its origin and files
    added since, and commits only changes. Added files are scanned like the rest."""
    dest = tmp_path / "students"
    first = dist.build(dest, REPO, STUDENT_REPO, commit=True, found=found, allow_dirty=True)
    assert first.commit.startswith("committed: Student distribution")
    subprocess.run(
        ["git", "-C", str(dest), "remote", "add", "origin", f"git@github.com:{STUDENT_REPO}.git"], check=True
    )
    marker = json.loads((dest / dist.MARKER).read_text())
    (dest / "notebooks" / "99_dropped.ipynb").write_text("{}")  # written by an older build
    marker["files"].append("notebooks/99_dropped.ipynb")
    (dest / dist.MARKER).write_text(json.dumps(marker))
    (dest / "README.md").write_text("edited by hand")
    (dest / "LICENSE").write_text("CC BY 4.0, added by the instructor")
    again = dist.build(dest, REPO, commit=True, found=found, allow_dirty=True)  # the student repo read from origin
    assert again.student_repo == STUDENT_REPO and again.kept == ["LICENSE"]
    assert again.commit.startswith("committed:")  # LICENSE is new
    assert not (dest / "notebooks" / "99_dropped.ipynb").exists()
    assert f"github.com/{STUDENT_REPO}.git" in (dest / "README.md").read_text()
    assert (dest / "LICENSE").read_text().startswith("CC BY")
    assert (
        dist.build(dest, REPO, commit=True, found=found, allow_dirty=True).commit
        == "nothing changed since the last commit"
    )
    log = subprocess.run(["git", "-C", str(dest), "log", "--oneline"], capture_output=True, text=True).stdout
    assert len(log.splitlines()) == 2
    assert (dest / "rnnlab").stat().st_mode & 0o077, (
        "folders readable as the umask says, not 0700 as mkdtemp makes them"
    )
    # an answer added to it by hand is not published, and nothing changes
    hidden = next(s for s in found if s.kind == "hidden test")
    (dest / "notes.md").write_text(hidden.line)
    before = sorted((p.relative_to(dest), p.stat().st_mtime_ns) for p in dest.rglob("*") if ".git" not in p.parts)
    with pytest.raises(dist.DistError, match="leak: notes.md"):
        dist.build(dest, REPO, found=found, allow_dirty=True)
    assert before == sorted(
        (p.relative_to(dest), p.stat().st_mtime_ns) for p in dest.rglob("*") if ".git" not in p.parts
    )
    (dest / dist.MARKER).write_text("{")
    with pytest.raises(dist.DistError, match="unreadable"):
        dist.build(dest, REPO, found=found, allow_dirty=True)


def test_readme_sends_students_to_their_repository(built):
    dest, _ = built
    readme = (dest / "README.md").read_text()
    name = STUDENT_REPO.split("/")[1]
    block = re.search(r"## Start.*?```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == [f"git clone https://github.com/{STUDENT_REPO}.git && cd {name} && make install", "make lab"]
    badge = re.search(r"\(https://mybinder\.org/v2/gh/([^/]+/[^/]+)/HEAD\?urlpath=lab/tree/([^)]+)\)", readme)
    assert badge and badge.group(1) == STUDENT_REPO and (dest / badge.group(2)).is_file()
    assert "OWNER/REPO" not in readme and "{{" not in readme
    for instructor_only in ("source/", "make test", "autograde", "formgrader", "lab-instructor", "docs/"):
        assert instructor_only not in readme, instructor_only
    for path in re.findall(r"`((?:notebooks|release|rnnlab|binder|jupyter)/[^`*]*)`", readme):
        if "NN" not in path:
            assert (dest / path).exists(), path
    for lecture in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))[1:]:
        assert f"`notebooks/{lecture.name}`" in readme, f"the course map lacks {lecture.name}"
    for ps in released_sets():
        assert f"`release/{ps}/`" in readme, f"the course map lacks {ps}"
    assert "## How to submit" in readme and "Troubleshooting" in readme  # the start page sends students there


def test_the_notebooks_open_in_colab_and_binder_from_the_students_repository(built, tmp_path, found):
    """Each notebook's Colab and Binder links and its first cell's install line name STUDENT_REPO;
    without it they keep OWNER/REPO, and the build says so. A commit goes on the branch the Colab
    links open."""
    dest, proc = built
    for path in sorted((dest / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, 4)
        assert "OWNER/REPO" not in path.read_text(), path.name
        assert colab.links(path.name, STUDENT_REPO) in nb.cells[0].source, path.name
        first = next(c for c in nb.cells if c.cell_type == "code")
        assert first.source.startswith(colab.INSTALL.replace("OWNER/REPO", STUDENT_REPO)), path.name
    assert f"install line, point at {STUDENT_REPO}" in proc.stdout
    plain = dist.build(tmp_path / "plain", REPO, commit=True, found=found, allow_dirty=True)
    for path in sorted((tmp_path / "plain" / "notebooks").glob("*.ipynb")):
        assert path.read_bytes() == committed(REPO, f"notebooks/{path.name}"), path.name
    assert plain.student_repo is None and "OWNER/REPO" in (tmp_path / "plain" / "README.md").read_text()
    branch = subprocess.run(
        ["git", "-C", str(tmp_path / "plain"), "branch", "--show-current"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert branch == colab.BRANCH == "main"
    other = tmp_path / "other"  # an instructor's clone on another branch is told
    subprocess.run(["git", "init", "-q", "-b", "master", str(other)], check=True)
    assert (
        "rename it (git branch -m main)" in dist.build(other, REPO, commit=True, found=found, allow_dirty=True).commit
    )


def targets(makefile: Path) -> set[str]:
    text = makefile.read_text()
    for included in re.findall(r"^include (\S+)", text, re.M):
        text += (makefile.parent / included).read_text()
    return set(re.findall(r"^([a-z][a-z-]*):", text, re.M))


def test_every_make_command_a_student_reads_is_in_the_students_makefile(built):
    """The README, the notebooks and the package's messages (`run make lab`, `make distclean
    lab`) name only targets that the students' Makefile has (every other file of the
    distribution: test_no_instructor_talk_in_any_file)."""
    dest, _ = built
    commands = targets(REPO / "Makefile")
    have = targets(dest / "Makefile")
    assert {"install", "lab", "progress"} <= have and not have & {"test", "assignments", "autograde", "student-dist"}
    read = [dest / "README.md"] + sorted((dest / "notebooks").glob("*.ipynb")) + sorted(dest.glob("release/*/*.ipynb"))
    read += sorted((dest / "rnnlab").rglob("*.py"))
    for path in read:
        for words in re.findall(r"\bmake((?: [a-z][a-z-]*)+)", student_files.readable_text(path)):
            named = [w for w in words.split() if w in commands]
            assert set(named) <= have, f"{path.relative_to(dest)} says make {words.strip()}"


def test_every_link_in_the_notebooks_stays_inside_the_distribution(built):
    dest, _ = built
    for path in sorted((dest / "notebooks").glob("*.ipynb")) + sorted((dest / "release").glob("ps*/*.ipynb")):
        for cell in nbformat.read(path, 4).cells:
            if cell.cell_type != "markdown":
                continue
            for target in re.findall(r"\]\(([^)\s]+)\)", cell.source):
                if not target.startswith(("http://", "https://", "#", "mailto:")):
                    assert (path.parent / target.split("#")[0]).resolve().is_file(), f"{path.name}: {target}"


# -- only what students need ------------------------------------------------------------------

# The course's own tools, which the instructor's requirements.txt installs and students never run:
# its test runner and plugins, the browser driver and accessibility checks, the authoring and
# workflow checkers, the website, grading on a cluster, and the class hub (a hub's image, built
# from the distribution's binder/, installs jupyterhub and ngshare-exchange itself:
# binder/requirements-student.txt). Every package of requirements.txt that students do not get is
# named here, so that a new one is a decision (test_every_instructor_package_is_named_and_kept_out).
INSTRUCTOR_PACKAGES = {
    "pytest",
    "pytest-xdist",
    "pytest-benchmark",
    "hypothesis",
    "nbval",  # the tests
    "playwright",
    "axe-playwright-python",
    "colorspacious",  # browser, accessibility
    "jupytext",
    "check-jsonschema",
    "import-linter",
    "ruff",  # authoring, workflows, layers, format and lint
    "copydetect",
    "latex2mathml",  # make similarity; the feedback's formulas
    "pyahocorasick",  # the leak scans (dist, site, feedback)
    "sphinx",
    "myst-nb",
    "sphinx-book-theme",
    "jupyter-cache",  # make site
    "dask",
    "distributed",
    "psycopg",
    "psycopg-binary",  # a cluster, PostgreSQL
    "jupyterhub",
    "ngshare-exchange",  # the class hub
    # rnnlab.metrics is checked against it, and ps08's hidden tests use it; no
    # lecture, problem set or rnnlab module imports it (with SciPy: 199 MB)
    "scikit-learn",
}
HUB_PACKAGES = {"jupyterhub", "ngshare-exchange"}


def pins(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        m = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", line.split("#")[0].strip())
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def test_students_install_their_own_lean_requirements(built):
    """The distribution's requirements.txt is the course's requirements-student.txt (what `make
    install` installs), its binder/requirements.txt is binder/requirements-student.txt: the course's
    test and authoring tools are in neither. (Before: the instructor's requirements, whose comments
    cite tests/ and .github/.)"""
    dest, _ = built
    assert (dest / "requirements.txt").read_bytes() == committed(REPO, "requirements-student.txt")
    assert (dest / "binder" / "requirements.txt").read_bytes() == committed(REPO, "binder/requirements-student.txt")
    assert not list(dest.rglob("requirements-student.txt"))
    student, binder = (
        pins((dest / "requirements.txt").read_text()),
        pins((dest / "binder" / "requirements.txt").read_text()),
    )
    assert not student.keys() & INSTRUCTOR_PACKAGES, student.keys() & INSTRUCTOR_PACKAGES
    assert not binder.keys() & (INSTRUCTOR_PACKAGES - HUB_PACKAGES)
    assert INSTRUCTOR_PACKAGES <= pins(committed(REPO, "requirements.txt").decode()).keys()
    assert re.search(r"^-e \.$", (dest / "requirements.txt").read_text(), re.M)  # the package, as before
    assert "-r requirements.txt -c constraints.txt" in (dest / "course.mk").read_text()


def test_every_instructor_package_is_named_and_kept_out():
    """Read from the course's files, without building a distribution: what requirements.txt pins
    and requirements-student.txt does not is exactly INSTRUCTOR_PACKAGES; none of them is in
    either student file (a hub's image adds HUB_PACKAGES), nor pulled in by what students install
    (read from this environment, which has everything). (Before: sphinx, dask or import-linter
    could have been added to the students' file and no test would have said so.)"""
    course = pins((REPO / "requirements.txt").read_text())
    student = pins((REPO / "requirements-student.txt").read_text())
    binder = pins((REPO / "binder" / "requirements-student.txt").read_text())
    assert course.keys() - student.keys() == INSTRUCTOR_PACKAGES, (
        f"in requirements.txt only, not named as the instructor's: "
        f"{sorted(course.keys() - student.keys() - INSTRUCTOR_PACKAGES)}; "
        f"named, yet in requirements-student.txt or not in requirements.txt: "
        f"{sorted(INSTRUCTOR_PACKAGES - (course.keys() - student.keys()))}"
    )
    assert not student.keys() & INSTRUCTOR_PACKAGES
    assert not binder.keys() & (INSTRUCTOR_PACKAGES - HUB_PACKAGES)
    pulled = _closure(set(student)) & INSTRUCTOR_PACKAGES
    assert not pulled, f"the students' requirements pull in the instructor's {sorted(pulled)}"


def _imports(path: Path) -> set[str]:
    """Top-level modules that a Python file or a notebook's code cells import, anywhere in them."""
    import ast

    if path.suffix == ".ipynb":
        sources = [c.source for c in nbformat.read(path, 4).cells if c.cell_type == "code"]
    else:
        sources = [path.read_text()]
    found = set()
    for source in sources:
        code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
        try:
            tree = ast.parse(code)
        except SyntaxError:  # a pitfall written to fail
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def _closure(names: set[str]) -> set[str]:
    """Distributions installed by `names` and everything they require, read from this environment."""
    from importlib import metadata

    from packaging.requirements import Requirement

    def norm(name):
        return re.sub(r"[-_.]+", "-", name).lower()

    todo, seen = [norm(n) for n in names], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(norm(req.name))
    return seen


# Imports of the shipped files that the students' requirements need not provide, each with why.
OPTIONAL_IMPORTS = {"jupytext": "rnnlab.tools edit/build only, which say how to install it"}


def test_the_students_requirements_provide_every_import_of_what_they_get(built):
    """Lean, not too lean: every module that the shipped package, lectures and problem sets import
    comes from the standard library, the course package or a distribution that the students'
    requirements install (with its dependencies, as installed here)."""
    from importlib import metadata

    dest, _ = built
    files = (
        sorted((dest / "rnnlab").rglob("*.py"))
        + sorted((dest / "notebooks").glob("*.ipynb"))
        + sorted(dest.glob("release/*/*.ipynb"))
    )
    wanted = set().union(*(_imports(p) for p in files)) - set(sys.stdlib_module_names) - {"rnnlab"}
    providers = metadata.packages_distributions()
    installed = _closure(set(pins((dest / "requirements.txt").read_text())))
    missing = {}
    for module in sorted(wanted - set(OPTIONAL_IMPORTS)):
        dists = {re.sub(r"[-_.]+", "-", d).lower() for d in providers.get(module, [])}
        if not dists & installed:
            missing[module] = sorted(dists) or "not installed here"
    assert not missing, f"imported by the distribution, not installed by its requirements.txt: {missing}"


# -- no instructor talk -------------------------------------------------------------------------
# Words in a student's files that only make sense to the course's authors. Each kind is computed
# from the course, so that a new folder or make target is covered without editing this list:
# 1. paths the distribution does not have: every top-level file and folder of the course at HEAD
#    that is not in it (tests/, source/, instructor/, docs/, .github ...), the grading folders of
#    scan.FORBIDDEN that git ignores (gradebook.db, feedback/ ...), and the files left out of
#    shipped folders (sanitize.cfg). A folder counts with its slash (`tests/`, not "the tests" a
#    problem set means); a Python package folder also as a word, or only dotted
#    (`autograder.deploying.z2jh`) where the word is a plain one of students' texts (PLAIN_WORDS:
#    "ask your instructor"); a file by its name, a Python file by its module name too.
#    `docs.pytorch.org/docs/` is not `docs/`: a path inside another path or a URL does not count.
# 2. `make X` for a target of the course's Makefile that the students' Makefile lacks (make test,
#    make bench, make assignments ...).
# 3. the course's test suite and its tools: "the course's tests" (students know the tests of their
#    problem sets, not these), pytest-xdist and pytest-benchmark, playwright (the browser tests),
#    bench and benchmark (`make bench`, bench/: the course's timing reports), CI and GitHub Actions.
#    Not listed, on purpose: nbval and pytest (the package's code names nbval's cell tags and
#    pytest's `__tracebackhide__`), hypothesis (beam search keeps hypotheses), jupytext
#    (rnnlab.tools says how to install it), formgrader (the students' settings switch it off).
# Requirement and constraint files are read for their comments only: a pin is not talk
# (constraints.txt pins the course's own tools too; test_students_install_their_own_lean_requirements
# keeps them out of what students install).
TALK = [
    (re.compile(r"(?i)\bthe course's (own )?tests\b"), "the course's own test suite"),
    (re.compile(r"(?i)\b(pytest-xdist|xdist|pytest-benchmark|playwright)\b"), "a tool of the course's tests"),
    # a dotted name is code, not talk: torch.utils.benchmark is PyTorch's timer (the cheat sheet's advice)
    (re.compile(r"(?i)(?<![\w.])bench(mark(s|ed|ing)?)?\b"), "the course's timing reports (make bench)"),
    (re.compile(r"\bCI\b|GitHub Actions"), "the course's continuous integration"),
]
# top-level names of the course that are also plain words of a student's text
PLAIN_WORDS = {"instructor"}
PINS = re.compile(r"(^|/)(requirements[\w-]*|constraints)\.txt$")
BASE64 = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")  # a widget's binary buffer, not words
# Matches that are code, not words for a reader: (file, matched text) -> why.
NOT_TALK: dict = {
    ("rnnlab/failures.py", "autograder"): "the grader's own frames in a traceback are not the student's code",
}


def distributed_tops() -> set[str]:
    """The top-level names that every distribution has, by construction (dist.SHIPPED and what
    dist.write adds)."""
    return (
        {Path(item).parts[0] for item in dist.SHIPPED}
        | set(dist.WRITTEN.values())
        | {Path(name).parts[0] for name in dist.STUDENT_VERSIONS}
        | {"pyproject.toml", dist.MARKER}
    )


def talk_patterns(course: Path = REPO) -> list[tuple[re.Pattern, str]]:
    """TALK, and the paths and make targets of `course` that a student distribution lacks."""
    tree = subprocess.run(
        ["git", "-C", str(course), "ls-tree", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    entries = {line.split("\t", 1)[1]: line.split()[1] == "tree" for line in tree}
    for name in scan.FORBIDDEN:
        entries.setdefault(name, "." not in name or name.startswith("."))
    out = []
    for name, folder in sorted(entries.items()):
        if name in distributed_tops():
            continue
        word = re.escape(name)
        if folder:
            package = (course / name / "__init__.py").exists()
            # a package folder counts as a word too (`bench`), or only dotted where its name is
            # one students read in its plain sense ("ask your instructor")
            form = rf"{word}/" + ((rf"|\b{word}\.\w" if name in PLAIN_WORDS else rf"|\b{word}\b") if package else "")
        else:
            form = rf"{word}\b" + (rf"|\b{re.escape(Path(name).stem)}\b" if name.endswith(".py") else "")
        out.append(
            (re.compile(rf"(?<![\w./-])(?:{form})"), f"{name}{'/' if folder else ''} is not in the distribution")
        )
    for rel in sorted(student_files.SKIPPED_FILES):
        out.append((re.compile(rf"(?<![\w.-]){re.escape(Path(rel).name)}\b"), f"{rel} is not in the distribution"))
    student = targets(course / dist.TEMPLATES / "Makefile")
    missing_targets = sorted(targets(course / "Makefile") - student)
    out.append(
        (
            re.compile(rf"\bmake (?:[a-z][a-z-]* )*({'|'.join(map(re.escape, missing_targets))})\b"),
            "a make target that only the course's Makefile has",
        )
    )
    return out + TALK


# a picture inside HTML (a figure with its text alternative): its base64 letters are no words
DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def readable_lines(path: Path, rel: str):
    """(where, line) for every line a student can read in a text file: a notebook's cell sources and
    text outputs cell by cell, its saved widget state; a JSON file's strings; a requirement file's
    comments; any other file as it is. Binary files give nothing."""
    raw = path.read_bytes()
    if b"\0" in raw[:4096]:
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    if path.suffix == ".ipynb":
        nb = nbformat.reads(text, 4)
        for i, cell in enumerate(nb.cells):
            outputs = []
            for out in cell.get("outputs", []):
                outputs += [out.get("text", "")] + [
                    DATA_URI.sub("data:", str(v))
                    for k, v in out.get("data", {}).items()
                    if k in ("text/plain", "text/markdown", "text/html")
                ]
            for part, body in (("", cell.source), (" output", "\n".join(outputs))):
                for n, line in enumerate(body.splitlines(), 1):
                    yield f"{rel} cell {i} ({cell.cell_type}){part} line {n}", line
        strings: list[str] = []
        student_files.json_strings(nb.metadata, strings)  # saved widget state: labels, HTML
        for line in "\n".join(x for x in strings if not BASE64.fullmatch(x)).splitlines():
            yield f"{rel} metadata", line
        return
    if path.suffix == ".json":
        text = student_files.readable_text(path)
    for n, line in enumerate(text.splitlines(), 1):
        if PINS.search(rel):
            line = line.partition("#")[2]
        yield f"{rel}:{n}", line


def instructor_talk(root: Path, course: Path = REPO) -> list[str]:
    """Every line of a file below `root` that a pattern of talk_patterns(course) finds."""
    patterns = talk_patterns(course)
    found = []
    for rel in scan.files(root):
        for where, line in readable_lines(root / rel, rel):
            for pattern, why in patterns:
                m = pattern.search(line)
                if m and (rel, m.group(0)) not in NOT_TALK:
                    found.append(f"{where}: {m.group(0)!r} ({why}): {line.strip()[:160]}")
    return found


def test_no_instructor_talk_in_any_file(built):
    """Every text file a student gets, notebooks cell by cell: no path, command, test or tool that
    only the course's authors have (the word list and its reasons: TALK above). Before: lectures
    said "the course's tests", rnnlab/data/README.md and rnnlab/tools.py cited tests/ and source/,
    requirements.txt's comments tests/ and .github/, course.mk `make student-dist`."""
    dest, _ = built
    found = instructor_talk(dest)
    assert not found, f"{len(found)} line(s) that only the course's authors understand:\n" + "\n".join(found[:40])


def test_the_talk_scan_finds_each_kind_and_spares_what_students_have(tmp_path):
    root = tmp_path / "students"
    shutil.copytree(REPO / "autograder" / "publishing" / "student", root)
    (root / "notebooks").mkdir()
    (root / "notebooks" / "n.ipynb").write_text(
        nbformat.writes(
            nbformat.v4.new_notebook(
                cells=[
                    nbformat.v4.new_markdown_cell(
                        "See [docs](https://docs.pytorch.org/docs/stable/x.html) and `release/`.\n"
                        "Run the tests below; the beam keeps each hypothesis.\n"
                        "The course's tests check this widget."
                    ),
                    nbformat.v4.new_code_cell("x = 1  # measured by the benchmarks"),
                    nbformat.v4.new_markdown_cell("Time it with `torch.utils.benchmark.Timer` on a GPU."),
                ]
            )
        )
    )
    (root / "notes.md").write_text(
        "ok: run make lab\nrun make test first\nsee tests/test_x.py\n"
        "python -m autograder.deploying.z2jh\nnbgrader_config.py says\nCI runs it\n"
    )
    (root / "requirements.txt").write_text("pytest==9.2.0\nnumpy==2.4.6  # see .github/workflows\n")
    found = [f.split(" (")[0] if " cell " in f else f.split(": '")[0] for f in instructor_talk(root)]
    assert found == [
        "notebooks/n.ipynb cell 0",
        "notebooks/n.ipynb cell 1",
        "notes.md:2",
        "notes.md:3",
        "notes.md:4",
        "notes.md:5",
        "notes.md:6",
        "requirements.txt:2",
    ], instructor_talk(root)


def test_the_students_jupyterlab_shows_no_news_or_update_toast(built):
    """JupyterLab's notification plugin asks a new student whether to fetch news, and announces
    newer JupyterLab versions, over their first notebook; the students' settings turn both off
    (labconfig/default_setting_overrides.json, read from JUPYTER_CONFIG_PATH=jupyter/student)."""
    dest, _ = built
    overrides = json.loads((dest / "jupyter" / "student" / "labconfig" / "default_setting_overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}


@pytest.fixture(scope="module")
def student_env(built):
    """The distribution's folder with this virtual environment as its .venv; its own rnnlab first
    on the path (a student's `make install` installs it: pip install -e .)."""
    dest, _ = built
    (dest / ".venv").symlink_to(VENV)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    env["PYTHONPATH"] = str(dest)
    return dest, env


def test_the_distributions_own_rnnlab_is_imported(student_env):
    dest, env = student_env
    where = subprocess.run(
        [str(dest / ".venv/bin/python"), "-c", "import rnnlab; print(rnnlab.__file__)"],
        cwd=dest / "release" / released_sets()[0],
        env=env,
        capture_output=True,
        text=True,
    )
    assert Path(where.stdout.strip()) == dest / "rnnlab" / "__init__.py", where.stdout + where.stderr


def test_students_make_lab_serves_the_distribution_without_instructor_tools(student_env, tmp_path):
    dest, env = student_env
    env_extra, args = lab_command("lab", repo=dest, make_args=("-o", ".venv/.installed"))
    assert env_extra == {"JUPYTER_CONFIG_PATH": f"{dest}/jupyter/local:{dest}/jupyter/student"}
    assert f"--ServerApp.root_dir={dest}" in args
    with running_lab(env_extra, args, tmp_path, env=env) as (base, page):
        assert status(f"{base}/formgrader?token=t") == 404
        for plugin in INSTRUCTOR_ONLY:
            assert f'"{plugin}"' in disabled_extensions(page)
        assert '"@jupyter/nbgrader:assignment-list"' in disabled_extensions(page)  # no exchange here
        assert status(f"{base}/assignments?token=t") == 404
        top = json.load(urllib.request.urlopen(f"{base}/api/contents?token=t", timeout=30))
        names = {item["name"] for item in top["content"]}
        assert {"notebooks", "release", "README.md"} <= names and "source" not in names
        # no news or update toast: the defaults this server gives the notification plugin
        plugin = "@jupyterlab/apputils-extension:notification"
        settings = json.load(urllib.request.urlopen(f"{base}/lab/api/settings/{plugin}?token=t", timeout=30))
        defaults = {k: v.get("default") for k, v in settings["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False, defaults
        # a changed notebook is saved within ten seconds, so the progress check sees what is on screen
        plugin = "@jupyterlab/docmanager-extension:plugin"
        settings = json.load(urllib.request.urlopen(f"{base}/lab/api/settings/{plugin}?token=t", timeout=30))
        assert settings["schema"]["properties"]["autosaveInterval"]["default"] == 10


def test_students_make_progress_runs_without_source(student_env):
    """The first problem set (all of them take about 30 s of CPU: `make progress` without ONLY)."""
    dest, env = student_env
    first = released_sets()[0]
    nb = nbformat.read(dest / "release" / first / f"{first}.ipynb", 4)
    visible = sum(
        1
        for c in nb.cells  # test cells with code left in them, and the quiz's format
        if c.cell_type == "code"  # check, which is locked and worth no points
        and (
            c.metadata.get("nbgrader", {}).get("grade")
            or c.metadata.get("nbgrader", {}).get("grade_id") == "quiz_format"
        )
        and not c.metadata["nbgrader"].get("solution")
        and any(line.strip() and not line.strip().startswith("#") for line in c.source.splitlines())
    )
    proc = subprocess.run(
        ["make", "-o", ".venv/.installed", "progress", f"ONLY={first}"],
        cwd=dest,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert not (dest / "source").exists()
    assert proc.stdout.strip().splitlines()[-1] == f"0 of {visible} visible tests pass ({visible} not attempted)", (
        proc.stdout + proc.stderr
    )
    # unfinished work is where a student stands: the count ends it, not make's "Error 1"
    assert proc.returncode == 0 and "Error" not in proc.stderr, proc.stderr


def test_a_snapshot_is_taken_on_a_python_without_tar_filters(tmp_path, monkeypatch):
    """Debian 12's Python 3.11.2, which the course supports, has no tarfile filters (PEP 706 came
    in 3.11.4): `make student-dist` stopped there with "extractall() got an unexpected keyword
    argument 'filter'" (a fresh clone's make test on /usr/bin/python3). As that Python, the
    snapshot still holds the commit's files."""
    import tarfile

    real = tarfile.TarFile.extractall

    def old_extractall(self, path=".", members=None, *, numeric_owner=False, **kwargs):
        if kwargs:
            raise TypeError(f"TarFile.extractall() got an unexpected keyword argument {next(iter(kwargs))!r}")
        return real(self, path, members, numeric_owner=numeric_owner)

    monkeypatch.delattr(tarfile, "data_filter", raising=False)
    monkeypatch.setattr(tarfile.TarFile, "extractall", old_extractall)
    root = dist.snapshot(REPO, "HEAD", tmp_path)
    assert (root / "README.md").read_bytes() == subprocess.run(
        ["git", "-C", str(REPO), "show", "HEAD:README.md"], capture_output=True, check=True
    ).stdout
