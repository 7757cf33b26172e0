"""The students' repository built once per session, and its git head."""

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


STUDENT_REPO = "prof-example/rnn-course-students"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    dest = tmp_path_factory.mktemp("dist") / "students"
    proc = subprocess.run(
        ["make", "-s", "student-dist", f"DEST={dest}", f"STUDENT_REPO={STUDENT_REPO}", "ALLOW_DIRTY=1"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"the course at commit {head(REPO)[:12]} (HEAD)" in proc.stdout, proc.stdout
    return dest, proc


def head(course: Path, ref: str = "HEAD") -> str:
    return subprocess.run(
        ["git", "-C", str(course), "rev-parse", ref], capture_output=True, text=True, check=True
    ).stdout.strip()
