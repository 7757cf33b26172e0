"""The students' repository's name and a checkout's git head (conftest's `built` makes the repository)."""

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


STUDENT_REPO = "prof-example/rnn-course-students"


def head(course: Path, ref: str = "HEAD") -> str:
    return subprocess.run(
        ["git", "-C", str(course), "rev-parse", ref], capture_output=True, text=True, check=True
    ).stdout.strip()
