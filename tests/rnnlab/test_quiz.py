"""Quiz data files: every chapter's file loads and is well formed."""

import pytest

from rnnlab import quiz as quizmod
from rnnlab.quiz import available_chapters, load_quiz

CHAPTERS = available_chapters()


def test_there_is_a_quiz():
    assert "03" in CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_quiz_file_is_valid(chapter):
    q = load_quiz(chapter)
    assert 5 <= len(q.questions) <= 10
    assert {x.difficulty for x in q.questions} <= {"easy", "medium", "hard"}
    for x in q.questions:
        assert x.answer in x.choices
        assert x.explanation.strip()
        right, text = x.feedback(x.answer)
        assert right and text == x.explanation
        for wrong in set(x.choices) - {x.answer}:
            assert x.feedback(wrong)[0] is False
    assert q.flashcards


def test_validation_reports_every_problem(tmp_path, monkeypatch):
    bad = {
        "questions": [
            {
                "id": "q1",
                "difficulty": "tricky",
                "text": "?",
                "choices": {"a": "x"},
                "answer": "b",
                "explanation": "",
                "mistakes": {"b": "no"},
            }
        ],
        "flashcards": [],
    }
    with pytest.raises(ValueError) as err:
        quizmod._validate(bad, "quiz_99.json")
    msg = str(err.value)
    for part in ("5 to 10", "tricky", "not among its choices", "not wrong choices", "no flashcards"):
        assert part in msg


def test_missing_chapter_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="chapter 42"):
        load_quiz("42")


def test_show_never_prints_answers(capsys):
    q = load_quiz("03")
    q.show()
    out = capsys.readouterr().out
    assert q.questions[0].text in out
    assert q.questions[0].explanation not in out
