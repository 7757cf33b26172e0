"""`make badges`: the README's Binder and tests badges take OWNER/REPO from the origin remote."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.publishing.badges import BadgeError, fill, github_path, main

REPO = Path(__file__).resolve().parents[3]
BINDER = "https://mybinder.org/v2/gh/{}/HEAD?urlpath=lab/tree/notebooks/00_start_here.ipynb"
STATUS = "https://github.com/{}/actions/workflows/test.yml/badge.svg"
PAGE = "https://github.com/{}/actions/workflows/test.yml)"


@pytest.mark.parametrize(
    "url, path",
    [
        ("https://github.com/ada/rnn-course", "ada/rnn-course"),
        ("https://github.com/ada/rnn-course.git", "ada/rnn-course"),
        ("https://github.com/ada/rnn.course.git/", "ada/rnn.course"),
        ("https://ada@github.com/Ada-L/rnn_course.git", "Ada-L/rnn_course"),
        ("git@github.com:ada/rnn-course.git", "ada/rnn-course"),
        ("git@github.com:ada/rnn-course", "ada/rnn-course"),
        ("ssh://git@github.com/ada/rnn-course.git", "ada/rnn-course"),
        ("ssh://git@github.com:22/ada/rnn-course.git", "ada/rnn-course"),
        ("https://gitlab.com/ada/rnn-course.git", None),
        ("git@gitlab.com:ada/rnn-course.git", None),
        ("/srv/git/rnn-course", None),
        ("https://github.com/ada", None),
        ("https://github.com/ada/rnn-course/tree/main", None),
        ("https://github.com.evil.example/ada/rnn-course", None),
    ],
)
def test_github_path_of_remote_urls(url, path):
    assert github_path(url) == path


def test_fill_replaces_the_placeholder_and_an_earlier_path_in_both_badges():
    readme = (REPO / "README.md").read_text()
    assert readme.count("OWNER/REPO") >= 3, "the README ships its badges with OWNER/REPO"
    once = fill(readme, "ada/rnn-course")
    for url in (BINDER, STATUS, PAGE):
        assert url.format("ada/rnn-course") in once
    assert fill(once, "bo/fork") == fill(readme, "bo/fork")
    with pytest.raises(BadgeError, match="tests badge"):
        fill(readme.replace(STATUS.format("OWNER/REPO"), "").replace(PAGE.format("OWNER/REPO"), ""), "ada/rnn-course")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def clone(tmp_path, monkeypatch):
    repo = tmp_path / "course"
    repo.mkdir()
    git(repo, "init", "-q")
    shutil.copy(REPO / "README.md", repo / "README.md")
    monkeypatch.chdir(repo)
    return repo


@pytest.fixture
def badges(capsys):
    """`make badges` in the current folder: autograder.publishing.badges on README.md."""

    def run(repo: Path) -> Outcome:
        assert Path.cwd() == repo
        code = main(["README.md"])
        out = capsys.readouterr()
        return Outcome(code, out.out, out.err)

    return run


def test_badges_follow_origin_in_a_git_repository(clone, badges):
    original = (clone / "README.md").read_text()

    out = badges(clone)
    assert out.returncode == 0, out.stderr
    assert "no `origin` remote" in out.stdout and "OWNER/REPO" in out.stdout
    assert (clone / "README.md").read_text() == original

    git(clone, "remote", "add", "origin", "https://github.com/ada/rnn-course.git")
    out = badges(clone)
    assert out.returncode == 0, out.stderr
    filled = (clone / "README.md").read_text()
    assert filled == original.replace("/OWNER/REPO/", "/ada/rnn-course/")
    assert STATUS.format("ada/rnn-course") in filled and BINDER.format("ada/rnn-course") in filled

    git(clone, "remote", "set-url", "origin", "git@github.com:bo/fork.git")
    assert badges(clone).returncode == 0
    assert (clone / "README.md").read_text() == original.replace("/OWNER/REPO/", "/bo/fork/")
    again = badges(clone)
    assert again.returncode == 0 and "already point at bo/fork" in again.stdout


def test_an_origin_not_on_github_is_an_error_that_changes_nothing(clone, badges):
    original = (clone / "README.md").read_text()
    git(clone, "remote", "add", "origin", "https://gitlab.com/ada/rnn-course.git")
    out = badges(clone)
    assert out.returncode == 1
    assert "not a GitHub repository" in out.stderr and "unchanged" in out.stderr
    assert (clone / "README.md").read_text() == original
    assert sorted(p.name for p in clone.iterdir()) == [".git", "README.md"]


def test_make_badges_runs_the_module_on_the_readme():
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "badges"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert dry.returncode == 0, dry.stderr
    assert re.search(r"python -m autograder\.publishing\.badges README\.md$", dry.stdout, re.M), dry.stdout
