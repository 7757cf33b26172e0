"""The layout's rules hold (issue 51): the contracts in pyproject.toml ([tool.importlinter]), checked
by import-linter, and what docs/architecture.md promises a maintainer.

- rnnlab, what students install, imports nothing of the instructor's package;
- the instructor's packages are layers (deploying above publishing, term and authoring, which
  need nothing of each other, above grading, above gradebook, above common);
- what the problem sets' tests import, the widgets and the student's commands are independent;
- no import cycle, in any package at any depth;
- no module longer than MAX_LINES; every package of the map is described in docs/architecture.md.

Each contract is shown to fail: a copy of the packages with one forbidden import added to each is
reported broken, for that import.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from autograder.course.folder import REPO

LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("rnnlab", "autograder")
MAX_LINES = 600


def lint(root: Path) -> subprocess.CompletedProcess:
    """import-linter on the packages in `root`, with `root`'s pyproject.toml, writing no cache."""
    return subprocess.run(
        [str(LINT), "--no-cache", "--verbose"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        timeout=120,
    )


def contracts() -> list[dict]:
    with open(REPO / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]["contracts"]


def test_the_contracts_hold():
    proc = lint(REPO)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert f"Contracts: {len(contracts())} kept, 0 broken." in proc.stdout, proc.stdout[-2000:]


# one import per contract that it must refuse: (file, code added at its end, contract id, the
# report's words for it)
BREAKS = [
    (
        "rnnlab/checks.py",
        "def _reach_up():\n    from autograder.grading import run\n",
        "student-package",
        "rnnlab.checks -> autograder.grading.run",
    ),
    (
        "autograder/course/folder.py",
        "def _reach_up():\n    from autograder.term import lms\n",
        "autograder-layers",
        "autograder.course.folder -> autograder.term.lms",
    ),
    (
        "rnnlab/progress.py",
        "def _draw():\n    import rnnlab.widgets\n",
        "student-tools",
        "rnnlab.progress -> rnnlab.widgets",
    ),
    (
        "autograder/grading/sandbox/bwrap.py",
        "def _round():\n    from autograder.grading import run\n",
        "no-cycles",
        ".sandbox -> .run",
    ),
]


def test_each_contract_refuses_its_kind_of_import(tmp_path):
    """One added import per contract, in a copy of the packages: every contract is broken, and each
    one's report names the import that broke it."""
    assert [c["id"] for c in contracts()] == [contract for _, _, contract, _ in BREAKS]
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    for rel, code, _, _ in BREAKS:
        with open(tmp_path / rel, "a") as f:
            f.write("\n\n" + code)
    proc = lint(tmp_path)
    assert proc.returncode != 0
    assert f"Contracts: 0 kept, {len(BREAKS)} broken." in proc.stdout, proc.stdout[-3000:]
    report = proc.stdout[proc.stdout.index("Broken contracts") :]
    starts = [report.index(c["name"]) for c in contracts()] + [len(report)]
    for (rel, _, contract, words), start, end in zip(BREAKS, starts, starts[1:]):
        assert words in report[start:end], (contract, words, report[start:end])


def test_no_module_is_longer_than_a_reader_takes_in_at_once():
    long = [
        f"{p.relative_to(REPO)}: {n} lines"
        for package in PACKAGES
        for p in sorted((REPO / package).rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not long, long


@pytest.mark.parametrize("package", ["autograder", "rnnlab"])
def test_the_map_describes_every_package(package):
    """docs/architecture.md has a paragraph for each package of the instructor's tools and each of
    rnnlab's: a package added without one fails here."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(
        p.parent.relative_to(REPO).as_posix()
        for p in (REPO / package).rglob("__init__.py")
        if "__pycache__" not in p.parts
    )
    missing = [p for p in packages if f"`{p}/`" not in text]
    assert not missing, f"docs/architecture.md says nothing of {missing}"
