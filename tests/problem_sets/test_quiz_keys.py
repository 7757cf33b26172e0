"""Answer keys that give nothing away, and quiz points only for right answers (issue 28,
findings 17 and 23; issue 54, findings 8 and 9).

When keys lean on one letter, "when unsure, pick (a)" pays: before issue 28, answering "a" to
every graded question scored 53% of the graded quiz points, and a check that only asked for valid
letters gave one point per problem set to any answer. The cure then, no letter twice in a set,
made keys that could be worked out from their structure instead (issue 54): every four-question
set was a permutation of abcd, so three known answers gave the fourth, no set repeated a letter,
and every first question was keyed a or b. Every quiz of the course is read: the lectures'
(`rnnlab/data/quiz_NN.json`) and the problem sets' graded ones (questions in the `quiz_questions`
cell, keys in the hidden tests of `source/`). The rules:

- over the course, each letter is the key of 20% to 30% of the questions, counted apart for the
  lecture quizzes and for the graded ones, and every letter offered is the key of some question;
- in a lecture quiz (8 to 10 questions) no letter is the key of more than 40% of them;
- the graded keys carry no pattern: at most half of the four-question sets are permutations of
  abcd, the first questions' keys take at least 3 letters and none of them in more than 40% of
  the sets, no two sets share a whole key, and no set is keyed along the alphabet (abc, bcd,
  abcd, or backwards);
- a graded quiz's points are earned by right answers only: its cells, hidden tests included,
  are run on constant answers ("a" everywhere, ...), which may score at most 30% of all graded
  quiz points over the course and at most 2/3 of any one set's (no set is keyed one letter
  throughout), and on answers that are valid letters but all wrong, which must score nothing;
- the key is not told by its length (issue 54): a reader who found the right choice was often the
  longest, most qualified one measured it in 13 of 34 graded questions and 43 of 90 lecture ones,
  so "pick the longest" scored 48% on the lecture quizzes against 25% by chance. Over the course,
  counted apart for lecture and graded quizzes, the key is the strictly longest choice in at most
  30% of the questions, and the strictly shortest in at most 30% too (trimming every key would
  only turn the cue round).
- in the lecture quizzes, where a student answers with the lecture open and no points at stake,
  the key is not conspicuously longer either (issue 78, Q1: in 12 questions it was 1.3 to 4.2
  times every other choice, qualified where the distractors were bare). No key is more than
  MAX_KEY_RATIO times its longest distractor: a quarter longer is what the course's own wrong
  choices do (in 7 of the 70 lecture questions whose longest choice is wrong, on 2026-11-29, it
  is more than 1.25 times the next longest), so a key within it stands out no more than they do.
  And the key is the strictly longest choice about as often as chance makes it (1 in 4 with four
  choices): at most MAX_LENGTH_CUE, as above, and at least two binomial standard deviations below
  chance over the questions counted (16% of 100). Fewer would pay "never pick the longest", the
  cue the graded quizzes were left with (2 of 37).
- the graded quizzes hold the same two bounds (issue 78, Q2): trimming their keys after issue 54
  left the key the longest choice in 2 of 37 questions, so "never pick the longest" struck a
  distractor 35 times in 37. Over their 37 questions two deviations below chance leave 11%; with
  five distractors said more briefly and two keys more fully, the key is the longest in 9 of 37.
  No graded key is more than MAX_KEY_RATIO times its longest distractor either (before issue 54's
  trimming, 7 graded keys were 1.27 to 3.33 times theirs). Nor is a wrong choice: once keys were
  never much longer, "strike the choice much longer than the rest" struck a wrong one in 4 of 37
  (ps01 q3, ps05 q3, ps07 q1, ps10 q1; said more briefly since). The lecture quizzes held 7 such
  (issue 78); the last two, quiz_01 q6 (c) and quiz_07 q4 (c), are said as briefly as the others.
- a key does not lean on the one before it: in 6 of the 11 sets q2's key was q1's (issue 78, Q2;
  those six q2 keys were drawn again, uniformly with random.Random(7802) until every rule here
  passed, which left 2 repeats).
  A drawn key repeats the previous question's with chance 1 in 4 (four choices), so for each pair
  of places (q1 and q2, q2 and q3, ...) the number of sets whose two keys are one letter is a
  binomial count; a count at least as large as chance makes less than MAX_REPEAT_TAIL of the time
  fails (for 11 sets: 6 or more repeats, 3.4%; 5 has 11%). Over all pairs of the course the repeats
  may not be that rare either (issue 54's keys never repeated a letter within a set): for 26 pairs,
  2 or fewer (2.6%).

A problem set without a graded quiz (docs/authoring.md's toy) has no keys to judge here; that it
lacks one is tests/problem_sets/test_assignments.py's to say.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import math
import re
from collections import Counter

import pytest

from autograder.course.folder import assignments
from quiz_cells import CHOICE, KEY_CALL, QUESTION, graded_quiz, is_test, source_nb
from rnnlab.quiz import available_chapters, load_quiz

source = functools.lru_cache(maxsize=None)(source_nb)  # read once; never modified here

MAX_SHARE = 0.4  # of a lecture quiz's keys, for quizzes of at least MIN_SET questions
MIN_SET = 4
LETTER_SHARE = (0.2, 0.3)  # of all keys of a kind (lecture or graded), for each letter offered
MAX_CONSTANT = 0.3  # of all graded quiz points, for one letter answered everywhere
MAX_CONSTANT_SET = 2 / 3  # of one graded quiz's points, for one letter answered everywhere
MAX_PERMUTATIONS = 0.5  # of the four-question graded sets, keyed with each of abcd once
MIN_FIRST_LETTERS = 3  # different keys among the graded sets' first questions
MAX_FIRST_SHARE = 0.4  # of the graded sets, whose first question has one same key
MAX_LENGTH_CUE = 0.3  # of all questions of a kind, whose key is the strictly longest (or shortest) choice
MAX_KEY_RATIO = 1.25  # a key's length, over its longest distractor's
MIN_CUE_CHARS = 10  # a choice this few characters longer than every other does not stand out
MAX_REPEAT_TAIL = 0.05  # chance of as many (or as few) repeated keys as found, below which they are a pattern


def lecture_sets() -> dict[str, dict[str, tuple[str, str]]]:
    """{"quiz_NN": {question id: (letters offered, key)}} of the lecture quizzes."""
    return {
        f"quiz_{ch}": {q.id: ("".join(sorted(q.choices)), q.answer) for q in load_quiz(ch).questions}
        for ch in available_chapters()
    }


def quiz_test_cells(nb) -> list:
    """The graded cells of a problem set's quiz (their grade ids start with "quiz")."""
    return [c for c in nb.cells if is_test(c) and c.metadata.nbgrader["grade_id"].startswith("quiz")]


