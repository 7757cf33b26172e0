"""Find secrets that a student may have disguised in text: hidden-test lines and host paths (`find`).

The text is looked at in several `views` (tags stripped, entities, percent and unicode escapes,
rot13, reversed, and every base64 or hex run decoded, two levels deep), each `normalise`d (NFKC,
no format characters, no whitespace) and matched against the secrets normalised the same way;
those shorter than `MIN_CHARS` would match by chance and are ignored.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import functools
import html
import os
import re
import sys
import tempfile
import unicodedata
import urllib.parse
import warnings
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path

import nbformat

MIN_CHARS = 10
B64_RUN = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
HEX_RUN = re.compile(r"(?:[0-9a-fA-F]{2}){8,}")
TAG = re.compile(r"<[^<>]{0,2000}>")


STYLE = re.compile(r"(?is)<style[^>]*>.*?</style>")  # the exporter's CSS: nothing of a student's


@functools.lru_cache(maxsize=1)
def _invisible() -> dict[int, None]:
    """Whitespace and every format character (Unicode category Cf), as a str.translate table that deletes them."""
    planes = list(range(0x20000)) + list(range(0xE0000, 0xE1000))  # where Cf characters live
    return {c: None for c in planes if chr(c).isspace() or unicodedata.category(chr(c)) == "Cf"}


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_invisible())


def _decoded_runs(text: str) -> list[str]:
    """Text of every base64 or hex run in `text`, as written and with whitespace removed."""
    flat = "".join(text.split())
    found = []
    for run in set(B64_RUN.findall(flat) + B64_RUN.findall(text)):
        for shift in range(4):
            part = run[shift:].rstrip("=")
            if len(part) % 4 == 1:
                part = part[:-1]  # cannot end a base64 text
            if len(part) < 16:
                continue
            part += "=" * (-len(part) % 4)
            for alt in (None, b"-_"):
                try:
                    raw = base64.b64decode(part, altchars=alt, validate=alt is None)
                except (binascii.Error, ValueError):
                    continue
                decoded = raw.decode("utf-8", errors="ignore")
                if _texty(decoded):
                    found.append(decoded)
    for run in set(HEX_RUN.findall(flat) + HEX_RUN.findall(text)):
        for shift in (0, 1):
            part = run[shift:]
            part = part[: len(part) - len(part) % 2]
            try:
                decoded = bytes.fromhex(part).decode("utf-8", errors="ignore")
            except ValueError:
                continue
            if _texty(decoded):
                found.append(decoded)
    return found


def _texty(decoded: str) -> bool:
    """Decoded bytes that read as text: long enough to hold a secret and nine characters in ten printable."""
    if len(decoded) < MIN_CHARS:
        return False
    good = sum(ch.isprintable() or ch.isspace() or unicodedata.category(ch) == "Cf" for ch in decoded)
    return good >= 0.9 * len(decoded)


def views(text: str, depth: int = 2) -> list[str]:
    """Normalised forms of `text` under every decoding the scan knows."""
    plain = html.unescape(TAG.sub("", text))
    out = [text, plain]
    if "%" in plain:
        out.append(urllib.parse.unquote(plain))
    if "+" in plain:  # a form's encoding: + for a space
        out.append(urllib.parse.unquote_plus(plain))
    if "\\u" in plain or "\\x" in plain:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes in ordinary text
                out.append(codecs.decode(plain, "unicode_escape"))
        except (UnicodeDecodeError, ValueError):
            pass
    out.append(codecs.decode(plain, "rot13"))
    out.append(plain[::-1])
    if depth > 0:
        for decoded in _decoded_runs(plain) + _decoded_runs(text):
            out.extend(views(decoded, depth - 1))
    return out


LONG_NEEDLE = 2000  # characters; a secret is a line of code


def finder(needles: Iterable[str]) -> Callable[[str], set[str]]:
    """A function that gives the strings of `needles` occurring in a text, as
    `{n for n in needles if n in text}` would, in one pass (pyahocorasick's Aho-Corasick automaton)."""
    import ahocorasick

    needles = set(needles)
    always = {n for n in needles if not n}  # "" is in every text
    # a needle this long is looked for with `in`: pyahocorasick 2.1.0 crashed on a 700,000-character one
    long = {n for n in needles if len(n) > LONG_NEEDLE}
    automaton = ahocorasick.Automaton()
    for n in needles - always - long:
        automaton.add_word(n, n)
    if len(automaton):
        automaton.make_automaton()

    def found_in(text: str) -> set[str]:
        return (
            always
            | {n for n in long if n in text}
            | ({n for _, n in automaton.iter(text)} if len(automaton) else set())
        )

    return found_in


def find(text: str, secrets: set[str] | list[str]) -> list[str]:
    """The secrets that appear in `text` in any view, each at most once."""
    wanted = {s: normalise(s) for s in secrets}
    wanted = {s: n for s, n in wanted.items() if len(n) >= MIN_CHARS}
    if not wanted:
        return []
    seen = finder(wanted.values())("\0".join({normalise(v) for v in views(STYLE.sub("", text))}))
    return sorted(s for s, n in wanted.items() if n in seen)


class _Produced(HTMLParser):
    """Collects the text of a feedback page's outputs (`output_subarea`) and comments (`panel-footer`)."""

    WANTED = ("output_subarea", "panel-footer")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open div: inside a wanted element?

    def handle_starttag(self, tag, attrs):
        if tag != "div":
            return
        classes = (dict(attrs).get("class") or "").split()
        inside = bool(self.stack and self.stack[-1]) or any(c in self.WANTED for c in classes)
        if inside and not (self.stack and self.stack[-1]):
            self.parts.append("\n")
        self.stack.append(inside)

    def handle_endtag(self, tag):
        if tag == "div" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1]:
            self.parts.append(data)


