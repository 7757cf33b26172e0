"""Quizzes and flashcards as data: one JSON file per chapter in rnnlab/data/.

Each question has an id, a difficulty (easy, medium, hard), a text, lettered choices, the
answer, an explanation, and for each tempting wrong choice the mistake behind it. The lecture
notebook renders them with rnnlab.widgets.Quiz; the problem set grades the same questions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources

DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True)
class Question:
    id: str
    difficulty: str
    text: str
    choices: dict[str, str]
    answer: str
    explanation: str
    mistakes: dict[str, str] = field(default_factory=dict)

    def feedback(self, choice: str) -> tuple[bool, str]:
        """(correct?, what to tell a student who picked `choice`)."""
        if choice == self.answer:
            return True, self.explanation
        return False, self.mistakes.get(choice, "Not this one. Reread the question and try again.")


@dataclass(frozen=True)
class Flashcard:
    front: str
    back: str


@dataclass(frozen=True)
class ChapterQuiz:
    chapter: str
    title: str
    questions: tuple[Question, ...]
    flashcards: tuple[Flashcard, ...]

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(f"chapter {self.chapter} has no question {qid!r}")

    def show(self, ids: list[str] | None = None) -> None:
        """Print questions and their choices (never the answers), for a problem set."""
        for q in self.questions:
            if ids is None or q.id in ids:
                print(f"[{q.id}] ({q.difficulty}) {q.text}")
                for letter, text in q.choices.items():
                    print(f"    {letter}) {text}")
                print()


def _validate(data: dict, name: str) -> None:
    problems = []
    qs = data.get("questions", [])
    if not 5 <= len(qs) <= 10:
        problems.append(f"has {len(qs)} questions; a chapter quiz has 5 to 10")
    ids = [q.get("id") for q in qs]
    if len(set(ids)) != len(ids):
        problems.append("question ids are not unique")
    for q in qs:
        where = f"question {q.get('id')!r}"
        missing = {"id", "difficulty", "text", "choices", "answer", "explanation"} - set(q)
        if missing:
            problems.append(f"{where} lacks {sorted(missing)}")
            continue
        if q["difficulty"] not in DIFFICULTIES:
            problems.append(f"{where}: difficulty {q['difficulty']!r} is not one of {DIFFICULTIES}")
        if len(q["choices"]) < 2 or q["answer"] not in q["choices"]:
            problems.append(f"{where}: answer {q['answer']!r} is not among its choices")
        stray = set(q.get("mistakes", {})) - (set(q["choices"]) - {q["answer"]})
        if stray:
            problems.append(f"{where}: mistakes given for {sorted(stray)}, which are not wrong choices")
    if not data.get("flashcards"):
        problems.append("has no flashcards")
    if problems:
        raise ValueError(f"quiz file {name}: " + "; ".join(problems))


def load_quiz(chapter: str) -> ChapterQuiz:
    """Load and validate the quiz and flashcards of a chapter ('03' or 3)."""
    chapter = f"{int(chapter):02d}"
    name = f"quiz_{chapter}.json"
    path = resources.files("rnnlab") / "data" / name
    if not path.is_file():
        raise FileNotFoundError(f"no quiz for chapter {chapter} (expected rnnlab/data/{name})")
    data = json.loads(path.read_text(encoding="utf-8"))
    _validate(data, name)
    return ChapterQuiz(
        chapter=chapter,
        title=data.get("title", f"Chapter {chapter}"),
        questions=tuple(Question(**q) for q in data["questions"]),
        flashcards=tuple(Flashcard(**c) for c in data["flashcards"]),
    )


def available_chapters() -> list[str]:
    folder = resources.files("rnnlab") / "data"
    return sorted(p.name[5:7] for p in folder.iterdir() if p.name.startswith("quiz_"))
