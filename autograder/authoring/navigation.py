"""What links the notebooks together, written by `make assignments` from README.md's course map
(autograder.course.chapters): the start page's table of chapters and its count of them
(`write_start_page`), and the links to the start page and the neighbours atop and below every
lecture and the cheat sheet (`write_navigation`)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from ..course.chapters import chapters, spelled, table
from ..course.folder import REPO

START_PAGE = Path("notebooks") / "00_start_here.ipynb"
START_HEADING = "## 4. The chapters"
START_COUNT = re.compile(r"^[A-Za-z0-9]+(?= chapters on )", re.MULTILINE)  # the page's first sentence


def start_page_table(course: Path = REPO) -> str:
    """The start page's table of chapters: course_map's rows, with links a notebook can follow."""
    return table(
        [
            f"| {title} | [lecture]({lecture}) | "
            + (", ".join(f"[{name.split('_')[0]}](../release/{name}/{name}.ipynb)" for name in sets) or "none")
            + f" | {teaches} |"
            for title, lecture, sets, teaches in chapters(course)
        ]
    )


def write_start_page(course: Path = REPO, check: bool = False) -> bool:
    """Put start_page_table in place of the table under START_HEADING and the number of chapters
    at START_COUNT (with `check`, only compare); returns whether the page was (or would be) changed."""
    path = course / START_PAGE
    nb = nbformat.read(path, 4)
    changed = False
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and START_HEADING in c.source)
    lines = cell.source.split("\n")
    start = lines.index(START_HEADING) + 1
    while not lines[start].startswith("|"):
        start += 1
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    new = "\n".join(lines[:start] + start_page_table(course).split("\n") + lines[end:])
    if new != cell.source:
        changed, cell.source = True, new
    count = spelled(len(chapters(course))).capitalize()
    cell = next((c for c in nb.cells if c.cell_type == "markdown" and START_COUNT.search(c.source)), None)
    if cell is not None and START_COUNT.sub(count, cell.source, count=1) != cell.source:
        changed, cell.source = True, START_COUNT.sub(count, cell.source, count=1)
    if changed and not check:
        nbformat.write(nb, path)
    return changed


CHEAT_SHEET = "cheatsheet.ipynb"


def navigation_line(course: Path, lecture: str) -> str:
    """The links atop and below `lecture` (or the cheat sheet): the start page, the chapters before and after."""
    found = [(title, name) for title, name, _, _ in chapters(course)]
    names = [name for _, name in found] + [CHEAT_SHEET]
    k = names.index(lecture)
    links = [f"[Start page]({START_PAGE.name})"]
    if k > 0:
        links.append(f"[← {found[k - 1][0]}]({found[k - 1][1]})")
    if k + 1 < len(names):
        after = "Cheat sheet" if names[k + 1] == CHEAT_SHEET else found[k + 1][0]
        links.append(f"[{after} →]({names[k + 1]})")
    return " · ".join(links)


def write_navigation(course: Path = REPO, check: bool = False) -> list[str]:
    """Put navigation_line as the first line of the first cell and as a last markdown cell of every
    lecture and the cheat sheet (with `check`, only compare); returns the notebooks (to be) changed."""
    changed = []
    for name in [name for _, name, _, _ in chapters(course)] + [CHEAT_SHEET]:
        path = course / "notebooks" / name
        nb = nbformat.read(path, 4)
        line = navigation_line(course, name)
        top = "\n".join([line] + nb.cells[0].source.split("\n")[1:])
        if top == nb.cells[0].source and nb.cells[-1].cell_type == "markdown" and nb.cells[-1].source == line:
            continue
        changed.append(name)
        if not check:
            nb.cells[0].source = top
            if nb.cells[-1].cell_type == "markdown" and nb.cells[-1].source.startswith("[Start page]"):
                nb.cells[-1].source = line
            else:
                nb.cells.append(nbformat.v4.new_markdown_cell(line))
            nbformat.write(nb, path)
    return changed
