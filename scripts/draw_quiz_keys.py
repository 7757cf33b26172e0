"""New answer keys for the graded quizzes, drawn at random, and the key moves that balance the
lecture quizzes (issue 54, findings 8 and 9). Run once, from the repository's root:

    .venv/bin/python scripts/draw_quiz_keys.py            # prints the draw
    .venv/bin/python scripts/draw_quiz_keys.py --apply    # and moves the choices in the sources

Graded quizzes: each question's key is drawn uniformly from its letters, repeats allowed
(random.Random(GRADED_SEED)), and a whole draw is drawn again until it passes the rules of
tests/problem_sets/test_quiz_keys.py (each letter 20% to 30% of the keys, constant answers at most 30% of the
points and 2/3 of a set's, no pattern: permutations, first questions, shared or alphabetical
keys). Rejecting draws that break a rule keeps every allowed draw equally likely.

Lecture quizzes: their keys were chosen by hand and leaned on b and c (a 16, b 29, c 28, d 17 of
90). While a letter is the key of more than a quarter (rounded up) of the questions, a question
keyed with it, picked at random (random.Random(LECTURE_SEED)), moves to a letter picked at
random among those keyed less than a quarter (rounded down), unless that gives its quiz a letter
in more than 40% of its keys. Questions in KEEP never move.

A key moves from letter K to letter J by swapping the texts of choices K and J, so the text that
was right stays right: in a problem set, the lines of the `quiz_questions` markdown, the dict of
the `quiz` solution and the hidden `check_choice(quiz_answers, "qN", "K")` call; in a lecture
quiz, the choices, the answer and the `mistakes` (a wrong text's mistake moves with the text).
What else names the keys (the quiz fixtures of source/*/mutants, the grader attacks, the made-up
class of tests/autograder/gradebook/test_questions.py) is not written here.

--apply writes only when the sources still hold the keys of FROM, so it can run once; it then
checks that every question's keyed text is the one it was, and that the keys are the draw.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from math import ceil, floor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from test_quiz_keys import (  # noqa: E402
    MAX_CONSTANT,
    MAX_CONSTANT_SET,
    MAX_SHARE,
    MIN_SET,  # noqa: E402
    graded_keys,
    graded_sets,
    lecture_sets,
    pattern_problems,
    quiz_test_cells,
    source,
    unbalanced_letters,
)

from autograder.course.folder import assignments  # noqa: E402

GRADED_SEED = 54
LECTURE_SEED = 5409

# the keys the draw started from (issue 54's review)
FROM = {
    "graded": {
        "ps01_sequence_data": "bad",
        "ps02_rnn": "bac",
        "ps03_lstm_gates": "bca",
        "ps04_using_lstm": "bad",
        "ps05_padding_packing": "bdca",
        "ps06_stacked_bidirectional": "adbc",
        "ps07_gradient_flow": "adbc",
        "ps08_evaluating_models": "abcd",
        "ps09_language_models": "bac",
        "ps10_seq2seq_attention": "abd",
    },
    "lecture": {
        "quiz_01": "cbacbdcba",
        "quiz_02": "bcbadccbd",
        "quiz_03": "bbdccbada",
        "quiz_04": "babbcdcdbc",
        "quiz_05": "adcbccbd",
        "quiz_06": "dbacbccad",
        "quiz_07": "cbdbacbcd",
        "quiz_08": "acbdbcdbac",
        "quiz_09": "babccabcd",
        "quiz_10": "badcbcba",
    },
}

# lecture questions whose choices stay where they are
KEEP = {
    ("quiz_03", "q1"): "choice d is exempt from running in tests/rnnlab/test_quiz_choices.py by its letter",
    ("quiz_03", "q2"): "its four choices are exempt from running by their letters",
    ("quiz_05", "q7"): "both, forward, backward, neither: an order (and d is exempt by its letter)",
    ("quiz_08", "q3"): "choice c is exempt from running by its letter",
    ("quiz_07", "q7"): "before, between, after, anywhere: the order of a training step",
    ("quiz_07", "q8"): "0, 0.083, 0.167, 1.17: in increasing order",
    ("quiz_08", "q10"): "both, per step, per step, both: a symmetric order",
}


def key_string(questions) -> str:
    return "".join(key for _, key in questions.values())


# ---------------------------------------------------------------- graded quizzes
def constant_problems(sets, points) -> list[str]:
    """A constant answer's score from the keys (points: {set: {question: points}}), against
    MAX_CONSTANT of the course and MAX_CONSTANT_SET of a set; test_quiz_keys runs the cells."""
    problems = []
    letters = sorted({letter for qs in sets.values() for letters, _ in qs.values() for letter in letters})
    course = sum(p for by_q in points.values() for p in by_q.values())
    for letter in letters:
        earned = {
            name: sum(points[name][q] for q, (_, key) in qs.items() if key == letter) for name, qs in sets.items()
        }
        problems += [
            f"{name}: {letter!r} everywhere scores {e:g}"
            for name, e in earned.items()
            if e > MAX_CONSTANT_SET * sum(points[name].values()) + 1e-9
        ]
        if sum(earned.values()) > MAX_CONSTANT * course:
            problems.append(f"{letter!r} everywhere scores {sum(earned.values()):g} of {course:g}")
    return problems


def draw_graded(sets, points) -> tuple[dict[str, str], int]:
    rng = random.Random(GRADED_SEED)
    for attempt in range(1, 100_000):
        drawn = {
            name: {q: (letters, rng.choice(letters)) for q, (letters, _) in qs.items()} for name, qs in sets.items()
        }
        if not (unbalanced_letters(drawn) or pattern_problems(drawn) or constant_problems(drawn, points)):
            return {name: key_string(qs) for name, qs in drawn.items()}, attempt
    raise RuntimeError("no draw passed the rules")


def swap_markdown_choices(text: str, qid: str, k: str, j: str) -> str:
    """The quiz_questions markdown with the texts of choices k and j of question qid swapped."""
    lines, current, found = text.split("\n"), None, {}
    for i, line in enumerate(lines):
        if m := re.match(r"^\*\*(q\d+)\.\*\*", line):
            current = m.group(1)
        elif current == qid and (m := re.match(r"^(\s*-\s*\()([a-z])(\)\s*)(.*)$", line)):
            found[m.group(2)] = (i, m.group(1), m.group(3), m.group(4))
    (ik, pre_k, post_k, text_k), (ij, pre_j, post_j, text_j) = found[k], found[j]
    lines[ik], lines[ij] = f"{pre_k}{k}{post_k}{text_j}", f"{pre_j}{j}{post_j}{text_k}"
    return "\n".join(lines)


def keyed_texts(nb) -> dict[str, str]:
    """{question: the text of its keyed choice} of a problem set's notebook."""
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "quiz_questions")
    keys, current, out = graded_keys(nb), None, {}
    for line in cell.source.split("\n"):
        if m := re.match(r"^\*\*(q\d+)\.\*\*", line):
            current = m.group(1)
        elif current and (m := re.match(r"^\s*-\s*\(([a-z])\)\s*(.*)$", line)) and m.group(1) == keys[current]:
            out[current] = m.group(2)
    return out


