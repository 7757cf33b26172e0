"""Similar submissions: `make similarity ASSIGNMENT=ps03`, after grading.

Lists the pairs of students whose answers are unusually alike, per exercise and over the whole
notebook, in reports/<set>/similarity.html (both answers side by side, the matched code marked)
and in a section of report.md. It accuses no one: code can be alike for honest reasons, and the
page is evidence for a person to read and judge.

How answers are compared: with copydetect (MOSS's fingerprints of k-grams, Schleimer, Wilkerson and
Aiken 2003). Each answer is normalised as Python: a name becomes V (F where a function is
defined), a string "S", keywords, operators and imported modules stay as written, and comments and
spacing are dropped, so renamed variables do not hide a copy. A fingerprint is a
hash of K characters of that normalised text in a row (copydetect calls them tokens: a name counts
1, `return` 6), and reordered functions keep their fingerprints. Every k-gram is kept
(window 1, copydetect's default: its guarantee threshold equals its noise threshold), so a figure
does not depend on which hashes a process's string hashing makes the smallest. Fingerprints that
the course gave every student are boilerplate, dropped from every answer before comparing: the
release notebook's code cells (the starter code of its answer cells, its tests), the code its
text gives (a hint's <code> line, which honest answers copy alike) and the code cells of the
lectures (notebooks/*.ipynb).

A pair's figure on an exercise is the larger of its two shares: of the normalised characters of
each answer (those beyond boilerplate), the share that also stands in the other. The whole notebook is the answers of
the compared exercises, one after the other, with no fingerprint across two of them (so a function
moved to another cell still matches). A pair is listed where that figure reaches the threshold and
at least MIN_TOKENS normalised characters match.

The thresholds were measured on the course's own honest answers (tests/test_similarity.py measures
them again): for every exercise of every problem set, the instructor's solution and the correct
alternatives of source/<set>/alternatives/ that answer it in code of their own (CELLS; an EDITS
alternative is the instructor's answer edited, not written apart) are independent right answers.
HONEST holds what their pairs reached; each threshold stands about 0.15 above it.

Short exercises: a right answer of a few lines is alike in every honest hand (the quiz cells are
the same dictionary with other letters, which the filter turns into the same text). An exercise
whose model answer has fewer than MIN_TOKENS normalised characters beyond boilerplate is not
compared, nor part of the whole notebook, and no pair is listed on fewer than MIN_TOKENS matching.
"""

from __future__ import annotations

import functools
import html
import io
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..course.folder import REPO, STAGED
from ..gradebook.report import one_writer, write_files, write_whole

K = 25  # normalised characters of one fingerprint (copydetect's noise threshold, its default)
WINDOW = 1  # winnowing window: every k-gram is a fingerprint (copydetect's default)
EXERCISE_THRESHOLD = 0.60  # the larger share a pair reaches on one exercise to be listed
NOTEBOOK_THRESHOLD = 0.40  # ... over the whole notebook
MIN_TOKENS = 75  # characters ("tokens" to copydetect) that must match, and that a compared model answer has
# measured on the course's honest answers (module docstring; docs/instructor.md): of the 47 exercises
# compared, 36 have an alternative; their 50 pairs reach at most 0.452 (ps09 stream_batches, two
# alternatives). Over a notebook made of each set's most alike honest pair per exercise, 11 pairs
# (one per set) reach at most 0.256 (ps02). The model answers of the quiz cells have 50 characters
# beyond boilerplate (not compared); the shortest compared, 80 (ps02 rnn_shapes).
HONEST = {
    "exercises": 47,
    "exercises_with_pairs": 36,
    "exercise_pairs": 50,
    "exercise_max": 0.452,
    "notebook_pairs": 11,
    "notebook_max": 0.256,
    "short_tokens": 50,
    "shortest_compared": 80,
}
NOTEBOOK = ""  # the exercise of a pair over the whole notebook
PAGE = "similarity.html"


def fingerprint(code: str, boilerplate=frozenset(), cuts=()):
    """copydetect's fingerprint of Python `code`, without the fingerprints in `boilerplate` and
    those of the k-grams that straddle a cut (a position in copydetect's filtered code).

    copydetect drops boilerplate itself through numpy's intersect1d with assume_unique, which
    also drops one of two equal fingerprints of the answer's own (a line written twice); here the
    fingerprints are taken whole and the boilerplate removed after, with copydetect's own count
    of the tokens that remain."""
    from copydetect import CodeFingerprint
    from copydetect.utils import get_token_coverage

    found = CodeFingerprint("answer.py", K, WINDOW, fp=io.StringIO(code), language="python")
    kept = {}
    for h, where in found.hash_idx.items():
        where = [i for i in where if not any(i < cut < i + K for cut in cuts)]
        if where and h not in boilerplate:
            kept[h] = where
    found.hash_idx, found.hashes = kept, set(kept)
    found.token_coverage = int(get_token_coverage(kept, K, len(found.filtered_code)))
    return found


