"""Where things are in a course folder, and how to run nbgrader's command line there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STAGED = "staged"  # the course's folder where repaired copies of the submissions are graded from


def venv_env(extra: dict | None = None) -> dict:
    """The environment nbgrader needs: the virtual environment's bin/ on PATH (for `alembic`), one thread."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env.pop("NBGRADER_EXECUTION", None)
    env.update(extra or {})
    return env


def nbgrader(
    course: Path, *args: str, check: bool = True, env: dict | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess:
    """Run `nbgrader ARGS` in `course` and return the finished process."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=course, env=env or venv_env(), capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def course_config(course: Path = REPO):
    """The course's nbgrader settings: its nbgrader_config.py, read as nbgrader reads it."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def gradebook_url(course: Path = REPO) -> str:
    """The course's gradebook: nbgrader_config.py's `c.CourseDirectory.db_url`, else `gradebook.db` in the course."""
    course = Path(course).resolve()
    config = course_config(course) if (course / "nbgrader_config.py").is_file() else {}
    return config.get("CourseDirectory", {}).get("db_url") or f"sqlite:///{course / 'gradebook.db'}"


def is_file_gradebook(url: str) -> bool:
    """A SQLite file: one machine's, which takes one writer at a time."""
    return url.startswith("sqlite:")


def assignments(course: Path = REPO) -> list[str]:
    """Names of the source assignments, e.g. ['ps03_lstm_gates']."""
    return sorted(p.name for p in (course / "source").iterdir() if p.is_dir() and p.name.startswith("ps"))


def resolve(name: str, course: Path = REPO) -> str:
    """'ps03' or 'ps03_lstm_gates' -> 'ps03_lstm_gates'."""
    matches = [a for a in assignments(course) if a == name or a.startswith(name + "_")]
    if len(matches) != 1:
        raise SystemExit(f"no single assignment matches {name!r}; choose one of {', '.join(assignments(course))}")
    return matches[0]
