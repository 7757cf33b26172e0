"""Quiz and flashcard widgets, rendered from a chapter's data file (rnnlab/data/quiz_NN.json).

Answers and flashcard results are remembered in the review file (rnnlab.review): a quiz shows
the student's last answers when it opens again, and flashcards follow a Leitner schedule that
the start page's Review widget draws its due cards from: the cards due today of the chapters
studied, each leaving the review once answered.
"""

from __future__ import annotations

import html
import time

import ipywidgets as W

from .. import colours
from ..quiz import ChapterQuiz, Flashcard, Question, load_quiz
from ..review import ReviewStore, card_id, days_until, due_cards, next_due
from ._a11y import accessible

BADGE = colours.DIFFICULTY


class QuestionCard:
    """One multiple-choice question: pick, check, read why."""

    def __init__(self, q: Question, number: int, on_grade=None):
        self.q = q
        self.on_grade = on_grade
        title = (
            f"<b>{number}. {html.escape(q.text)}</b> <span style='color:white;background:"
            f"{BADGE[q.difficulty]};border-radius:3px;padding:0 4px;font-size:80%'>{q.difficulty}</span>"
        )
        self.choice = W.RadioButtons(
            options=[(f"{k}) {v}", k) for k, v in q.choices.items()], value=None, layout=W.Layout(width="auto")
        )
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
        if self.on_grade:
            self.on_grade(self)
        mark = (
            f"<b style='color:{colours.VERDICTS['right']}'>Correct.</b>"
            if self.correct
            else f"<b style='color:{colours.VERDICTS['wrong']}'>Not quite.</b>"
        )
        self.feedback.value = f"{mark} {html.escape(text)}"

    def show_answer(self) -> None:
        self.feedback.value = (
            f"<b>Answer: {self.q.answer}) {html.escape(self.q.choices[self.q.answer])}"
            f"</b>. {html.escape(self.q.explanation)}"
        )


class Quiz:
    """All questions of a chapter, each with instant feedback, and a running score."""

    def __init__(self, chapter: str | ChapterQuiz, store: ReviewStore | None = None):
        self.data = chapter if isinstance(chapter, ChapterQuiz) else load_quiz(chapter)
        self.store = store or ReviewStore()
        self.cards = [QuestionCard(q, n + 1, on_grade=self._remember) for n, q in enumerate(self.data.questions)]
        self.score = W.HTML()
        for card in self.cards:
            card.check.on_click(lambda _: self._score())
        self._restore()
        self._score()
        self.widget = W.VBox(
            [W.HTML(f"<h3>Quiz: {html.escape(self.data.title)}</h3>"), *[c.widget for c in self.cards], self.score]
        )
        self.widget.add_class("rnnlab-quiz")

    def _remember(self, card: QuestionCard) -> None:
        self.store.record_answer(self.data.chapter, card.q.id, card.choice.value, bool(card.correct))

    def _restore(self) -> None:
        """Show the last answers saved for this chapter, graded again (without saving again)."""
        saved = self.store.answers(self.data.chapter)
        for card in self.cards:
            entry = saved.get(card.q.id)
            if isinstance(entry, dict) and entry.get("choice") in card.q.choices:
                card.choice.value = entry["choice"]
                on_grade, card.on_grade = card.on_grade, None
                card.grade()
                card.on_grade = on_grade

    def _score(self) -> None:
        right = sum(c.correct is True for c in self.cards)
        self.score.value = f"<b>{right} of {len(self.cards)} correct so far</b>"

    def _ipython_display_(self):
        from IPython.display import display

        display(accessible(self.widget))


