"""What links the course's notebooks together, written by `make assignments` from the lectures and
problem sets on disk and the one list of chapters, the course map in README.md
(autograder.course.chapters): the start page's table of chapters, and the line at the top and at
the bottom of every lecture and of the cheat sheet that links the start page and the neighbours.
A new chapter is its lecture and a row of the course map; nothing else names it by hand."""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..course.chapters import chapters, table
from ..course.folder import REPO

START_PAGE = Path("notebooks") / "00_start_here.ipynb"
START_HEADING = "## 4. The chapters"


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


CHEAT_SHEET = "cheatsheet.ipynb"


def navigation_line(course: Path, lecture: str) -> str:
    """The links at the top and bottom of `lecture` (a lecture's file name, or the cheat sheet's):
    the start page, the chapter before, the chapter after (the cheat sheet after the last)."""
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
    """Put navigation_line at the top (the first line of the first cell) and at the bottom (the
    last cell, a markdown cell of that line alone) of every lecture and of the cheat sheet; with
    `check`, only compare. Returns the notebooks that were (or would be) changed."""
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