def graded_keys(nb) -> dict[str, str]:
    """{question id: key} from the `check_choice(quiz_answers, "q1", "b")` calls of the quiz's cells."""
    return dict(call for c in quiz_test_cells(nb) for call in KEY_CALL.findall(c.source))


def quizzed() -> list[str]:
    """The problem sets that have a graded quiz."""
    return [a for a in assignments() if graded_quiz(source(a))]


def graded_sets() -> dict[str, dict[str, tuple[str, str | None]]]:
    """{"psNN_topic": {question id: (letters offered, key)}} of the problem sets' graded quizzes,
    in the order the questions are asked."""
    out = {}
    for a in quizzed():
        nb = source(a)
        keys = graded_keys(nb)
        out[a] = {qid: (letters, keys.get(qid)) for qid, (_, letters) in graded_quiz(nb).items()}
    return out


def graded_choices(nb) -> dict[str, dict[str, str]]:
    """{question id: {letter: text of the choice}} from the `quiz_questions` cell."""
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "quiz_questions")
    found: dict[str, dict[str, str]] = {}
    qid = None
    for line in cell.source.splitlines():
        if m := QUESTION.match(line):
            qid = m.group(1)
            found[qid] = {}
        elif qid and (m := CHOICE.match(line)):
            found[qid][m.group(1)] = line.split(")", 1)[1].strip()
    return found


def lecture_choices() -> dict[str, dict[str, tuple[dict[str, str], str]]]:
    """{"quiz_NN": {question id: ({letter: choice}, key)}} of the lecture quizzes."""
    return {
        f"quiz_{ch}": {q.id: (dict(q.choices), q.answer) for q in load_quiz(ch).questions}
        for ch in available_chapters()
    }


def graded_choice_sets() -> dict[str, dict[str, tuple[dict[str, str], str | None]]]:
    """{"psNN_topic": {question id: ({letter: choice}, key)}} of the graded quizzes."""
    out = {}
    for a in quizzed():
        nb = source(a)
        keys = graded_keys(nb)
        out[a] = {qid: (choices, keys.get(qid)) for qid, choices in graded_choices(nb).items()}
    return out


