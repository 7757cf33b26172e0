"""Review that remembers: the Leitner schedule under a fake clock, the file, and the widgets."""
import json

import pytest

from rnnlab.quiz import load_quiz
from rnnlab.review import DAY, ReviewStore, card_id, due_cards
from rnnlab.widgets import Flashcards, Quiz, Review


class Clock:
    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, days):
        self.now += days * DAY


@pytest.fixture
def store(tmp_path):
    return ReviewStore(tmp_path / "review.json", clock=Clock())


def test_leitner_boxes_and_intervals(store):
    cid = "03:abc"
    assert store.card(cid).box == 1 and store.is_due(cid)              # a new card is due at once
    expected = [(2, 2), (3, 4), (4, 8), (5, 16), (5, 16)]              # box, days until due
    for box, days in expected:
        state = store.record_card(cid, knew=True)
        assert (state.box, state.due - store.clock()) == (box, days * DAY)
        assert not store.is_due(cid)
        store.clock.advance(days - 0.01)
        assert not store.is_due(cid)
        store.clock.advance(0.01)
        assert store.is_due(cid)
    state = store.record_card(cid, knew=False)
    assert state.box == 1 and store.is_due(cid) and state.reviews == 6


def test_due_cards_skip_what_is_not_due_and_put_low_boxes_first(store):
    cards = load_quiz("03").flashcards
    assert len(due_cards(store, ["03"])) == len(cards)
    store.record_card(card_id("03", cards[0].front), knew=True)        # box 2, due in 2 days
    store.record_card(card_id("03", cards[1].front), knew=False)       # box 1, due now
    due = due_cards(store, ["03"])
    assert cards[0] not in [c for _, c in due] and len(due) == len(cards) - 1
    store.clock.advance(2)
    due = due_cards(store, ["03"])
    assert len(due) == len(cards) and due[-1][1] == cards[0]          # box 2 after the box-1 cards


def test_the_file_survives_a_new_store_and_an_unreadable_file_is_kept_aside(tmp_path):
    path = tmp_path / "review.json"
    ReviewStore(path).record_answer("03", "q1", "b", True)
    assert ReviewStore(path).answers("03")["q1"]["choice"] == "b"
    path.write_text("{not json")
    store = ReviewStore(path, clock=lambda: 42.0)
    assert store.answers("03") == {}
    assert (tmp_path / "review.json.unreadable-42").read_text() == "{not json"
    store.record_answer("03", "q2", "a", False)
    assert json.loads(path.read_text())["quiz"]["03"]["q2"]["correct"] is False


def test_quiz_remembers_answers_across_widgets(store):
    quiz = Quiz("03", store=store)
    card = quiz.cards[0]
    card.choice.value = card.q.answer
    card.check.click()
    again = Quiz("03", store=store)
    assert again.cards[0].choice.value == card.q.answer and again.cards[0].correct is True
    assert "1 of 9" in again.score.value and "Correct" in again.cards[0].feedback.value
    assert store.answers("03")[card.q.id]["attempts"] == 1            # restoring saved nothing


def test_flashcard_answers_move_the_card_and_review_shows_only_due_cards(store):
    deck = Flashcards("03", store=store)
    n = len(deck.cards)
    deck.knew.click()                                                   # not revealed: ignored
    assert store.load()["cards"] == {}
    deck.reveal.click()
    deck.knew.click()
    first = card_id("03", load_quiz("03").flashcards[0].front)
    assert store.card(first).box == 2 and "box 2" in deck.status.value
    assert "card 2 of" in deck.counter.value                            # moved on to the next card
    review = Review(store=store, chapters=["03"])
    assert len(review.cards) == n - 1 and f"{n - 1} cards due" in review.title.value
    store.clock.advance(2)
    assert len(Review(store=store, chapters=["03"]).cards) == n


def test_widgets_write_to_the_file_the_environment_names(tmp_path, monkeypatch):
    path = tmp_path / "elsewhere.json"
    monkeypatch.setenv("RNNLAB_REVIEW_FILE", str(path))
    quiz = Quiz("02")
    quiz.cards[0].choice.value = quiz.cards[0].q.answer
    quiz.cards[0].check.click()
    assert json.loads(path.read_text())["quiz"]["02"]
