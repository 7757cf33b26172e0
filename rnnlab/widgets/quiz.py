"""Quiz and flashcard widgets, rendered from a chapter's data file (rnnlab/data/quiz_NN.json)."""
from __future__ import annotations

import html

import ipywidgets as W

from ..quiz import ChapterQuiz, Question, load_quiz

BADGE = {"easy": "#2e7d32", "medium": "#ef6c00", "hard": "#c62828"}


class QuestionCard:
    """One multiple-choice question: pick, check, read why."""

    def __init__(self, q: Question, number: int):
        self.q = q
        title = (f"<b>{number}. {html.escape(q.text)}</b> <span style='color:white;background:"
                 f"{BADGE[q.difficulty]};border-radius:3px;padding:0 4px;font-size:80%'>{q.difficulty}</span>")
        self.choice = W.RadioButtons(options=[(f"{k}) {v}", k) for k, v in q.choices.items()],
                                     value=None, layout=W.Layout(width="auto"))
        self.check = W.Button(description="Check", button_style="primary")
        self.reveal = W.Button(description="Show answer")
        self.feedback = W.HTML()
        self.correct: bool | None = None
        self.check.on_click(lambda _: self.grade())
        self.reveal.on_click(lambda _: self.show_answer())
        self.widget = W.VBox([W.HTML(title), self.choice, W.HBox([self.check, self.reveal]), self.feedback])

    def grade(self) -> None:
        if self.choice.value is None:
            self.feedback.value = "Pick an answer first."
            return
        self.correct, text = self.q.feedback(self.choice.value)
        mark = "<b style='color:#2e7d32'>Correct.</b>" if self.correct else \
            "<b style='color:#c62828'>Not quite.</b>"
        self.feedback.value = f"{mark} {html.escape(text)}"

    def show_answer(self) -> None:
        self.feedback.value = (f"<b>Answer: {self.q.answer}) {html.escape(self.q.choices[self.q.answer])}"
                               f"</b>. {html.escape(self.q.explanation)}")


class Quiz:
    """All questions of a chapter, each with instant feedback, and a running score."""

    def __init__(self, chapter: str | ChapterQuiz):
        self.data = chapter if isinstance(chapter, ChapterQuiz) else load_quiz(chapter)
        self.cards = [QuestionCard(q, n + 1) for n, q in enumerate(self.data.questions)]
        self.score = W.HTML()
        for card in self.cards:
            card.check.on_click(lambda _: self._score())
        self._score()
        self.widget = W.VBox([W.HTML(f"<h3>Quiz: {html.escape(self.data.title)}</h3>"),
                              *[c.widget for c in self.cards], self.score])
        self.widget.add_class("rnnlab-quiz")

    def _score(self) -> None:
        right = sum(c.correct is True for c in self.cards)
        self.score.value = f"<b>{right} of {len(self.cards)} correct so far</b>"

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)


class Flashcards:
    """The chapter's key facts, one card at a time: read the question, recall, reveal."""

    def __init__(self, chapter: str | ChapterQuiz):
        self.data = chapter if isinstance(chapter, ChapterQuiz) else load_quiz(chapter)
        self.cards = self.data.flashcards
        self.index = 0
        self.revealed = False
        self.front, self.back, self.counter = W.HTML(), W.HTML(), W.Label()
        self.reveal = W.Button(description="Reveal", button_style="primary")
        self.prev, self.next = W.Button(description="Previous"), W.Button(description="Next")
        self.reveal.on_click(lambda _: self.show_back())
        self.prev.on_click(lambda _: self.go(-1))
        self.next.on_click(lambda _: self.go(+1))
        self.widget = W.VBox([self.counter, self.front, self.back,
                              W.HBox([self.prev, self.reveal, self.next])])
        self.widget.add_class("rnnlab-flashcards")
        self.go(0)

    def go(self, step: int) -> None:
        self.index = (self.index + step) % len(self.cards)
        self.revealed = False
        card = self.cards[self.index]
        self.counter.value = f"card {self.index + 1} of {len(self.cards)}"
        self.front.value = f"<p style='font-size:115%'><b>{html.escape(card.front)}</b></p>"
        self.back.value = "<p style='color:#777'>(recall the answer, then reveal)</p>"

    def show_back(self) -> None:
        self.revealed = True
        self.back.value = f"<p>{html.escape(self.cards[self.index].back)}</p>"

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)
