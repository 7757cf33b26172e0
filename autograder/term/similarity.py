"""Similar submissions: `make similarity ASSIGNMENT=ps03` (`run`), after grading.

The pairs of students whose answers are unusually alike, per exercise and over the whole notebook, found
with copydetect's fingerprints (MOSS's) of the answers normalised as Python, without what every student
was given (the release notebook's code, the code its text gives, the lectures' code cells). They go to
reports/<set>/similarity.html, side by side, and into report.json for report.md's section. It accuses no
one. docs/instructor.md, "After grading: similar submissions", says how answers are compared and where
the thresholds come from (HONEST; tests/autograder/term/test_similarity.py measures it again)."""

from __future__ import annotations

import functools
import html
import io
import itertools
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..course.folder import REPO, STAGED
from ..gradebook.report import one_writer, write_files, write_whole
from ..gradebook.rows import read_record, rows_by_student

K = 25  # normalised characters of one fingerprint (copydetect's noise threshold, its default)
WINDOW = 1  # every k-gram is a fingerprint, so no figure depends on which hashes a process makes the smallest
EXERCISE_THRESHOLD = 0.60  # the larger share a pair reaches on one exercise to be listed
NOTEBOOK_THRESHOLD = 0.40  # ... over the whole notebook
MIN_TOKENS = 75  # characters ("tokens" to copydetect) that must match, and that a compared model answer has
# what the course's independent right answers (the solution, the alternatives with code of their own) reach,
# on one exercise and over a notebook of each set's most alike pairs; and the shortest model answers
HONEST = dict(exercises=46, exercises_with_pairs=35, exercise_pairs=54, exercise_max=0.452)
HONEST |= dict(notebook_pairs=11, notebook_max=0.256, short_tokens=50, shortest_compared=80)
NOTEBOOK = ""  # the exercise of a pair over the whole notebook
PAGE = "similarity.html"


def fingerprint(code: str, boilerplate=frozenset(), cuts=()):
    """copydetect's fingerprint of Python `code`, without the fingerprints in `boilerplate` and those of the
    k-grams that straddle a cut (a position in copydetect's filtered code). Boilerplate is removed here, not
    by copydetect, whose intersect1d(assume_unique=True) also drops one of two equal fingerprints of the
    answer's own (a line written twice)."""
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
    """Two answers compared: each one's share found in the other, the tokens that match, and for each
    answer the (start, end) of each matched stretch of its text."""

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
    """False when `a` and `b` cannot match on MIN_TOKENS tokens, known without comparing them: the tokens
    that match are covered by the K-token k-grams where `a` has a fingerprint of `b`'s."""
    shared = a.hashes & b.hashes
    return sum(len(a.hash_idx[h]) for h in shared) * K >= MIN_TOKENS


def code_cells(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def answer_cells(nb) -> dict[str, str]:
    """grade id -> source of each code answer cell (nbgrader's `solution`); the first of two with one id."""
    found: dict[str, str] = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and isinstance(meta.get("grade_id"), str):
            found.setdefault(meta["grade_id"], cell.source)
    return found


def given(course: Path, part: str) -> Path:
    """The course's `part` (release/, notebooks/), else the repository's (a demo course has no lectures)."""
    return course / part if (course / part).is_dir() else REPO / part


_CODE_IN_TEXT = re.compile(r"```[a-z]*\n(.*?)```|<code>(.*?)</code>|`([^`\n]+)`", re.S)


def text_code(path: Path) -> list[str]:
    """The code a notebook's text gives (fenced blocks, <code> elements, `spans`), as a reader sees it."""
    cells = nbformat.read(path, as_version=4).cells
    return [
        html.unescape(next(g for g in m.groups() if g is not None))
        for c in cells
        if c.cell_type == "markdown"
        for m in _CODE_IN_TEXT.finditer(c.source)
    ]


def boilerplate(course: Path, assignment: str) -> set:
    """The fingerprints of what every student was given: the release notebook's code cells and the code
    its text gives (a hint's line, which honest answers copy alike), and the lectures' code cells."""
    lectures = tuple((p.resolve(), p.stat().st_mtime_ns) for p in sorted(given(course, "notebooks").glob("*.ipynb")))
    release = given(course, "release") / assignment / f"{assignment}.ipynb"
    given_code = code_cells(release) + text_code(release)
    return set().union(_lecture_prints(lectures), *(fingerprint(s).hashes for s in given_code))


@functools.lru_cache(maxsize=4)
def _lecture_prints(lectures: tuple) -> frozenset:
    """The fingerprints of the lectures' code cells ((path, time of change) of each), read once per process."""
    return frozenset().union(*(fingerprint(s).hashes for path, _ in lectures for s in code_cells(path)))


def notebook(answers: dict[str, str], exercises, boilerplate) -> tuple[str, object]:
    """A student's answers to `exercises` as one text, each under a comment naming it, and its fingerprint.
    No fingerprint straddles two answers: two students who left the same cells as they were given would
    share those."""
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
    """The pairs of students (answers: student -> grade id -> code) listed on each exercise and over the
    whole notebook, most alike first within each."""
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
    """The notebook of `student` that grading read: autograded/, else staged/ (None for an id that is not
    one folder's name)."""
    if student in ("", ".", "..") or "/" in student or "\0" in student:
        return None
    for folder in ("autograded", STAGED):
        path = course / folder / student / assignment / f"{assignment}.ipynb"
        if path.is_file():
            return path
    return None


def find(course: Path, assignment: str, record: dict) -> Findings:
    """The pairs among the students of report.json's `record` whose notebook grading read."""
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
    """What report.json keeps of the findings (its "similarity" key, for report.md's section)."""
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
            dict(exercise=p.exercise, students=list(p.students), shares=list(p.match.shares), matched=p.match.matched)
            for p in findings.pairs
        ],
    }


class NotGraded(RuntimeError):
    """The set has no report.json in the course: nothing to compare yet."""


def run(course: Path, assignment: str) -> tuple[Path, Findings]:
    """Compare the graded class, write the page, keep the findings in report.json and write report.md
    again; (the page's path, the findings)."""
    out = Path(course) / "reports" / assignment
    record = read_record(out)
    if not isinstance(record.get("students"), list):
        raise NotGraded(
            f"{assignment} has not been graded in {course} yet (no readable reports/{assignment}/"
            "report.json); run make autograde first"
        )
    findings = find(Path(course), assignment, record)
    write_whole(out / PAGE, page(findings))
    with one_writer(out):
        record = read_record(out) or record  # what another command wrote meanwhile
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
    """The HTML page of the findings: every field a student controls is escaped, and it runs no script."""
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