def length_cue_problems(sets) -> list[str]:
    """`sets`: {name: {question id: ({letter: choice}, key)}}. The key may be the strictly longest
    choice of at most MAX_LENGTH_CUE of the questions, and the strictly shortest of as many."""
    longest, shortest, total = [], [], 0
    for name, questions in sets.items():
        for qid, (choices, key) in questions.items():
            total += 1
            others = [len(text) for letter, text in choices.items() if letter != key]
            if key not in choices or not others:
                continue
            if len(choices[key]) > max(others):
                longest.append(f"{name}:{qid}")
            elif len(choices[key]) < min(others):
                shortest.append(f"{name}:{qid}")
    return [
        f"the key is the strictly {word} choice in {len(found)} of {total} questions "
        f"({len(found) / total:.0%}; at most {MAX_LENGTH_CUE:.0%} wanted): {', '.join(found)}"
        for word, found in (("longest", longest), ("shortest", shortest))
        if total and len(found) > MAX_LENGTH_CUE * total
    ]


def long_key_problems(sets) -> list[str]:
    """`sets`: {name: {question id: ({letter: choice}, key)}}. Questions whose key is more than
    MAX_KEY_RATIO times as long as the longest other choice."""
    problems = []
    for name, questions in sets.items():
        for qid, (choices, key) in questions.items():
            longest_other = max((len(text) for letter, text in choices.items() if letter != key), default=0)
            if key in choices and len(choices[key]) > MAX_KEY_RATIO * longest_other:
                problems.append(
                    f"{name}:{qid}: the key is {len(choices[key]) / longest_other:.2f} times the longest other "
                    f"choice ({len(choices[key])} against {longest_other} characters; at most {MAX_KEY_RATIO} wanted)"
                )
    return problems


def long_choice_problems(sets) -> list[str]:
    """Questions of `sets` where any choice, key or not, is more than MAX_KEY_RATIO times as long as
    every other and longer by more than MIN_CUE_CHARS: if only wrong choices stand out so, "strike the
    choice much longer than the rest" pays. Short numbers and code ("0.67" beside "2.8") differ by
    ratios that tell nothing, hence the floor in characters."""
    problems = []
    for name, questions in sets.items():
        for qid, (choices, _) in questions.items():
            for letter, text in choices.items():
                longest_other = max((len(t) for other, t in choices.items() if other != letter), default=0)
                if len(text) > MAX_KEY_RATIO * longest_other and len(text) - longest_other > MIN_CUE_CHARS:
                    problems.append(
                        f"{name}:{qid}: ({letter}) is {len(text) / longest_other:.2f} times the longest other choice"
                    )
    return problems


def longest_key_band(sets) -> tuple[float, float]:
    """(least, most) share of the questions whose key may be the strictly longest choice: chance (one
    over the number of choices, averaged) less two binomial standard deviations, and MAX_LENGTH_CUE."""
    chances = [1 / len(choices) for questions in sets.values() for choices, _ in questions.values()]
    p, n = sum(chances) / len(chances), len(chances)
    return p - 2 * math.sqrt(p * (1 - p) / n), MAX_LENGTH_CUE


def rarely_longest_problems(sets) -> list[str]:
    """The key may not be the strictly longest choice much less often than chance makes it."""
    counted = [
        len(choices[key]) > max(len(text) for letter, text in choices.items() if letter != key)
        for questions in sets.values()
        for choices, key in questions.values()
    ]
    low, _ = longest_key_band(sets)
    share = sum(counted) / len(counted)
    if share < low:
        return [
            f"the key is the strictly longest choice in only {sum(counted)} of {len(counted)} questions "
            f"({share:.0%}; at least {low:.0%} wanted): never picking the longest choice would pay"
        ]
    return []


def key_of(questions) -> str:
    return "".join(key or "?" for _, key in questions.values())


def biased_sets(sets) -> list[str]:
    problems = []
    for name, questions in sets.items():
        counts = Counter(key for _, key in questions.values())
        letter, n = counts.most_common(1)[0]
        if len(questions) >= MIN_SET and n > MAX_SHARE * len(questions):
            problems.append(
                f"{name}: {letter!r} is the key of {n} of {len(questions)} questions (keys {key_of(questions)})"
            )
    return problems


