"""Review that remembers: the Leitner schedule under a fake clock, the file, and the widgets."""

import json
from datetime import date, datetime, timedelta

import pytest

import rnnlab
from rnnlab.quiz import load_quiz
from rnnlab.review import DAY, ReviewStore, card_id, default_path, due_cards, lecture_chapter
from rnnlab.widgets import Flashcards, Quiz, Review

INTERVALS = [1, 2, 4, 8, 16]  # days a card waits in box 1 to 5, written out independently


class Clock:
    """Local time, settable to a given day and hour of a simulated term."""

    def __init__(self, now=None):
        self.now = now if now is not None else at(0, 12)

    def __call__(self):
        return self.now

    def advance(self, days):
        self.now += days * DAY


def at(day, hour, start=date(2026, 1, 5)):
    """Seconds since the epoch of `hour` o'clock (local time) on day `day` of the term."""
    return datetime.combine(start + timedelta(days=day), datetime.min.time()).timestamp() + hour * 3600


@pytest.fixture
def store(tmp_path):
    return ReviewStore(tmp_path / "review.json", clock=Clock())


def ids(chapter):
    return [card_id(chapter, c.front) for c in load_quiz(chapter).flashcards]


def run_lecture(monkeypatch, capsys, name):
    """What a lecture's first cell does in JupyterLab: setup(), in a kernel whose server named
    the notebook (JPY_SESSION_NAME). The cell prints what it printed before."""
    monkeypatch.setenv("JPY_SESSION_NAME", f"/home/student/course/notebooks/{name}")
    capsys.readouterr()
    rnnlab.setup()
    out = capsys.readouterr().out
    assert out.startswith("rnnlab ready: torch ") and out.count("\n") == 1, out
    monkeypatch.delenv("JPY_SESSION_NAME")


def answer_all(review, knew):
    """Answer every card of a Review as `knew(cid)` says, checking that the count falls by one
    each time and that the counter agrees with the title."""
    n = len(review.cards)
    answered = []
    while review.cards:
        assert f"<b>{n} card{'s' if n != 1 else ''} due for review</b>" in review.title.value
        assert review.counter.value == f"card 1 of {n}"
        cid = review.current_id()
        review.reveal.click()
        (review.knew if knew(cid) else review.missed).click()
        answered.append(cid)
        n -= 1
        assert len(review.cards) == n and cid not in [card_id(ch, c.front) for ch, c in review.cards]
    assert review.counter.value == "no cards due" and "Nothing due now" in review.title.value
    return answered


def test_leitner_boxes_and_calendar_day_intervals(store):
    cid = "03:abc"
    store.mark_studied("03")
    assert store.card(cid).box == 1 and store.is_due(cid)  # a new card is due at once
    day = 0
    for box in [2, 3, 4, 5, 5]:  # knew it, five times
        state = store.record_card(cid, knew=True)
        wait = INTERVALS[box - 1]
        assert state.box == box and state.due == at(day + wait, 0)  # from midnight, local time
        store.clock.now = at(day + wait - 1, 23.99)  # late on the day before
        assert not store.is_due(cid)
        day += wait
        store.clock.now = at(day, 0.01)  # early on the day itself
        assert store.is_due(cid)
    state = store.record_card(cid, knew=False)  # not yet: box 1, tomorrow
    assert state.box == 1 and state.due == at(day + 1, 0) and state.reviews == 6
    assert not store.is_due(cid)
    store.clock.now = at(day + 1, 0.01)
    assert store.is_due(cid)


def test_only_studied_chapters_have_due_cards_and_low_boxes_come_first(store):
    cards = load_quiz("03").flashcards
    assert due_cards(store, ["03"]) == []  # chapter 03 not studied
    store.mark_studied("03")
    assert len(due_cards(store, ["03"])) == len(cards)
    store.record_card(card_id("03", cards[0].front), knew=True)  # box 2, due in 2 days
    store.record_card(card_id("03", cards[1].front), knew=False)  # box 1, due tomorrow
    due = due_cards(store, ["03"])
    assert {c for _, c in due} == set(cards[2:])
    store.clock.advance(1)
    assert {c for _, c in due_cards(store, ["03"])} == set(cards[1:])
    store.clock.advance(1)
    due = due_cards(store, ["03"])
    assert len(due) == len(cards) and due[-1][1] == cards[0]  # box 2 after the box-1 cards


def test_a_new_student_has_no_cards_yet(tmp_path):
    """Before: "100 cards due", starting with chapter 01, to someone who had studied nothing."""
    path = tmp_path / "review.json"
    review = Review(store=ReviewStore(path))
    assert review.cards == [] and review.counter.value == "no cards due"
    assert "No cards yet: run a lecture first" in review.title.value
    assert not path.exists()  # looking writes nothing


