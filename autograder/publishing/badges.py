"""Point the README's badges (Binder, the GitHub Actions tests) at the GitHub path of the clone's `origin`.

python -m autograder.publishing.badges [README.md]        # what `make badges` runs
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

_GITHUB_REMOTE = re.compile(
    r"""^(?:https://(?:[^@/\s]+@)?github\.com/
          |git@github\.com:
          |ssh://git@github\.com(?::\d+)?/)
        (?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)
        /(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$""",
    re.X,
)

# the OWNER/REPO part of each badge: Binder's launch link and the workflow's badge and page
_BADGE_PATHS = {
    "Binder": re.compile(r"(https://mybinder\.org/v2/gh/)([^/\s()]+/[^/\s()]+)(/)"),
    "tests": re.compile(r"(https://github\.com/)([^/\s()]+/[^/\s()]+)(/actions/workflows/)"),
}


class BadgeError(Exception):
    """The badges cannot be filled in; the README was not changed."""


def github_path(remote_url: str) -> str | None:
    """`owner/repo` of a GitHub remote URL (https or ssh), or None for any other URL."""
    m = _GITHUB_REMOTE.match(remote_url.strip())
    if not m or m.group("repo") in (".", ".."):
        return None
    return f"{m.group('owner')}/{m.group('repo')}"


def origin_url(repo_dir: Path) -> str | None:
    """The URL of `origin` in the git repository at `repo_dir`, or None when there is none."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(repo_dir), "remote", "get-url", "origin"], capture_output=True, text=True, timeout=30
        )
    except FileNotFoundError:
        raise BadgeError("git is not installed, so the origin remote cannot be read") from None
    if proc.returncode != 0:
        return None
    return proc.stdout.strip() or None


def fill(text: str, path: str) -> str:
    """`text` with every badge's OWNER/REPO (or an earlier path) replaced by `path`."""
    for name, pattern in _BADGE_PATHS.items():
        if not pattern.search(text):
            raise BadgeError(f"the README has no {name} badge link to fill in")
        text = pattern.sub(lambda m: m.group(1) + path + m.group(3), text)
    return text


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def update(readme: Path) -> str:
    """Fill the badges of `readme` from its repository's origin; returns what was done."""
    if not readme.is_file():
        raise BadgeError(f"{readme} does not exist")
    url = origin_url(readme.resolve().parent)
    if url is None:
        return (
            f"{readme} left as it is: this clone has no `origin` remote, so the badges keep "
            "their OWNER/REPO; add your GitHub copy (git remote add origin "
            "https://github.com/OWNER/REPO) and run make badges again."
        )
    path = github_path(url)
    if path is None:
        raise BadgeError(
            f"origin is {url}, which is not a GitHub repository (https or ssh); "
            "Binder's and GitHub Actions' badges need one"
        )
    old = readme.read_text()
    new = fill(old, path)
    if new == old:
        return f"{readme}: the badges already point at {path}."
    _write_atomically(readme, new)
    return f"{readme}: the Binder and tests badges now point at {path}."


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage: python -m autograder.publishing.badges [README.md]", file=sys.stderr)
        return 2
    readme = Path(args[0] if args else "README.md")
    try:
        print(f"make badges: {update(readme)}")
    except BadgeError as e:
        print(f"make badges: {e}; {readme} is unchanged.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
