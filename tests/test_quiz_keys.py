"""Answer keys without a favourite letter, and quiz points only for right answers (issue 28,
findings 17 and 23).

When keys lean on one letter, "when unsure, pick (a)" pays: before this test, answering "a"
to every graded question scored 53% of the graded quiz points, and a check that only asked for
valid letters gave one point per problem set to any answer. Every quiz of the course is read:
the lectures' (`rnnlab/data/quiz_NN.json`) and the problem sets' graded ones (questions in the
`quiz_questions` cell, keys in the hidden tests of `source/`). The rules:

- in a set of 4 or more questions, no letter is the key of more than 40% of them;
- every letter a set offers is the key of some question in the course, counted apart for the
  lecture quizzes and for the graded ones (no graded question was ever keyed "d");
- a graded quiz's points are earned by right answers only: its cells, hidden tests included,
  are run on constant answers ("a" everywhere, ...), which may score at most 35% of its points,
  and on answers that are valid letters but all wrong, which must score nothing;
"""
from __future__ import annotations

import contextlib
import copy
import functools
import io
import re
from collections import Counter

from instructor.common.course import assignments
from rnnlab.quiz import available_chapters, load_quiz
from test_assignments import KEY_CALL, graded_quiz, is_test, source_nb

source = functools.lru_cache(maxsize=None)(source_nb)       # read once; never modified here

MAX_SHARE = 0.4          # of a set's keys, for sets of at least MIN_SET questions
MIN_SET = 4
MAX_CONSTANT = 0.35      # of a graded quiz's points, for one letter answered everywhere


def lecture_sets() -> dict[str, dict[str, tuple[str, str]]]:
    """{"quiz_NN": {question id: (letters offered, key)}} of the lecture quizzes."""
    return {f"quiz_{ch}": {q.id: ("".join(sorted(q.choices)), q.answer) for q in load_quiz(ch).questions}
            for ch in available_chapters()}


def quiz_test_cells(nb) -> list:
    """The graded cells of a problem set's quiz (their grade ids start with "quiz")."""
    return [c for c in nb.cells if is_test(c) and c.metadata.nbgrader["grade_id"].startswith("quiz")]


def graded_keys(nb) -> dict[str, str]:
    """{question id: key} from the `check_choice(quiz_answers, "q1", "b")` calls of the quiz's cells."""
    return dict(call for c in quiz_test_cells(nb) for call in KEY_CALL.findall(c.source))


def graded_sets() -> dict[str, dict[str, tuple[str, str | None]]]:
    """{"psNN_topic": {question id: (letters offered, key)}} of the problem sets' graded quizzes."""
    out = {}
    for a in assignments():
        nb = source(a)
        keys = graded_keys(nb)
        out[a] = {qid: (letters, keys.get(qid)) for qid, (_, letters) in graded_quiz(nb).items()}
    return out


def biased_sets(sets) -> list[str]:
    problems = []
    for name, questions in sets.items():
        counts = Counter(key for _, key in questions.values())
        letter, n = counts.most_common(1)[0]
        if len(questions) >= MIN_SET and n > MAX_SHARE * len(questions):
            problems.append(f"{name}: {letter!r} is the key of {n} of {len(questions)} questions "
                            f"(keys {''.join(key or '?' for _, key in questions.values())})")
    return problems


def letters_never_keyed(sets) -> list[str]:
    keyed = {key for questions in sets.values() for _, key in questions.values()}
    offered = {letter for questions in sets.values() for letters, _ in questions.values() for letter in letters}
    return [f"{letter!r} is offered but never the key" for letter in sorted(offered - keyed)]


def points_earned(nb, answers: dict[str, str]) -> tuple[float, float]:
    """(points, out of) that the quiz's graded cells give `answers`: each cell is run, hidden
    tests included, as the grader would, and earns its points when it raises nothing."""
    import rnnlab.checks

    earned = total = 0.0
    for cell in quiz_test_cells(nb):
        points = float(cell.metadata.nbgrader["points"])
        total += points
        namespace = {name: getattr(rnnlab.checks, name) for name in dir(rnnlab.checks) if name.startswith("check_")}
        namespace["quiz_answers"] = dict(answers)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(cell.source, namespace)
        except AssertionError:
            continue
        earned += points
    return earned, total


def constant_answer_problems(nb, name: str) -> list[str]:
    questions = graded_quiz(nb)
    letters = sorted({letter for _, offered in questions.values() for letter in offered})
    problems = []
    for letter in letters:
        earned, total = points_earned(nb, {qid: letter for qid in questions})
        if earned > MAX_CONSTANT * total:
            problems.append(f"{name}: answering {letter!r} everywhere scores {earned:g} of {total:g} quiz points")
    keys = graded_keys(nb)
    wrong = {qid: next(l for l in offered if l != keys.get(qid)) for qid, (_, offered) in questions.items()}
    earned, total = points_earned(nb, wrong)
    if earned:
        problems.append(f"{name}: valid letters that are all wrong ({''.join(wrong.values())}) score "
                        f"{earned:g} of {total:g} quiz points")
    return problems


def test_no_letter_is_the_key_of_more_than_two_fifths_of_a_set():
    problems = biased_sets({**lecture_sets(), **graded_sets()})
    assert not problems, "\n".join(problems)


def test_every_letter_offered_is_a_key_somewhere_in_the_course():
    problems = [f"{kind}: {p}" for kind, sets in (("lecture quizzes", lecture_sets()), ("graded quizzes", graded_sets()))
                for p in letters_never_keyed(sets)]
    assert not problems, "\n".join(problems)


def test_graded_quiz_points_come_from_right_answers_only():
    problems = [p for a in assignments() for p in constant_answer_problems(source(a), a)]
    assert not problems, "\n".join(problems)


def test_the_checks_can_fail():
    sets = {"x": {"q1": ("abcd", "a"), "q2": ("abcd", "a"), "q3": ("abcd", "b"), "q4": ("abcd", "c")},
            "y": {"q1": ("abc", "a"), "q2": ("abc", "a"), "q3": ("abc", "a")}}
    assert biased_sets(sets) == ["x: 'a' is the key of 2 of 4 questions (keys aabc)"]   # y has 3: exempt
    assert letters_never_keyed(sets) == ["'d' is offered but never the key"]
    nb = copy.deepcopy(source("ps03_lstm_gates"))
    keys = graded_keys(nb)
    assert points_earned(nb, keys) == (sum(float(c.metadata.nbgrader["points"]) for c in quiz_test_cells(nb)),) * 2
    for cell in quiz_test_cells(nb):                 # every question keyed "b": a constant "b" wins all
        cell.source = re.sub(r'(check_choice\(quiz_answers, "q\d+", )"[a-z]"', r'\1"b"', cell.source)
    assert any("answering 'b' everywhere" in p for p in constant_answer_problems(nb, "ps03"))
