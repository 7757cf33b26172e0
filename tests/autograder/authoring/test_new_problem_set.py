"""Adding a problem set is one documented step (issue 51): docs/authoring.md's section "Adding a
problem set", followed word for word in a copy of the repository.

Its blocks are written where their header line says (a block's first line: ```lang path), its
commands run in order, as the page shows them, and the class that `make demo-class` makes is
graded by `make autograde` as the page's expected output says: the solution and the right answer
written otherwise keep full marks, the blank version and the wrong solution score 0, the broken
upload is rejected, and the wrong solution's mistake is named from the set's own catalogue. Then
`make remove-assignment` says what the page says it removes, and leaves the copy's files and its
gradebook as they were before the walk. Nothing is written outside the copy (no fixed path in
/tmp); the copy is removed afterwards; the repository is never touched.

The copy runs with this checkout's virtual environment (its `.venv` a link to ours, never
reinstalled: `make -o .venv/.installed`), the copy's own packages first on PYTHONPATH; the grading
sandbox shows the kernel the copy's rnnlab, so the page's probes (rnnlab/probes/) are the ones imported there.
"""

import json
import os
import re
import shlex
import shutil
import subprocess

import pytest

from autograder.course.folder import REPO

pytestmark = pytest.mark.grading

DOC = REPO / "docs" / "authoring.md"
SECTION = "## Adding a problem set"
BLOCK = re.compile(r"^```(\w+)(?: (\S+))?\n(.*?)^```$", re.M | re.S)


def walk() -> list[tuple[str, str | None, str]]:
    """(language, path or None, text) of every fenced block of the section, in order."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    return [(m.group(1), m.group(2), m.group(3)) for m in BLOCK.finditer(section)]


def tracked_copy(dest):
    """The files of this checkout that git knows (and new ones it does not ignore), with their times."""
    files = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True, check=True
        )
        .stdout.decode()
        .split("\0")
    )
    for rel in filter(None, files):
        source = REPO / rel
        if source.is_file() and not source.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    (dest / ".venv").symlink_to(REPO / ".venv")


def snapshot(repo) -> dict[str, bytes]:
    """The copy's files but those git ignores that the walk writes (caches, the draft, the demo
    course, the gradebook, which is compared by its rows)."""
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in repo.rglob("*")
        if p.is_file()
        and not p.is_symlink()
        and not {"__pycache__", ".venv", "drafts", "demo-class"} & set(p.relative_to(repo).parts)
        and p.name != "gradebook.db"
    }


def assignments_in_gradebook(repo) -> list[str]:
    from nbgrader.api import Gradebook

    if not (repo / "gradebook.db").exists():
        return []
    with Gradebook(f"sqlite:///{repo / 'gradebook.db'}") as gb:
        return sorted(a.name for a in gb.assignments)


def test_the_walk_adds_a_set_that_grades_and_takes_it_out_again(tmp_path):
    blocks = walk()
    files = [(path, body) for lang, path, body in blocks if path]
    commands = [line for lang, _, body in blocks if lang == "sh" for line in body.splitlines() if line.strip()]
    expected = [body for lang, path, body in blocks if lang == "text"]
    assert len(files) >= 7 and commands and len(expected) == 2, "the section lost its blocks"
    assert not any(path.startswith("/") for path, _ in files), "a block written outside the clone"
    assert not any("/tmp" in line for line in commands), "a command that writes a fixed path in /tmp"
    name = re.search(r"source/(ps\d\d_\w+)/", files[1][0]).group(1)
    remove = next(k for k, line in enumerate(commands) if "remove-assignment" in line)

    repo = tmp_path / "repo"
    tracked_copy(repo)
    assert not (repo / "source" / name).exists()
    before, gradebook_before = snapshot(repo), assignments_in_gradebook(repo)
    for path, body in files:  # as a reader saves a block: its text, ending in one newline
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(body, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(repo)}

    def run(line):
        argv = shlex.split(line)
        if argv[0] == "make":
            argv[1:1] = ["--no-print-directory", "-o", ".venv/.installed"]
        proc = subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{line}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return proc.stdout

    said = [run(line) for line in commands[:remove]]

    # what make assignments wrote: the student version alone in release/, the package's fingerprints
    assert sorted(p.name for p in (repo / "release" / name).iterdir()) == [f"{name}.ipynb"]
    fingerprints = json.loads((repo / "rnnlab" / "data" / "diagnoses" / f"{name}.json").read_text())
    catalogued = [e["id"] for e in fingerprints["entries"]]

    # the class graded as the page says, line by line
    graded = [" ".join(line.split()[:5]) for line in said[-1].splitlines() if re.search(r" \d+ / \d+ ", line)]
    assert graded == [" ".join(line.split()) for line in expected[0].splitlines()], said[-1]
    course = repo / "demo-class" / name
    report = {
        row["student"]: row for row in json.loads((course / "reports" / name / "report.json").read_text())["students"]
    }
    wrong = [s for s, row in report.items() if row["status"] == "graded" and row["failed_tests"] and s != "blank"]
    assert wrong and all(
        set(report[s]["diagnoses"].values()) <= set(catalogued) and report[s]["diagnoses"] for s in wrong
    ), {s: report[s]["diagnoses"] for s in wrong}
    title = next(e["title"] for e in fingerprints["entries"] if e["id"] in report[wrong[0]]["diagnoses"].values())
    assert title in DOC.read_text(encoding="utf-8")
    assert title in (course / "feedback" / wrong[0] / name / f"{name}.html").read_text()
    assert not any(row["flags"] for row in report.values()), {s: r["flags"] for s, r in report.items()}
    assert name in assignments_in_gradebook(repo)

    # taken out again: what the page says, and the copy as it was before the walk
    removed = [line for line in run(commands[remove]).splitlines() if line.startswith("removed ")]
    assert removed == expected[1].splitlines(), removed
    assert commands[remove + 1 :] == [], "a command after the removal that this test does not check"
    after = snapshot(repo)
    assert sorted(set(after) ^ set(before)) == [] and all(after[p] == before[p] for p in before), [
        p for p in sorted(set(after) | set(before)) if after.get(p) != before.get(p)
    ]
    assert assignments_in_gradebook(repo) == gradebook_before
    # and nothing of it reached this checkout
    assert not (REPO / "source" / name).exists() and not (REPO / "rnnlab" / "probes" / f"{name}.py").exists()
