"""The course's chapters: each numbered lecture, its problem sets found on disk, and what the
course map in README.md says each chapter teaches. The README's course map is the one list an
author adds a chapter to; the students' README (instructor.publishing.dist) and the start page's
table of chapters (`make assignments` writes it: `write_start_page`) are made from it.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from .course import REPO


def lecture_title(nb, fallback: str) -> str:
    """The first `# ` heading of a notebook's markdown, else `fallback`."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


OUTCOME = "after it you can"             # the column of README.md's course map that students get too


def outcomes(course: Path) -> dict[str, str]:
    """What each chapter teaches, from the course map in the course's README.md: the cell of its
    OUTCOME column in the row that names `notebooks/NN_topic.ipynb`, by that file name."""
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


def course_map(course: Path) -> str:
    """A markdown table: every numbered lecture and its problem set, found on disk, and what the
    course's README says each chapter teaches."""
    rows = [f"| chapter | lecture | problem set | {OUTCOME} |", "|---|---|---|---|"]
    said = outcomes(course)
    for lecture in sorted((course / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        number = lecture.name[:2]
        if number == "00":
            continue
        title = lecture_title(nbformat.read(lecture, 4), lecture.stem)
        sets = sorted(p for p in (course / "release").glob(f"ps{number}_*") if p.is_dir())
        ps = ", ".join(f"`release/{p.name}/`" for p in sets) or "none"
        rows.append(f"| {title} | `notebooks/{lecture.name}` | {ps} | {said.get(lecture.name, '')} |")
    return "\n".join(rows)


START_PAGE = Path("notebooks") / "00_start_here.ipynb"
START_HEADING = "## 4. The chapters"


def start_page_table(course: Path = REPO) -> str:
    """The start page's table of chapters: course_map's rows, with links a notebook can follow."""
    rows = [f"| chapter | lecture | problem set | {OUTCOME} |", "|---|---|---|---|"]
    said = outcomes(course)
    for lecture in sorted((course / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        number = lecture.name[:2]
        if number == "00":
            continue
        title = lecture_title(nbformat.read(lecture, 4), lecture.stem)
        sets = sorted(p.name for p in (course / "release").glob(f"ps{number}_*") if p.is_dir())
        ps = ", ".join(f"[{name.split('_')[0]}](../release/{name}/{name}.ipynb)" for name in sets) or "none"
        rows.append(f"| {title} | [lecture]({lecture.name}) | {ps} | {said.get(lecture.name, '')} |")
    return "\n".join(rows)


def write_start_page(course: Path = REPO, check: bool = False) -> bool:
    """Put start_page_table into the start page's cell under START_HEADING, in place of the table
    there; with `check`, only compare. Returns whether the page was (or, with `check`, would
    be) changed."""
    path = course / START_PAGE
    nb = nbformat.read(path, 4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and START_HEADING in c.source)
    lines = cell.source.split("\n")
    start = lines.index(START_HEADING) + 1
    while not lines[start].startswith("|"):
        start += 1
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    new = "\n".join(lines[:start] + start_page_table(course).split("\n") + lines[end:])
    if new == cell.source:
        return False
    if not check:
        cell.source = new
        nbformat.write(nb, path)
    return True