def letters_never_keyed(sets) -> list[str]:
    keyed = {key for questions in sets.values() for _, key in questions.values()}
    offered = {letter for questions in sets.values() for letters, _ in questions.values() for letter in letters}
    return [f"{letter!r} is offered but never the key" for letter in sorted(offered - keyed)]


def unbalanced_letters(sets) -> list[str]:
    """Letters that are the key of less than a fifth or more than three tenths of all questions."""
    keys = Counter(key for questions in sets.values() for _, key in questions.values())
    offered = sorted({letter for questions in sets.values() for letters, _ in questions.values() for letter in letters})
    total = sum(keys.values())
    low, high = LETTER_SHARE
    return [
        f"{letter!r} is the key of {keys[letter]} of {total} questions ({keys[letter] / total:.0%}; "
        f"between {low:.0%} and {high:.0%} wanted)"
        for letter in offered
        if not low * total <= keys[letter] <= high * total
    ]


def permutation_problems(sets) -> list[str]:
    """Four-question sets keyed with each letter once: then any three answers give the fourth."""
    fours = {name: key_of(qs) for name, qs in sets.items() if len(qs) == 4}
    permutations = sorted(name for name, key in fours.items() if sorted(key) == list("abcd"))
    if len(permutations) > MAX_PERMUTATIONS * len(fours):
        return [
            f"{len(permutations)} of the {len(fours)} four-question sets are permutations of abcd "
            f"({', '.join(f'{n} {fours[n]}' for n in permutations)}): three known answers give the fourth"
        ]
    return []


def first_question_problems(sets) -> list[str]:
    firsts = {name: next(iter(qs.values()))[1] for name, qs in sets.items() if qs}
    counts = Counter(firsts.values())
    problems = []
    if len(counts) < MIN_FIRST_LETTERS:
        problems.append(
            f"the first questions are keyed with {len(counts)} letters only "
            f"({''.join(sorted(k or '?' for k in counts))}); at least {MIN_FIRST_LETTERS} wanted"
        )
    letter, n = counts.most_common(1)[0] if counts else (None, 0)
    if n > MAX_FIRST_SHARE * len(firsts):
        problems.append(f"the first question of {n} of {len(firsts)} sets is keyed {letter!r}")
    return problems


def shared_keys(sets) -> list[str]:
    by_key: dict[str, list[str]] = {}
    for name, questions in sets.items():
        by_key.setdefault(key_of(questions), []).append(name)
    return [f"{' and '.join(names)} share the key {key}" for key, names in by_key.items() if len(names) > 1]


def alphabetical_keys(sets) -> list[str]:
    """Sets keyed along the alphabet, up or down (abc, bcd, abcd, cba, ...)."""
    problems = []
    for name, questions in sets.items():
        steps = {ord(b) - ord(a) for a, b in zip(key_of(questions), key_of(questions)[1:])}
        if len(questions) >= 3 and steps in ({1}, {-1}):
            problems.append(f"{name} is keyed along the alphabet: {key_of(questions)}")
    return problems


def binomial_tail(n: int, p: float, k: int, upper: bool = True) -> float:
    """P(X >= k) for X ~ Binomial(n, p), or P(X <= k) with upper=False."""
    ks = range(k, n + 1) if upper else range(0, k + 1)
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in ks)


def repeated_key_problems(sets) -> list[str]:
    """Keys that repeat the previous question's in more sets than chance makes likely, place by
    place (q1 and q2 over all sets that ask both, then q2 and q3, ...), or in fewer over the course."""
    by_place: dict[int, list[tuple[str, bool, float]]] = {}
    for name, questions in sets.items():
        items = list(questions.values())
        for i, ((_, prev), (letters, key)) in enumerate(zip(items, items[1:]), 2):
            by_place.setdefault(i, []).append((name, key == prev, 1 / len(letters)))
    problems = []
    for i, pairs in sorted(by_place.items()):
        repeats = [name for name, same, _ in pairs if same]
        p = sum(chance for *_, chance in pairs) / len(pairs)
        tail = binomial_tail(len(pairs), p, len(repeats))
        if repeats and tail < MAX_REPEAT_TAIL:
            problems.append(
                f"q{i}'s key is q{i - 1}'s in {len(repeats)} of {len(pairs)} sets ({', '.join(repeats)}); "
                f"chance gives as many {tail:.1%} of the time"
            )
    pairs = [pair for place in by_place.values() for pair in place]
    if pairs:
        repeats = sum(same for _, same, _ in pairs)
        p = sum(chance for *_, chance in pairs) / len(pairs)
        tail = binomial_tail(len(pairs), p, repeats, upper=False)
        if tail < MAX_REPEAT_TAIL:
            problems.append(
                f"a key repeats the previous question's in only {repeats} of {len(pairs)} places; "
                f"chance gives as few {tail:.1%} of the time"
            )
    return problems