@dataclass
class Match:
    """Two answers compared: each one's share found in the other, the tokens that match, and where
    (for each answer, the (start, end) of each matched stretch of its text)."""

    shares: tuple[float, float]
    matched: int
    spans: tuple[list, list] = ((), ())

    @property
    def alike(self) -> float:
        return max(self.shares)


def compare(a, b) -> Match:
    """Two fingerprints (`fingerprint`) compared by copydetect."""
    from copydetect import compare_files

    matched, shares, slices = compare_files(a, b)
    spans = tuple([(int(s), int(e)) for s, e in zip(*cut)] if len(cut) and len(cut[0]) else [] for cut in slices)
    return Match((round(float(shares[0]), 3), round(float(shares[1]), 3)), int(matched), spans)


def listed(match: Match, threshold: float) -> bool:
    return match.matched >= MIN_TOKENS and match.alike >= threshold


def may_be_listed(a, b) -> bool:
    """False when `a` and `b` cannot match on MIN_TOKENS tokens, known without copydetect's
    comparison: the tokens of `a` that match are covered by the K-token k-grams at the places
    where `a` has a fingerprint of `b`'s, so fewer than MIN_TOKENS / K such places cannot cover
    enough (in a class, most pairs share none)."""
    shared = a.hashes & b.hashes
    return sum(len(a.hash_idx[h]) for h in shared) * K >= MIN_TOKENS


