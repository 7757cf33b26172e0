"""CSV cells a spreadsheet shows as text, never runs (OWASP's rule: a quote before a cell that starts
like a formula, plain numbers left as they are), in UTF-8 after a byte order mark, which Excel needs
to read accents: one rule for every CSV the course writes (docs/instructor.md, "Publish grades").
`plain` undoes `cell` for the files the course reads back: a cell's own leading quote is doubled.
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