def pattern_problems(sets) -> list[str]:
    return (
        permutation_problems(sets)
        + first_question_problems(sets)
        + shared_keys(sets)
        + alphabetical_keys(sets)
        + repeated_key_problems(sets)
    )


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


def constant_scores(nb) -> dict[str, tuple[float, float]]:
    """{letter: (points, out of)} that answering that letter to every question earns."""
    questions = graded_quiz(nb)
    letters = sorted({letter for _, offered in questions.values() for letter in offered})
    return {letter: points_earned(nb, {qid: letter for qid in questions}) for letter in letters}


def constant_answer_problems(scores: dict[str, dict[str, tuple[float, float]]]) -> list[str]:
    """`scores`: {set: constant_scores(its notebook)}. A letter answered everywhere may score at
    most MAX_CONSTANT of all the sets' points, and at most MAX_CONSTANT_SET of any one set's."""
    problems = []
    for name, by_letter in scores.items():
        for letter, (earned, total) in by_letter.items():
            if earned > MAX_CONSTANT_SET * total + 1e-9:
                problems.append(f"{name}: answering {letter!r} everywhere scores {earned:g} of {total:g} quiz points")
    letters = sorted({letter for by_letter in scores.values() for letter in by_letter})
    for letter in letters:
        earned = sum(by_letter.get(letter, (0.0, 0.0))[0] for by_letter in scores.values())
        total = sum(next(iter(by_letter.values()))[1] for by_letter in scores.values() if by_letter)
        if earned > MAX_CONSTANT * total:
            problems.append(
                f"answering {letter!r} everywhere scores {earned:g} of the course's {total:g} "
                f"graded quiz points ({earned / total:.0%})"
            )
    return problems


def wrong_answer_problems(nb, name: str) -> list[str]:
    """Valid letters that are all wrong must score nothing."""
    questions = graded_quiz(nb)
    keys = graded_keys(nb)
    wrong = {qid: next(l for l in offered if l != keys.get(qid)) for qid, (_, offered) in questions.items()}
    earned, total = points_earned(nb, wrong)
    if earned:
        return [
            f"{name}: valid letters that are all wrong ({''.join(wrong.values())}) score "
            f"{earned:g} of {total:g} quiz points"
        ]
    return []


def test_no_letter_is_the_key_of_more_than_two_fifths_of_a_lecture_quiz():
    problems = biased_sets(lecture_sets())
    assert not problems, "\n".join(problems)


def test_each_letter_is_the_key_of_a_fifth_to_three_tenths_of_the_questions():
    problems = [
        f"{kind}: {p}"
        for kind, sets in (("lecture quizzes", lecture_sets()), ("graded quizzes", graded_sets()))
        for p in unbalanced_letters(sets)
    ]
    assert not problems, "\n".join(problems)


def test_every_letter_offered_is_a_key_somewhere_in_the_course():
    problems = [
        f"{kind}: {p}"
        for kind, sets in (("lecture quizzes", lecture_sets()), ("graded quizzes", graded_sets()))
        for p in letters_never_keyed(sets)
    ]
    assert not problems, "\n".join(problems)


def test_graded_keys_carry_no_pattern():
    problems = pattern_problems(graded_sets())
    assert not problems, "\n".join(problems)


def test_graded_quiz_points_come_from_right_answers_only():
    problems = constant_answer_problems({a: constant_scores(source(a)) for a in quizzed()})
    problems += [p for a in quizzed() for p in wrong_answer_problems(source(a), a)]
    assert not problems, "\n".join(problems)


def test_the_key_is_not_told_by_its_length():
    problems = [
        f"{kind}: {p}"
        for kind, sets in (("lecture quizzes", lecture_choices()), ("graded quizzes", graded_choice_sets()))
        for p in length_cue_problems(sets)
    ]
    assert not problems, "\n".join(problems)