def test_a_simulated_fortnight(monkeypatch, capsys):
    """Lectures 01 and 02 run on day 0, then the review each day for two weeks, at varying hours,
    each day through a new store (the file read again): exactly the cards whose interval has
    elapsed are due, the count falls to zero as they are answered, a card not known is back the
    next day, and boxes and days survive in the file."""
    clock = Clock(at(0, 9))
    path = default_path()  # the test's own (conftest)

    def review():
        return Review(store=ReviewStore(path, clock=clock))

    assert review().cards == []  # day 0: nothing yet
    run_lecture(monkeypatch, capsys, "01_sequence_data.ipynb")
    run_lecture(monkeypatch, capsys, "02_rnn.ipynb")
    run_lecture(monkeypatch, capsys, "02_rnn.ipynb")  # again: nothing new
    cards = ids("01") + ids("02")
    model = {cid: (1, 0) for cid in cards}  # box, day due
    assert {card_id(ch, c.front) for ch, c in review().cards} == set(cards)

    missed = set()
    for day in range(15):
        clock.now = at(day, [9, 21, 7][day % 3])  # morning, evening, early
        today = review()
        due = [cid for cid, (_, on) in model.items() if on <= day]
        assert sorted(card_id(ch, c.front) for ch, c in today.cards) == sorted(due), f"day {day}"
        assert missed <= set(due)  # not yet: back the next day
        boxes = [model[card_id(ch, c.front)][0] for ch, c in today.cards]
        assert boxes == sorted(boxes)  # lowest box first
        missed = {cid for i, cid in enumerate(sorted(due)) if (i + day) % 4 == 0 and day < 12}
        answered = answer_all(today, knew=lambda cid: cid not in missed)  # noqa: B023
        assert sorted(answered) == sorted(due)
        for cid in answered:
            box = 1 if cid in missed else min(model[cid][0] + 1, 5)
            model[cid] = (box, day + INTERVALS[box - 1])
        assert review().cards == []  # done for today
        saved = json.loads(path.read_text())["cards"]
        assert {cid: saved[cid]["box"] for cid in answered} == {cid: model[cid][0] for cid in answered}
    assert max(box for box, _ in model.values()) == 5  # the fortnight reached the top box
    assert ReviewStore(path).studied() == ["01", "02"]


def test_setup_records_lectures_only_and_writes_once(monkeypatch, capsys):
    path = default_path()
    for name in ["00_start_here.ipynb", "ps03_lstm_gates.ipynb", "notes.ipynb", "99_extra.ipynb"]:
        run_lecture(monkeypatch, capsys, name)
    assert not path.exists()  # nothing to record
    rnnlab.setup(quiet=True)  # nbval, nbclient: no name
    assert not path.exists()
    run_lecture(monkeypatch, capsys, "03_lstm_gates-Copy1.ipynb")
    first = path.read_text()
    assert json.loads(first)["studied"].keys() == {"03"}
    run_lecture(monkeypatch, capsys, "03_lstm_gates.ipynb")
    assert path.read_text() == first  # a second run writes nothing
    assert lecture_chapter(r"C:\course\notebooks\10_seq2seq_attention.ipynb") == "10"
    assert lecture_chapter(None) is None and lecture_chapter("03_lstm_gates.py") is None


