"""CSV cells a spreadsheet shows as text, never runs: one rule for every CSV the course writes.

A spreadsheet reads a cell that starts with `=`, `+`, `-` or `@` as a formula, and one that
starts with a tab or a carriage return may be read as one after the program trims it. Student
names come from the LMS's class list and other fields from students, so a name such as
`=HYPERLINK("http://x","y")` would run in the instructor's spreadsheet when they open
`grades.csv`, `canvas-grades.csv`, `moodle-grades.csv`, `roster.csv` or `make export`'s file.
OWASP's rule: such a cell gets a single quote in front, which spreadsheets show as text and do
not display. A plain number (`-1.5`, a score) is left as it is, so it still reads as a number.

A cell that starts with a single quote of its own gets a second one, so that `plain` undoes
`cell` exactly for files the course reads back (`roster.csv`): "'t Hooft" is written "''t Hooft".
`plain` takes a quote away only where `cell` put one, so a file written before cells were quoted
reads as it was written ("'t Hooft" stays "'t Hooft").

Every CSV the course writes is UTF-8 with a byte order mark (`ENCODING`): Excel, opening a file
by a double click, reads UTF-8 only when the file starts with the mark (without it, the
platform's code page, and a name with an accent comes out garbled); Moodle's CSV import removes
it (its csvlib), Canvas puts it on its own exports when a user asks, and the course's readers of
its own files (roster.csv) take a file with or without it.
"""

from __future__ import annotations

import re

ENCODING = "utf-8-sig"  # writing: UTF-8 after a byte order mark; reading: with or without one
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def cell(value) -> str:
    """`value` as the text of a CSV cell that no spreadsheet runs."""
    text = "" if value is None else str(value)
    if text.startswith(QUOTE) or (text.startswith(TRIGGERS) and not NUMBER.fullmatch(text)):
        return QUOTE + text
    return text


def row(values) -> list[str]:
    """Every cell of a row, made safe (csv.writer's writerow)."""
    return [cell(v) for v in values]


def record(values: dict) -> dict:
    """Every value of a dict row, made safe (csv.DictWriter's writerow)."""
    return {key: cell(v) for key, v in values.items()}


def plain(text: str) -> str:
    """What `cell` was given, from what it wrote (for files the course reads back); any other
    text as it is."""
    return text[1:] if text.startswith(QUOTE) and cell(text[1:]) == text else text