def test_a_key_is_not_much_longer_than_every_other_choice():
    problems = [
        f"{kind}: {p}"
        for kind, sets in (("lecture quizzes", lecture_choices()), ("graded quizzes", graded_choice_sets()))
        for p in long_key_problems(sets)
    ]
    assert not problems, "\n".join(problems)


def test_no_choice_is_much_longer_than_every_other():
    problems = [
        f"{kind}: {p}"
        for kind, sets in (("lecture quizzes", lecture_choices()), ("graded quizzes", graded_choice_sets()))
        for p in long_choice_problems(sets)
    ]
    assert not problems, "\n".join(problems)


def test_a_key_is_the_longest_choice_about_as_often_as_chance():
    problems = []
    for kind, sets in (("lecture quizzes", lecture_choices()), ("graded quizzes", graded_choice_sets())):
        problems += [f"{kind}: {p}" for p in rarely_longest_problems(sets)]
        problems += [f"{kind}: {p}" for p in length_cue_problems(sets) if "longest" in p]  # the band's top
    assert not problems, "\n".join(problems)


def _made_up(*keys: str) -> dict[str, dict[str, tuple[str, str]]]:
    """Sets of questions offering abcd, one per key string given: {"s1": {"q1": ("abcd", "b"), ...}}."""
    return {f"s{i}": {f"q{j}": ("abcd", k) for j, k in enumerate(key, 1)} for i, key in enumerate(keys, 1)}


