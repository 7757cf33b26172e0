"""What `make similarity` costs as a class grows: every pair of students is compared on each
compared exercise and over the whole notebook, so the work grows with the square of the class.

A class of n is made from a problem set's own answers (the instructor's solution, the correct
alternatives, the mutants and the lecture copies of source/<set>/): each student takes one of them
per exercise at random, and nine in ten then add lines of their own after most lines of it. The
mutants are the solution with a small change each, so such a class holds more alike pairs than a
real one: the page is timed with hundreds of pairs listed. Timed: the
comparison (autograder.term.similarity.alike_pairs, with the set's boilerplate and exercises as
make similarity finds them) and the page, on one thread.
"""

from __future__ import annotations

import random
import statistics
import time

import nbformat

from autograder.authoring import fixtures as F
from autograder.course.folder import REPO
from autograder.term import similarity as S

ASSIGNMENT = "ps03_lstm_gates"
KINDS = ("alternatives", "mutants", "copies")


def variants(assignment: str) -> dict[str, list[str]]:
    """grade id -> the distinct answers the set's solution and fixtures give it."""
    source = nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    found: dict[str, list[str]] = {}
    fixtures = [F.Fixture(name="solution", expect={})] + [
        fx for kind in KINDS for fx in F.fixtures_for(assignment, kind)
    ]
    for fx in fixtures:
        try:
            answers = F.answers(fx, source)
        except ValueError:
            continue
        for gid, text in answers.items():
            if text not in found.setdefault(gid, []):
                found[gid].append(text)
    return found


def own_hand(text: str, rng: random.Random, student: int) -> str:
    """The answer with a line of the student's own after most lines (those that do not open a
    block or continue), at the indent of the line before it."""
    out = []
    for k, line in enumerate(text.splitlines()):
        out.append(line)
        if line.strip() and not line.rstrip().endswith((":", ",", "(", "[", "\\")) and rng.random() < 0.7:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}_note_{student}_{k} = {rng.randint(0, 10**6)}")
    return "\n".join(out) + "\n"


def make_class(n: int, choices: dict[str, list[str]], seed: int, copied: float = 0.1) -> dict[str, dict[str, str]]:
    rng = random.Random(seed)
    students = {}
    for s in range(n):
        picked = {gid: rng.choice(texts) for gid, texts in choices.items()}
        if rng.random() >= copied:
            picked = {gid: own_hand(text, rng, s) for gid, text in picked.items()}
        students[f"s{s:04d}"] = picked
    return students


def measure(sizes=(40, 120, 240), repeats: int = 1, assignment: str = ASSIGNMENT) -> dict:
    release = nbformat.read(REPO / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    bp = S.boilerplate(REPO, assignment)
    model = S.answer_cells(nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", as_version=4))
    exercises = [gid for gid in S.answer_cells(release) if S.fingerprint(model[gid], bp).token_coverage >= S.MIN_TOKENS]
    choices = variants(assignment)
    rows = []
    for n in sizes:
        compare, page, listed = [], [], 0
        for r in range(repeats):
            answers = make_class(n, choices, seed=1000 * n + r)
            start = time.perf_counter()
            pairs = S.alike_pairs(answers, exercises, bp)
            compare.append(time.perf_counter() - start)
            findings = S.Findings(assignment, sorted(answers), exercises, {}, pairs)
            start = time.perf_counter()
            S.page(findings)
            page.append(time.perf_counter() - start)
            listed = len(pairs)
        rows.append(
            {
                "students": n,
                "pairs": n * (n - 1) // 2,
                "levels": len(exercises) + 1,
                "compare_seconds": round(statistics.median(compare), 2),
                "page_seconds": round(statistics.median(page), 2),
                "listed": listed,
                "ms_per_pair_and_level": round(
                    1000 * statistics.median(compare) / max(1, n * (n - 1) // 2 * (len(exercises) + 1)), 3
                ),
            }
        )
    return {
        "assignment": assignment,
        "exercises": exercises,
        "variants": {g: len(v) for g, v in choices.items()},
        "sizes": rows,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(measure(sizes=(20, 40)), indent=1))