def code_cells(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def answer_cells(nb) -> dict[str, str]:
    """grade id -> source of each answer cell (nbgrader's `solution`, a code cell); the first of two
    cells with one grade id."""
    found: dict[str, str] = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and isinstance(meta.get("grade_id"), str):
            found.setdefault(meta["grade_id"], cell.source)
    return found


def given(course: Path, part: str) -> Path:
    """The course's `part` (release/, notebooks/), else the repository's: a demo course
    (make demo-class) holds its own release but not the lectures."""
    return course / part if (course / part).is_dir() else REPO / part


_CODE_IN_TEXT = re.compile(r"```[a-z]*\n(.*?)```|<code>(.*?)</code>|`([^`\n]+)`", re.S)


def text_code(path: Path) -> list[str]:
    """The code a notebook's text gives: fenced blocks, <code> elements (the hints) and `spans`,
    unescaped as a reader sees them."""
    cells = nbformat.read(path, as_version=4).cells
    return [
        html.unescape(next(g for g in m.groups() if g is not None))
        for c in cells
        if c.cell_type == "markdown"
        for m in _CODE_IN_TEXT.finditer(c.source)
    ]


def boilerplate(course: Path, assignment: str) -> set:
    """The fingerprints of what every student was given: the release notebook's code cells and the
    code its text gives (a hint's <code> line, which honest answers copy alike), and the lectures'
    code cells."""
    lectures = tuple((p.resolve(), p.stat().st_mtime_ns) for p in sorted(given(course, "notebooks").glob("*.ipynb")))
    release = given(course, "release") / assignment / f"{assignment}.ipynb"
    given_code = code_cells(release) + text_code(release)
    return set().union(_lecture_prints(lectures), *(fingerprint(s).hashes for s in given_code))


@functools.lru_cache(maxsize=4)
def _lecture_prints(lectures: tuple) -> frozenset:
    """The fingerprints of the lectures' code cells ((path, time of change) of each lecture), read
    once per process: every problem set shares them."""
    return frozenset().union(*(fingerprint(s).hashes for path, _ in lectures for s in code_cells(path)))


def notebook(answers: dict[str, str], exercises, boilerplate) -> tuple[str, object]:
    """A student's answers to `exercises` as one text, each under a comment naming it (comments
    make no fingerprint), and its fingerprint. No fingerprint straddles two answers: the end of
    one cell and the start of the next would otherwise make fingerprints of their own, which two
    students who left the same cells as they were given would share."""
    from copydetect.utils import filter_code

    parts = [f"# ---- {gid} ----\n{answers.get(gid, '')}\n\n" for gid in exercises]
    ends = itertools.accumulate(len(filter_code(part, "answer.py", "python")[0]) for part in parts)
    text = "".join(parts)
    return text, fingerprint(text, boilerplate, cuts=tuple(ends))


@dataclass
class Pair:
    exercise: str  # a grade id, or NOTEBOOK
    students: tuple[str, str]
    match: Match
    texts: tuple[str, str] = ("", "")


@dataclass
class Findings:
    """What make similarity found: the compared students and exercises, and the pairs listed."""

    assignment: str
    students: list[str]
    exercises: list[str]
    short: dict[str, int]  # exercise left out -> its model answer's tokens
    pairs: list[Pair]
    left_out: dict[str, str] = field(default_factory=dict)  # student -> why not compared
    names: dict[str, str] = field(default_factory=dict)


def alike_pairs(answers: dict[str, dict[str, str]], exercises: list[str], bp: set) -> list[Pair]:
    """The pairs of students (answers: student -> grade id -> code) listed on each exercise and over
    the whole notebook, most alike first within each."""
    pairs = []
    levels = [
        (gid, EXERCISE_THRESHOLD, lambda a, gid=gid: (a.get(gid, ""), fingerprint(a.get(gid, ""), bp)))
        for gid in exercises
    ]
    levels.append((NOTEBOOK, NOTEBOOK_THRESHOLD, lambda a: notebook(a, exercises, bp)))
    for level, threshold, make in levels:
        made = {s: make(a) for s, a in answers.items()}
        texts, prints = {s: m[0] for s, m in made.items()}, {s: m[1] for s, m in made.items()}
        big = sorted(s for s, f in prints.items() if f.token_coverage >= MIN_TOKENS)
        found = []
        for a, b in itertools.combinations(big, 2):
            if not may_be_listed(prints[a], prints[b]):
                continue
            match = compare(prints[a], prints[b])
            if listed(match, threshold):
                found.append(Pair(level, (a, b), match, (texts[a], texts[b])))
        pairs += sorted(found, key=lambda p: (-p.match.alike, p.students))
    return pairs


def notebook_of(course: Path, assignment: str, student: str) -> Path | None:
    """The notebook of `student` that grading read: autograded/, else staged/ (None for an id that
    is not one folder's name)."""
    if student in ("", ".", "..") or "/" in student or "\0" in student:
        return None
    for folder in ("autograded", STAGED):
        path = course / folder / student / assignment / f"{assignment}.ipynb"
        if path.is_file():
            return path
    return None


def find(course: Path, assignment: str, record: dict) -> Findings:
    """The pairs among the students of report.json's `record` whose notebook grading read."""
    from ..gradebook.report import rows_by_student

    release = nbformat.read(given(course, "release") / assignment / f"{assignment}.ipynb", as_version=4)
    source = course / "source" / assignment / f"{assignment}.ipynb"
    model = answer_cells(nbformat.read(source, as_version=4)) if source.is_file() else {}
    bp = boilerplate(course, assignment)
    exercises, short = [], {}
    for gid in answer_cells(release):
        tokens = fingerprint(model[gid], bp).token_coverage if gid in model else MIN_TOKENS
        if tokens >= MIN_TOKENS:
            exercises.append(gid)
        else:
            short[gid] = tokens
    answers, left_out, names = {}, {}, {}
    for student, row in sorted(rows_by_student(record).items()):
        if row.get("status") not in ("graded", "failed"):
            continue  # nothing handed in, or nothing that could be read
        names[student] = str(row.get("name") or "")
        path = notebook_of(course, assignment, student)
        if path is None:
            left_out[student] = "no notebook in autograded/ or staged/"
            continue
        try:
            answers[student] = answer_cells(nbformat.read(path, as_version=4))
        except Exception as err:  # a notebook nbformat cannot read: that student alone
            left_out[student] = f"the notebook could not be read ({type(err).__name__})"
    pairs = alike_pairs(answers, exercises, bp)
    return Findings(assignment, sorted(answers), exercises, short, pairs, left_out, names)


def summary(findings: Findings, graded: str) -> dict:
    """What report.json keeps of the findings (its "similarity" key), from which report.md's
    section is written (autograder.gradebook.report.similarity_section)."""
    return {
        "computed": time.strftime("%Y-%m-%d %H:%M:%S"),
        "graded": graded,
        "page": PAGE,
        "students": len(findings.students),
        "exercises": findings.exercises,
        "short": findings.short,
        "exercise_threshold": EXERCISE_THRESHOLD,
        "notebook_threshold": NOTEBOOK_THRESHOLD,
        "min_tokens": MIN_TOKENS,
        "left_out": findings.left_out,
        "pairs": [
            {
                "exercise": p.exercise,
                "students": list(p.students),
                "shares": list(p.match.shares),
                "matched": p.match.matched,
            }
            for p in findings.pairs
        ],
    }


class NotGraded(RuntimeError):
    """The set has no report.json in the course: nothing to compare yet."""


def run(course: Path, assignment: str) -> tuple[Path, Findings]:
    """Compare the graded class, write the page, keep the findings in report.json and write
    report.md again with its section. Returns the page's path and the findings."""
    out = Path(course) / "reports" / assignment
    try:
        record = json.loads((out / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("students"), list):
        raise NotGraded(
            f"{assignment} has not been graded in {course} yet (no readable reports/{assignment}/"
            "report.json); run make autograde first"
        )
    findings = find(Path(course), assignment, record)
    write_whole(out / PAGE, page(findings))
    with one_writer(out):
        try:  # what another command wrote meanwhile
            record = json.loads((out / "report.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        record["similarity"] = summary(findings, str(record.get("finished", "")))
        write_files(out, record)
    return out / PAGE, findings


# -- the page ---------------------------------------------------------------------------------------


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def marked(text: str, spans) -> str:
    """`text` as HTML, the stretches of `spans` in <mark>."""
    out, at = [], 0
    for start, end in sorted(spans):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        out += [_e(text[at:start]), "<mark>", _e(text[start:end]), "</mark>"]
        at = end
    out.append(_e(text[at:]))
    return "".join(out)


STYLE = """body{font-family:sans-serif;margin:2em;max-width:110em}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left;vertical-align:top}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}pre{background:#f6f6f6;padding:.6em;overflow-x:auto;
font-size:85%;white-space:pre-wrap}mark{background:#ffd27f}\
.note{background:#eef4ff;padding:.6em 1em;border-left:4px solid #4a78c2}"""


def _who(findings: Findings, student: str) -> str:
    name = findings.names.get(student, "")
    return _e(student) + (f" ({_e(name)})" if name else "")


def _level(exercise: str) -> str:
    return "whole notebook" if exercise == NOTEBOOK else _e(exercise)


def page(findings: Findings) -> str:
    """The HTML page of the findings: every field a student controls (their id, name and code) is
    escaped, and the page runs no script (its Content-Security-Policy allows none)."""
    f = findings
    rows = "".join(
        f"<tr><td>{_level(p.exercise)}</td><td>{_who(f, p.students[0])}</td><td>{_who(f, p.students[1])}</td>"
        f"<td>{p.match.shares[0]:.0%} / {p.match.shares[1]:.0%}</td><td>{p.match.matched}</td>"
        f'<td><a href="#pair-{k}">side by side</a></td></tr>'
        for k, p in enumerate(f.pairs, 1)
    )
    table = (
        "<table><tr><th>exercise</th><th>student</th><th>student</th><th>alike (share of each)</th>"
        f"<th>matching characters</th><th></th></tr>{rows}</table>"
        if f.pairs
        else "<p>No pair of students reaches the thresholds.</p>"
    )
    details = "".join(
        f'<h2 id="pair-{k}">{k}. {_level(p.exercise)}: {_who(f, p.students[0])} and {_who(f, p.students[1])}</h2>'
        f"<p>{p.match.shares[0]:.0%} of the first answer's normalised code stands in the second, "
        f"{p.match.shares[1]:.0%} of the second's in the first; {p.match.matched} characters of it match (marked).</p>"
        f'<div class="side"><div><h3>{_e(p.students[0])}</h3><pre>{marked(p.texts[0], p.match.spans[0])}</pre></div>'
        f"<div><h3>{_e(p.students[1])}</h3><pre>{marked(p.texts[1], p.match.spans[1])}</pre></div></div>"
        for k, p in enumerate(f.pairs, 1)
    )
    short = ", ".join(f"{_e(g)} ({n} characters)" for g, n in f.short.items()) or "none"
    left = "".join(f"<li>{_e(s)}: {_e(why)}</li>" for s, why in f.left_out.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>Similar submissions: {_e(f.assignment)}</title><style>{STYLE}</style></head><body>
<h1>Similar submissions: {_e(f.assignment)}</h1>
<p class="note">This page accuses no one. It lists pairs of answers that are more alike than the course's
own independent right answers ever were, and shows them side by side for a person to read and judge.
Answers can be alike for honest reasons: students who studied together, an idea from the same lecture,
an exercise with one natural way to write it. Read both answers, and talk to the students, before
drawing any conclusion.</p>
<p>{len(f.students)} students compared on {len(f.exercises)} exercise(s) ({_e(", ".join(f.exercises)) or "none"})
and over the whole notebook (those exercises' answers together). {len(f.pairs)} pair(s) listed.</p>
<p>How: copydetect's fingerprints (MOSS's method) of every {K} characters in a row of the code
normalised (each name one letter for its role, strings alike, comments and spacing dropped); \
the code every student was given (the problem set's
release notebook) and the lectures' code are left out. A pair is listed on an exercise when the larger
of its two shares reaches {EXERCISE_THRESHOLD:.0%} (over the whole notebook {NOTEBOOK_THRESHOLD:.0%})
and at least {MIN_TOKENS} characters of normalised code match. \
The course's own honest answers, written apart, reached at
most {HONEST["exercise_max"]:.0%} on an exercise and {HONEST["notebook_max"]:.0%} over a notebook.
Exercises too short to compare (their model answer has fewer than {MIN_TOKENS} normalised characters of its own): \
{short}.</p>
{table}
{"<h2>Not compared</h2><ul>" + left + "</ul>" if left else ""}
{details}
</body></html>
"""