def test_the_checks_can_fail():
    # lecture quizzes: a favourite letter in one quiz, a letter offered and never keyed
    sets = {
        "x": {"q1": ("abcd", "a"), "q2": ("abcd", "a"), "q3": ("abcd", "b"), "q4": ("abcd", "c")},
        "y": {"q1": ("abc", "a"), "q2": ("abc", "a"), "q3": ("abc", "a")},
    }
    assert biased_sets(sets) == ["x: 'a' is the key of 2 of 4 questions (keys aabc)"]  # y has 3: exempt
    assert letters_never_keyed(sets) == ["'d' is offered but never the key"]
    # letters over the course: "b" in 4 of 10 keys, "d" in 1
    assert unbalanced_letters(_made_up("bab", "cbd", "abca")) == [
        "'b' is the key of 4 of 10 questions (40%; between 20% and 30% wanted)",
        "'d' is the key of 1 of 10 questions (10%; between 20% and 30% wanted)",
    ]
    assert unbalanced_letters(_made_up("bac", "dcb", "adbc")) == []  # 2, 3, 3 and 2 of 10
    # three of four four-question sets are permutations
    assert permutation_problems(_made_up("badc", "cadb", "dbca", "abba")) == [
        "3 of the 4 four-question sets are permutations of abcd (s1 badc, s2 cadb, s3 dbca): "
        "three known answers give the fourth"
    ]
    assert permutation_problems(_made_up("badc", "cadb", "dbda", "abba")) == []
    # first questions: two letters only, and one of them in 3 of 5 sets
    assert first_question_problems(_made_up("ab", "bc", "ad", "ac", "bd")) == [
        "the first questions are keyed with 2 letters only (ab); at least 3 wanted",
        "the first question of 3 of 5 sets is keyed 'a'",
    ]
    assert first_question_problems(_made_up("ab", "bc", "cd", "ac", "dd")) == []
    # two sets with one key, a set keyed along the alphabet (either way)
    assert shared_keys(_made_up("bda", "cab", "bda")) == ["s1 and s3 share the key bda"]
    assert alphabetical_keys(_made_up("abc", "bcd", "dcba", "abd", "ab")) == [
        "s1 is keyed along the alphabet: abc",
        "s2 is keyed along the alphabet: bcd",
        "s3 is keyed along the alphabet: dcba",
    ]
    # repeated keys: q2 repeats q1 in 4 of 4 sets (chance 0.4%); in 3 of 4 (5.1%) passes; and
    # keys that never repeat over 12 pairs (3.2%); with 2 repeats (39%) they pass
    assert repeated_key_problems(_made_up("aab", "ccd", "bbd", "ddc")) == [
        "q2's key is q1's in 4 of 4 sets (s1, s2, s3, s4); chance gives as many 0.4% of the time"
    ]
    assert repeated_key_problems(_made_up("aab", "ccd", "bbd", "dac")) == []
    assert repeated_key_problems(_made_up("abcd", "badc", "cadb", "dbca")) == [
        "a key repeats the previous question's in only 0 of 12 places; chance gives as few 3.2% of the time"
    ]
    assert repeated_key_problems(_made_up("abbd", "badc", "cadb", "dbcc")) == []
    # constant answers: one set that "b" wins whole, and "c" over the course
    assert constant_answer_problems(
        {
            "s1": {"b": (3.0, 3.0), "c": (0.0, 3.0)},
            "s2": {"b": (0.0, 4.0), "c": (2.0, 4.0)},
            "s3": {"b": (1.0, 3.0), "c": (1.0, 3.0)},
        }
    ) == [
        "s1: answering 'b' everywhere scores 3 of 3 quiz points",
        "answering 'b' everywhere scores 4 of the course's 10 graded quiz points (40%)",
    ]

    # lengths: the key longest in 2 of 4 questions, then shortest in 2 of 4; one of each passes
    def lengths(*questions):
        return {"s1": {f"q{i}": (dict(zip("abc", choices)), "a") for i, choices in enumerate(questions, 1)}}

    assert length_cue_problems(
        lengths(
            ("the longest", "short", "wrong"),
            ("the longest", "a tie", "a tie"),
            ("one", "two", "six"),
            ("same", "size", "here"),
        )
    ) == ["the key is the strictly longest choice in 2 of 4 questions (50%; at most 30% wanted): s1:q1, s1:q2"]
    assert length_cue_problems(
        lengths(("ab", "short", "wrong"), ("one", "two", "six"), ("tie", "size", "here"), ("same", "size", "here"))
    ) == ["the key is the strictly shortest choice in 2 of 4 questions (50%; at most 30% wanted): s1:q1, s1:q3"]
    assert (
        length_cue_problems(
            lengths(
                ("the longest", "short", "wrong"),
                ("ab", "short", "wrong"),
                ("one", "two", "six"),
                ("same", "size", "here"),
            )
        )
        == []
    )
    # a wrong choice a third longer than every other is a cue too
    assert long_choice_problems(
        lengths(("x" * 25, "y" * 20, "z" * 10), ("x" * 30, "y" * 42, "z"), ("x", "yy", "z"))
    ) == ["s1:q2: (b) is 1.40 times the longest other choice"]
    # a key a quarter longer than every other choice passes, one a third longer does not
    assert long_key_problems(lengths(("x" * 25, "y" * 20, "z" * 10), ("x" * 4, "y" * 3, "z"))) == [
        "s1:q2: the key is 1.33 times the longest other choice (4 against 3 characters; at most 1.25 wanted)"
    ]
    # chance is 1 in 3 here, two deviations over 30 questions leave 16%: 4 longest keys of 30 are too few
    few = lengths(*[("long key", "short", "wrong")] * 4 + [("ab", "short", "wrong")] * 26)
    assert longest_key_band(few)[0] == pytest.approx(1 / 3 - 2 * math.sqrt(2 / 9 / 30))
    assert rarely_longest_problems(few) == [
        "the key is the strictly longest choice in only 4 of 30 questions (13%; at least 16% wanted): "
        "never picking the longest choice would pay"
    ]
    assert (
        rarely_longest_problems(lengths(*[("long key", "short", "wrong")] * 5 + [("ab", "short", "wrong")] * 25)) == []
    )
    # the graded cells themselves: the keys score everything; keyed "b" throughout, a constant
    # "b" wins all; a check that takes any valid letter gives points to all-wrong answers
    nb = copy.deepcopy(source("ps03_lstm_gates"))
    keys = graded_keys(nb)
    assert points_earned(nb, keys) == (sum(float(c.metadata.nbgrader["points"]) for c in quiz_test_cells(nb)),) * 2
    for cell in quiz_test_cells(nb):
        cell.source = re.sub(r'(check_choice\(quiz_answers, "q\d+", )"[a-z]"', r'\1"b"', cell.source)
    assert constant_scores(nb)["b"] == (3.0, 3.0)
    assert (
        constant_answer_problems({"ps03": constant_scores(nb)})[0]
        == "ps03: answering 'b' everywhere scores 3 of 3 quiz points"
    )
    for cell in quiz_test_cells(nb):
        cell.source = re.sub(
            r'check_choice\(quiz_answers, "(q\d+)", "[a-z]"\)', r'assert quiz_answers["\1"] in "abcd"', cell.source
        )
    assert wrong_answer_problems(nb, "ps03") == [
        "ps03: valid letters that are all wrong (aaa) score 3 of 3 quiz points"
    ]