def apply_graded(name: str, new_key: str) -> None:
    path = REPO / "source" / name / f"{name}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in nb["cells"]}
    questions = cells["quiz_questions"]
    text = "".join(questions["source"])
    solution = "".join(cells["quiz"]["source"])
    for n, (old, new) in enumerate(zip(FROM["graded"][name], new_key), 1):
        qid = f"q{n}"
        if old == new:
            continue
        text = swap_markdown_choices(text, qid, old, new)
        head, body = solution.split("### BEGIN SOLUTION")
        assert body.count(f'"{qid}": "{old}"') == 1, (name, qid)
        solution = head + "### BEGIN SOLUTION" + body.replace(f'"{qid}": "{old}"', f'"{qid}": "{new}"')
        test = cells[f"quiz_{qid}"]
        call = "".join(test["source"])
        before = f'check_choice(quiz_answers, "{qid}", "{old}")'
        assert call.count(before) == 1, (name, qid)
        test["source"] = call.replace(before, f'check_choice(quiz_answers, "{qid}", "{new}")').splitlines(keepends=True)
    questions["source"] = text.splitlines(keepends=True)
    cells["quiz"]["source"] = solution.splitlines(keepends=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- lecture quizzes
def plan_lecture(sets) -> list[tuple[str, str, str, str]]:
    """[(quiz, question, old letter, new letter)] that bring every letter to a quarter of the keys."""
    rng = random.Random(LECTURE_SEED)
    keys = {name: dict((q, key) for q, (_, key) in qs.items()) for name, qs in sets.items()}
    counts = Counter(k for by_q in keys.values() for k in by_q.values())
    total, letters = sum(counts.values()), sorted(counts)
    high, low = ceil(total / len(letters)), floor(total / len(letters))
    moves, moved = [], set()
    while any(counts[l] > high for l in letters):
        over = [l for l in letters if counts[l] > high]
        under = [l for l in letters if counts[l] < low]
        movable = sorted(
            (name, q)
            for name, by_q in keys.items()
            for q, k in by_q.items()
            if k in over and (name, q) not in KEEP and (name, q) not in moved
        )
        name, q = rng.choice(movable)
        targets = [
            l
            for l in under
            if len(keys[name]) < MIN_SET or Counter(keys[name].values())[l] + 1 <= MAX_SHARE * len(keys[name])
        ]
        moved.add((name, q))
        if not targets:
            continue
        new = rng.choice(targets)
        old = keys[name][q]
        moves.append((name, q, old, new))
        keys[name][q] = new
        counts[old] -= 1
        counts[new] += 1
    return moves


def _object_span(raw: str, start: int, field: str) -> tuple[int, int]:
    """Where the JSON object of `"field": {...}` after `start` begins and ends in raw."""
    at = raw.index(f'"{field}":', start)
    brace = raw.index("{", at)
    _, end = json.JSONDecoder().raw_decode(raw, brace)
    return brace, end


def _rewrite_entries(raw: str, span: tuple[int, int], old: dict, new: dict) -> str:
    """The object in span, its `"letter": value` entries (in old's order) rewritten in place,
    slot by slot, as new's entries in letter order: the file's layout is kept."""
    begin, end = span
    body, at, slots = raw[begin:end], 0, []
    for letter, value in old.items():
        token = f'"{letter}": {json.dumps(value, ensure_ascii=False)}'
        at = body.index(token, at)
        slots.append((at, at + len(token)))
        at += len(token)
    assert len(slots) == len(new)
    entries = [f'"{letter}": {json.dumps(new[letter], ensure_ascii=False)}' for letter in sorted(new)]
    for (a, b), entry in reversed(list(zip(slots, entries))):
        body = body[:a] + entry + body[b:]
    return raw[:begin] + body + raw[end:]


def apply_lecture(name: str, qid: str, old: str, new: str) -> None:
    path = REPO / "rnnlab" / "data" / f"{name}.json"
    raw = path.read_text(encoding="utf-8")
    question = next(q for q in json.loads(raw)["questions"] if q["id"] == qid)
    assert question["answer"] == old, (name, qid)
    swap = {old: new, new: old}
    start = raw.index(f'"id": "{qid}",')
    choices = question["choices"]
    raw = _rewrite_entries(
        raw, _object_span(raw, start, "choices"), choices, {swap.get(l, l): t for l, t in choices.items()}
    )
    answer = raw.index(f'"answer": "{old}"', start)
    raw = raw[:answer] + f'"answer": "{new}"' + raw[answer + len(f'"answer": "{old}"') :]
    mistakes = question.get("mistakes", {})
    if mistakes:
        raw = _rewrite_entries(
            raw, _object_span(raw, start, "mistakes"), mistakes, {swap.get(l, l): t for l, t in mistakes.items()}
        )
    path.write_text(raw, encoding="utf-8")


def main(apply: bool) -> None:
    graded = graded_sets()
    lecture = lecture_sets()
    points = {
        a: {
            c.metadata.nbgrader["grade_id"][len("quiz_") :]: float(c.metadata.nbgrader["points"])
            for c in quiz_test_cells(source(a))
            if re.fullmatch(r"quiz_q\d+", c.metadata.nbgrader["grade_id"])
        }
        for a in assignments()
    }
    now = {
        "graded": {n: key_string(qs) for n, qs in graded.items()},
        "lecture": {n: key_string(qs) for n, qs in lecture.items()},
    }
    start = {
        kind: {
            n: {q: (letters, old) for (q, (letters, _)), old in zip(qs.items(), FROM[kind][n])}
            for n, qs in sets.items()
        }
        for kind, sets in (("graded", graded), ("lecture", lecture))
    }
    keys, attempts = draw_graded(start["graded"], points)
    moves = plan_lecture(start["lecture"])
    print(f"graded keys (draw {attempts} of seed {GRADED_SEED}):")
    for name, key in keys.items():
        print(f"  {name:28} {FROM['graded'][name]:>5} -> {key}")
    print(f"lecture moves (seed {LECTURE_SEED}):")
    for move in moves:
        print("  {} {}: {} -> {}".format(*move))
    if not apply:
        return
    if now != FROM:
        sys.exit("the sources no longer hold the keys the draw started from: applied already?")
    before = {a: keyed_texts(source(a)) for a in assignments()}
    lecture_before = {n: {q.id: q.choices[q.answer] for q in _quiz(n).questions} for n in lecture}
    for name, key in keys.items():
        apply_graded(name, key)
    for move in moves:
        apply_lecture(*move)
    source.cache_clear()
    for a in assignments():
        assert keyed_texts(source(a)) == before[a], a
        assert "".join(graded_keys(source(a)).values()) == keys[a], a
    for n in lecture:
        assert {q.id: q.choices[q.answer] for q in _quiz(n).questions} == lecture_before[n], n
    print("applied")


def _quiz(name: str):
    from rnnlab.quiz import load_quiz

    return load_quiz(name[len("quiz_") :])


if __name__ == "__main__":
    main(apply="--apply" in sys.argv[1:])
