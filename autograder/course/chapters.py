"""The course's chapters (`chapters`): each numbered lecture, its problem sets found on disk, and what
README.md's course map, the one list of chapters, says it teaches; and that map as a table (`course_map`).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from .folder import REPO


def lecture_title(nb, fallback: str) -> str:
    """The first `# ` heading of a notebook's markdown, else `fallback`."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


OUTCOME = "after it you can"  # the column of README.md's course map that students get too


def outcomes(course: Path) -> dict[str, str]:
    """Lecture file name -> its cell of the OUTCOME column of README.md's course map."""
    found, column = {}, None
    for line in (course / "README.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if OUTCOME in cells:
            column = cells.index(OUTCOME)
        elif not cells:
            column = None
        elif column is not None and len(cells) > column:
            lecture = re.search(r"`notebooks/([0-9][0-9]_[^`]+\.ipynb)`", line)
            if lecture:
                found[lecture.group(1)] = cells[column]
    return found


def chapters(course: Path = REPO) -> list[tuple[str, str, list[str], str]]:
    """(title, lecture file, its problem sets in release/, what it teaches) of every numbered lecture."""
    said = outcomes(course)
    found = []
    for lecture in sorted((course / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        number = lecture.name[:2]
        if number == "00":
            continue
        sets = sorted(p.name for p in (course / "release").glob(f"ps{number}_*") if p.is_dir())
        found.append(
            (lecture_title(nbformat.read(lecture, 4), lecture.stem), lecture.name, sets, said.get(lecture.name, ""))
        )
    return found


NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
).split()
COUNTED = ("chapters", "lectures", "problem sets")
_COUNT = re.compile(
    r"\b(?P<n>" + "|".join(NUMBERS[2:]) + r"|[1-9][0-9]*)"
    r"(?: (?P<plural>chapters|lectures|problem sets)|-(?P<adjective>chapter|lecture|problem-set))\b",
    re.IGNORECASE,
)


def course_counts(course: Path = REPO) -> dict[str, int]:
    """How many chapters, lectures and problem sets the course has, by `chapters`."""
    found = chapters(course)
    return {"chapters": len(found), "lectures": len(found), "problem sets": sum(len(s) for _, _, s, _ in found)}


def count_claims(text: str) -> list[tuple[int, str, str]]:
    """(number said, what it counts as in COUNTED, the phrase) of every "ten problem sets", "11 lectures"
    or "eleven-chapter" in `text`: a number from two up, in words or digits, before what it counts."""
    claims = []
    for m in _COUNT.finditer(text):
        n = m["n"].lower()
        what = (m["plural"] or m["adjective"].replace("-", " ") + "s").lower()
        claims.append((int(n) if n.isdigit() else NUMBERS.index(n), what, m[0]))
    return claims


def spelled(n: int) -> str:
    """`n` as the course's prose writes a count: in words up to twenty."""
    return NUMBERS[n] if n < len(NUMBERS) else str(n)


def table(rows: list[str]) -> str:
    return "\n".join([f"| chapter | lecture | problem set | {OUTCOME} |", "|---|---|---|---|"] + rows)


def course_map(course: Path) -> str:
    """A markdown table of `chapters`."""
    return table(
        [
            f"| {title} | `notebooks/{lecture}` | "
            + (", ".join(f"`release/{name}/`" for name in sets) or "none")
            + f" | {teaches} |"
            for title, lecture, sets, teaches in chapters(course)
        ]
    )
