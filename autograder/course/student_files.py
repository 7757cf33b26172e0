"""The files students get, as they could read them (`readable_text`), and what they are taught
(`taught_text`): a secret line that this text already holds is no leak."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from .folder import REPO
from .leakscan import normalise

# inside shipped folders: caches, a user's state and files for the course's own tests
SKIPPED_NAMES = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".DS_Store"}
SKIPPED_PATTERNS = (
    re.compile(r".*\.py[co]$"),
    re.compile(r".*\.egg-info$"),
    re.compile(r"\.rnnlab-review\.json.*"),
    re.compile(r"\.~.*"),
)
SKIPPED_FILES = {"notebooks/sanitize.cfg"}  # nbval's settings for `make test`


def skipped(rel: Path) -> bool:
    """A file that no student gets although its folder ships: a cache, a user's state, a test setting."""
    return (
        any(part in SKIPPED_NAMES or any(p.fullmatch(part) for p in SKIPPED_PATTERNS) for part in rel.parts)
        or rel.as_posix() in SKIPPED_FILES
    )


def taught_text(course: Path = REPO) -> str:
    """Normalised text that students get as teaching material: every released problem set, the
    lectures' cells (not their outputs) and the package's files."""
    parts = []
    for path in sorted((course / "release").glob("ps*/*.ipynb")) + sorted((course / "notebooks").glob("*.ipynb")):
        parts += [normalise(cell.source) for cell in nbformat.read(path, 4).cells]
    for path in sorted((course / "rnnlab").rglob("*")):
        if path.is_file() and not skipped(path.relative_to(course)):
            parts.append(normalise(readable_text(path)))
    return "\0".join(parts)


def json_strings(value, out: list[str]) -> None:
    """Every string in a JSON value, except images (base64 data would only slow the scan)."""
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for v in value:
            json_strings(v, out)
    elif isinstance(value, dict):
        for k, v in value.items():
            if not str(k).startswith("image/"):
                json_strings(v, out)


def readable_text(path: Path) -> str:
    """What a student could read in the file: a JSON file's strings (a notebook's lines as written), else its text."""
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="ignore")
    if path.suffix in (".ipynb", ".json"):
        try:
            parts: list[str] = []
            json_strings(json.loads(text), parts)
            return "\n".join(parts)
        except ValueError:
            pass
    return text