def test_setup_runs_on_when_the_review_file_cannot_be_written(monkeypatch, capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.write_text("a file, so no folder can be made under it")
    monkeypatch.setenv("RNNLAB_REVIEW_FILE", str(locked / "review.json"))
    run_lecture(monkeypatch, capsys, "04_using_lstm.ipynb")


def test_answering_a_chapters_cards_or_quiz_puts_it_in_the_review(store):
    deck = Flashcards("04", store=store)
    deck.reveal.click()
    deck.missed.click()
    assert "back to box 1, due again tomorrow" in deck.status.value
    assert len(Review(store=store).cards) == len(ids("04")) - 1
    quiz = Quiz("06", store=store)
    quiz.cards[0].choice.value = quiz.cards[0].q.answer
    quiz.cards[0].check.click()
    assert len(Review(store=store).cards) == len(ids("04")) - 1 + len(ids("06"))


def test_knowing_a_card_before_it_is_due_does_not_move_it_up(store):
    deck = Flashcards("03", store=store)
    first = ids("03")[0]
    deck.reveal.click()
    deck.knew.click()
    moved, said = store.card(first), deck.status.value
    deck.go(-1)  # the same card, same day
    deck.reveal.click()
    deck.knew.click()
    assert (store.card(first).box, store.card(first).due) == (2, moved.due)
    assert "box 2, due again in 2 days" in said and "box 2 kept" in deck.status.value
    store.clock.advance(2)
    assert store.is_due(first)
    deck.go(-1)
    deck.reveal.click()
    deck.knew.click()
    assert store.card(first).box == 3


def test_an_old_file_is_read_not_reset(tmp_path):
    """A file written before chapters were recorded: its answers say what was studied."""
    path = tmp_path / "review.json"
    clock = Clock()
    old_card, other = ids("03")[:2]
    old = {
        "quiz": {"05": {"q1": {"attempts": 1, "at": clock() - 3 * DAY, "choice": "b", "correct": True}}},
        "cards": {
            old_card: {"box": 3, "due": clock() + DAY, "reviews": 2},
            other: {"box": 2, "due": clock() - DAY, "reviews": 1},
        },
    }
    path.write_text(json.dumps(old, indent=1, sort_keys=True))
    store = ReviewStore(path, clock=clock)
    review = Review(store=store)
    due = {card_id(ch, c.front) for ch, c in review.cards}
    assert due == (set(ids("03")) - {old_card}) | set(ids("05"))
    assert review.cards[-1][1].front == load_quiz("03").flashcards[1].front  # box 2 last
    assert store.card(old_card).box == 3 and list(tmp_path.iterdir()) == [path]
    store.record_card(other, knew=True)
    data = json.loads(path.read_text())
    assert data["quiz"] == old["quiz"] and data["cards"][old_card] == old["cards"][old_card]
    assert data["cards"][other]["box"] == 3 and store.studied() == ["03", "05"]


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
    path.write_text('{"quiz": {}, "cards": []}')  # JSON, but not a review file
    store = ReviewStore(path, clock=lambda: 43.0)
    assert Review(store=store).cards == []
    assert (tmp_path / "review.json.unreadable-43").read_text() == '{"quiz": {}, "cards": []}'


def test_quiz_remembers_answers_across_widgets(store):
    quiz = Quiz("03", store=store)
    card = quiz.cards[0]
    card.choice.value = card.q.answer
    card.check.click()
    again = Quiz("03", store=store)
    assert again.cards[0].choice.value == card.q.answer and again.cards[0].correct is True
    assert "1 of 9" in again.score.value and "Correct" in again.cards[0].feedback.value
    assert store.answers("03")[card.q.id]["attempts"] == 1  # restoring saved nothing


def test_flashcard_answers_move_the_card_and_review_shows_only_due_cards(store):
    deck = Flashcards("03", store=store)
    n = len(deck.cards)
    deck.knew.click()  # not revealed: ignored
    assert store.load()["cards"] == {}
    deck.reveal.click()
    deck.knew.click()
    first = card_id("03", load_quiz("03").flashcards[0].front)
    assert store.card(first).box == 2 and "box 2" in deck.status.value
    assert "card 2 of" in deck.counter.value  # moved on to the next card
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


def test_the_file_stays_in_the_course_folder_when_the_package_is_installed(tmp_path, monkeypatch):
    """Binder and JupyterHub install rnnlab into the environment (not editable): the file goes to
    the course folder the notebook is in, not beside the installed package."""
    import rnnlab.review as review

    course = tmp_path / "course"
    (course / "notebooks").mkdir(parents=True)
    (course / "notebooks" / "00_start_here.ipynb").write_text("{}")
    (course / "release" / "ps03_lstm_gates").mkdir(parents=True)
    monkeypatch.delenv("RNNLAB_REVIEW_FILE")
    assert default_path() == review.REPO / ".rnnlab-review.json"  # editable: the repository
    monkeypatch.setattr(review, "REPO", tmp_path / "site-packages")
    for folder in ["notebooks", "release/ps03_lstm_gates", "."]:
        monkeypatch.chdir(course / folder)
        assert default_path() == course / ".rnnlab-review.json"


def test_the_start_page_shows_what_a_new_student_sees(tmp_path):
    """The start page's review is committed as a fresh clone shows it (nbval compares the text;
    JupyterLab draws the saved widget state before anything runs): no cards yet, not the
    author's, nor "100 cards due"."""
    import nbformat

    from rnnlab.review import REPO

    nb = nbformat.read(REPO / "notebooks" / "00_start_here.ipynb", 4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "Review()" in c.source)
    fresh = Review(store=ReviewStore(tmp_path / "fresh.json"))
    assert [o.data["text/plain"] for o in cell.outputs if "data" in o] == [
        fresh.widget._repr_mimebundle_()["text/plain"]
    ]
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    shown = [m["state"].get("value") for m in state.get("state", {}).values()]
    assert fresh.title.value in shown and not any("due for review" in str(v) for v in shown)