class CardDeck:
    """Flashcards one at a time: read the question, recall, reveal, then say whether you knew
    it. The answer moves the card in the Leitner schedule of the review file. A deck that is a
    review queue (`queue=True`) drops each card once answered; otherwise it moves on to the next."""

    def __init__(
        self, cards: list[tuple[str, Flashcard]], store: ReviewStore | None = None, title: str = "", queue: bool = False
    ):
        self.cards = list(cards)
        self.store = store or ReviewStore()
        self.queue = queue
        self.index = 0
        self.revealed = False
        self.title = W.HTML(title)
        self.front, self.back, self.status = W.HTML(), W.HTML(), W.Label()
        # wide enough for "card 100 of 100": the chapter beside it stays put from card to card
        self.counter = W.Label(layout=W.Layout(width="9em", flex="0 0 auto"))
        self.where = W.Label()
        self.reveal = W.Button(description="Reveal", button_style="primary")
        self.prev, self.next = W.Button(description="Previous"), W.Button(description="Next")
        # ipywidgets' success green and warning orange hold white text at 4.1:1 and 2.9:1, and
        # WCAG AA asks 4.5:1: the buttons take the quiz badges' easy blue and medium wine
        # (colours.DIFFICULTY, 4.5:1 or more with white, measured there)
        self.knew = W.Button(
            description="I knew it", button_style="success", disabled=True, style={"button_color": BADGE["easy"]}
        )
        self.missed = W.Button(
            description="Not yet", button_style="warning", disabled=True, style={"button_color": BADGE["medium"]}
        )
        self.reveal.on_click(lambda _: self.show_back())
        self.prev.on_click(lambda _: self.go(-1))
        self.next.on_click(lambda _: self.go(+1))
        self.knew.on_click(lambda _: self.answer(True))
        self.missed.on_click(lambda _: self.answer(False))
        self.widget = W.VBox(
            ([self.title] if title or queue else [])
            + [
                W.HBox([self.counter, self.where]),
                self.front,
                self.back,
                W.HBox([self.prev, self.reveal, self.next]),
                W.HBox([self.knew, self.missed]),
                self.status,
            ]
        )
        self.widget.add_class("rnnlab-flashcards")
        self.go(0)

    def current_id(self) -> str:
        chapter, card = self.cards[self.index]
        return card_id(chapter, card.front)

    def go(self, step: int) -> None:
        self.revealed = False
        self.knew.disabled = self.missed.disabled = True
        if not self.cards:
            self.counter.value = "no cards due"
            self.where.value = ""
            self.front.value = self.back.value = ""
            return
        self.index = (self.index + step) % len(self.cards)
        chapter, card = self.cards[self.index]
        self.counter.value = f"card {self.index + 1} of {len(self.cards)}"
        self.where.value = f"chapter {chapter}, Leitner box {self.store.card(self.current_id()).box}"
        self.front.value = f"<p style='font-size:115%'><b>{html.escape(card.front)}</b></p>"
        self.back.value = "<p style='color:#767676'>(recall the answer, then reveal)</p>"

    def show_back(self) -> None:
        if not self.cards:
            return
        self.revealed = True
        self.knew.disabled = self.missed.disabled = False
        self.back.value = f"<p>{html.escape(self.cards[self.index][1].back)}</p>"

    def answer(self, knew: bool) -> None:
        if not (self.cards and self.revealed):
            return
        state = self.store.record_card(self.current_id(), knew)
        self.status.value = self._saved(state, knew)
        if self.queue:  # answered: out of today's review
            del self.cards[self.index]
            self.index = self.index if self.index < len(self.cards) else 0
            self.retitle()
            self.go(0)
        else:
            self.go(+1)

    def _saved(self, state, knew: bool) -> str:
        if state.held:
            return f"saved: box {state.box} kept, as the card is not due before {_date(state.due)}"
        when = _when(state.due, self.store.clock())
        return f"saved: box {state.box}, due again {when}" if knew else f"saved: back to box 1, due again {when}"

    def retitle(self) -> None:
        """A deck's title does not change; the review's counts the cards left."""

    def _ipython_display_(self):
        from IPython.display import display

        display(accessible(self.widget))


def _date(t: float) -> str:
    return time.strftime("%a %d %b", time.localtime(t))


def _when(due: float, now: float) -> str:
    """'today', 'tomorrow' or 'in 4 days (Sat 28 Nov)'."""
    days = days_until(due, now)
    return ("today", "tomorrow")[days] if days <= 1 else f"in {days} days ({_date(due)})"


class Flashcards(CardDeck):
    """A chapter's key facts, in the chapter's order, due or not."""

    def __init__(self, chapter: str | ChapterQuiz, store: ReviewStore | None = None):
        self.data = chapter if isinstance(chapter, ChapterQuiz) else load_quiz(chapter)
        super().__init__([(self.data.chapter, c) for c in self.data.flashcards], store)


class Review(CardDeck):
    """Today's review: the cards due now (Leitner schedule) of every chapter studied, lowest box
    first. An answered card leaves it, so the count falls to zero as the student goes."""

    def __init__(self, store: ReviewStore | None = None, chapters: list[str] | None = None):
        store = store or ReviewStore()
        self.chapters = chapters
        super().__init__(due_cards(store, chapters), store, queue=True)
        self.retitle()

    def retitle(self) -> None:
        note = f"<span style='color:#767676'>(saved in {html.escape(self.store.path.name)})</span>"
        n = len(self.cards)
        if n:
            self.title.value = f"<b>{n} card{'s' if n != 1 else ''} due for review</b> {note}"
            return
        upcoming = next_due(self.store, self.chapters)
        if upcoming is None:
            self.title.value = (
                "<b>No cards yet: run a lecture first.</b> <span style='color:#767676'>A chapter's "
                "flashcards join the review when you run its lecture or answer its quiz or cards.</span>"
            )
        else:
            day, count = upcoming
            self.title.value = (
                f"<b>Nothing due now.</b> {count} card{'s' if count != 1 else ''} "
                f"due {_when(day, self.store.clock())} {note}"
            )