def produced_text(page: str) -> str:
    """The outputs and comments of a feedback page, as text: what the scan looks at (the student's own
    cells may hold a hidden test's line, and are theirs)."""
    parser = _Produced()
    parser.feed(STYLE.sub("", page))
    parser.close()
    return "".join(parser.parts)


def host_paths(course: Path | None = None) -> list[str]:
    """Folders of the grading machine that say where things are: the repository, the environment, the
    home folder, the course (resolved and as spelled) and the prefix of a run's runtime folders."""
    from .folder import REPO

    paths = {str(REPO), sys.prefix, str(Path.home()), os.path.join(tempfile.gettempdir(), "rnnlab-")}
    if course is not None:
        paths |= {str(Path(course).resolve()), os.path.abspath(course)}
    return sorted((p for p in paths if p not in ("/", "") and len(p) > 4), key=len, reverse=True)


def _runtime() -> re.Pattern:
    """A runtime folder of a grading run, with the rest of its name, in /tmp or $TMPDIR."""
    roots = sorted({"/tmp", tempfile.gettempdir()}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(re.escape(r) for r in roots) + r")/rnnlab-[\w.-]+")


def redact(text: str, paths: list[str]) -> str:
    """`text` with every host path replaced by a placeholder (a runtime folder with its name)."""
    text = _runtime().sub("<grader>", text)
    for p in paths:
        text = text.replace(p, "<grader>")
    return text


def secret_lines(source_nb: nbformat.NotebookNode, marker: str = "HIDDEN TESTS", min_len: int = 12) -> set[str]:
    """Non-trivial lines inside `### BEGIN <marker>` regions that appear nowhere else in the
    notebook: none of them may reach a student."""
    inside_lines, outside_lines, inside = set(), set(), False
    for cell in source_nb.cells:
        for line in cell.source.splitlines():
            if f"BEGIN {marker}" in line:
                inside = True
            elif f"END {marker}" in line:
                inside = False
            elif len(line.strip()) >= min_len:
                (inside_lines if inside else outside_lines).add(line.strip())
    return inside_lines - outside_lines


def hidden_test_lines(source_nb: nbformat.NotebookNode) -> set[str]:
    return secret_lines(source_nb, "HIDDEN TESTS")
