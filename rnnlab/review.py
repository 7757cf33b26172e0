"""Review that remembers: quiz answers, flashcard results and the chapters studied, in one JSON file.

The file is RNNLAB_REVIEW_FILE, or `.rnnlab-review.json` in the course folder (`course_folder`). The
flashcards of the chapters studied (a lecture run by `setup()`, or a card or question answered) follow a
Leitner schedule in calendar days (local time): a new card is due at once; "I knew it" on a due card
moves it up a box, "not yet" back to box 1, and it then waits its box's INTERVAL_DAYS; "I knew it"
before a card is due changes nothing. The clock is a parameter (`ReviewStore(clock=...)`).

The file: {"quiz": {chapter: {question id: {"choice", "correct", "at", "attempts"}}},
"cards": {card id: {"box", "due" (seconds since the epoch), "reviews"}}, "studied": {chapter: when}}.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as day_time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAY = 86400.0
INTERVAL_DAYS = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16}
TOP_BOX = max(INTERVAL_DAYS)
SECTIONS = ("quiz", "cards", "studied")
LECTURE_NAME = re.compile(r"(\d\d)_[^/\\]*\.ipynb")


def course_folder() -> Path:
    """This package's repository when it holds the start page (an editable install), or else the nearest
    folder at or above the working directory (a kernel's: its notebook's) that does."""
    start = "notebooks/00_start_here.ipynb"
    if (REPO / start).is_file():
        return REPO
    cwd = Path.cwd()
    return next((folder for folder in (cwd, *cwd.parents) if (folder / start).is_file()), cwd)


def default_path() -> Path:
    return Path(os.environ.get("RNNLAB_REVIEW_FILE") or course_folder() / ".rnnlab-review.json")


def card_id(chapter: str, front: str) -> str:
    """A card's key: its chapter and a hash of its question, stable when cards are reordered."""
    return f"{chapter}:{hashlib.sha1(front.encode()).hexdigest()[:10]}"


def day_start(t: float, days: int = 0) -> float:
    """The first second (local time) of the calendar day `days` days after the day of time `t`."""
    day = datetime.fromtimestamp(t).date() + timedelta(days=days)
    return datetime.combine(day, day_time()).timestamp()


def days_until(due: float, now: float) -> int:
    """Calendar days from the day of `now` to the day of `due` (0: today or earlier)."""
    return max((datetime.fromtimestamp(due).date() - datetime.fromtimestamp(now).date()).days, 0)


@dataclass
class CardState:
    box: int = 1
    due: float = 0.0
    reviews: int = 0
    held: bool = False  # not saved: "I knew it" came before the card was due, so nothing moved


class ReviewStore:
    """Read-modify-write of the review file; every change is written at once."""

    def __init__(self, path: Path | str | None = None, clock: Callable[[], float] = time.time):
        self.path = Path(path) if path is not None else default_path()
        self.clock = clock

    def load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
            for section in SECTIONS:
                if not isinstance(data.setdefault(section, {}), dict):
                    raise ValueError(f"its {section!r} is not an object")
        except FileNotFoundError:
            return {section: {} for section in SECTIONS}
        except (ValueError, UnicodeDecodeError):
            # unreadable: keep it beside, never overwrite what a student had
            self.path.replace(self.path.with_name(f"{self.path.name}.unreadable-{int(self.clock())}"))
            return {section: {} for section in SECTIONS}
        return data

    def _save(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)

    def studied(self, data: dict | None = None) -> list[str]:
        """The chapters studied: lecture run (recorded by setup()), or a card or question answered."""
        data = data if data is not None else self.load()
        chapters = set(data["studied"]) | set(data["quiz"])
        chapters |= {cid.split(":", 1)[0] for cid in data["cards"]}
        return sorted(chapters)

    def mark_studied(self, chapter: str) -> bool:
        """Record that `chapter` was studied; the file is written only the first time."""
        data = self.load()
        if chapter in data["studied"]:
            return False
        data["studied"][chapter] = self.clock()
        self._save(data)
        return True

    def record_answer(self, chapter: str, qid: str, choice: str, correct: bool) -> None:
        data = self.load()
        entry = data["quiz"].setdefault(chapter, {}).setdefault(qid, {"attempts": 0})
        entry.update(choice=choice, correct=bool(correct), at=self.clock())
        entry["attempts"] = int(entry.get("attempts", 0)) + 1
        data["studied"].setdefault(chapter, self.clock())
        self._save(data)

    def answers(self, chapter: str) -> dict[str, dict]:
        return self.load()["quiz"].get(chapter, {})

    @staticmethod
    def _state(data: dict, cid: str) -> CardState:
        raw = data["cards"].get(cid)
        try:
            box, due, reviews = int(raw.get("box", 1)), float(raw.get("due", 0.0)), int(raw.get("reviews", 0))
        except (AttributeError, TypeError, ValueError):  # not a card's record: a new card
            return CardState()
        return CardState(min(max(box, 1), TOP_BOX), due, reviews)

    def card(self, cid: str) -> CardState:
        return self._state(self.load(), cid)

    def record_card(self, cid: str, knew: bool) -> CardState:
        """Move the card up a box (knew) or back to box 1 (did not), and set the day it is due.
        A card known before it is due keeps its box and day (`held`)."""
        data = self.load()
        state = self._state(data, cid)
        now = self.clock()
        state.held = knew and state.due > now
        if not state.held:
            state.box = min(state.box + 1, TOP_BOX) if knew else 1
            state.due = day_start(now, INTERVAL_DAYS[state.box])
        state.reviews += 1
        data["cards"][cid] = {"box": state.box, "due": state.due, "reviews": state.reviews}
        data["studied"].setdefault(cid.split(":", 1)[0], now)
        self._save(data)
        return state

    def is_due(self, cid: str) -> bool:
        """Whether the card is in today's review: its chapter studied and its day come."""
        data = self.load()
        return cid.split(":", 1)[0] in self.studied(data) and self._state(data, cid).due <= self.clock()


def scheduled_cards(store: ReviewStore, chapters: list[str] | None = None) -> list[tuple[CardState, str, object]]:
    """(state, chapter, Flashcard) of every card of the studied chapters (among `chapters`)."""
    from .quiz import available_chapters, load_quiz

    data = store.load()
    studied = store.studied(data)
    return [
        (store._state(data, card_id(chapter, card.front)), chapter, card)
        for chapter in chapters or available_chapters()
        if chapter in studied
        for card in load_quiz(chapter).flashcards
    ]


def due_cards(store: ReviewStore, chapters: list[str] | None = None) -> list[tuple[str, object]]:
    """(chapter, Flashcard) of every card due now, lowest box first, in chapter order."""
    now = store.clock()
    due = [(state.box, chapter, card) for state, chapter, card in scheduled_cards(store, chapters) if state.due <= now]
    due.sort(key=lambda item: item[0])
    return [(chapter, card) for _, chapter, card in due]


def next_due(store: ReviewStore, chapters: list[str] | None = None) -> tuple[float, int] | None:
    """(day, number of cards) of the next cards to come back, among those not due now, or None."""
    now = store.clock()
    later = sorted(day_start(state.due) for state, _, _ in scheduled_cards(store, chapters) if state.due > now)
    return (later[0], later.count(later[0])) if later else None


def lecture_chapter(path: str | None) -> str | None:
    """'03' for a lecture's path (03_lstm_gates.ipynb, or a copy such as 03_lstm_gates-Copy1.ipynb) when
    chapter 03 has flashcards; None for anything else."""
    from .quiz import available_chapters

    match = LECTURE_NAME.fullmatch(re.split(r"[/\\]", path)[-1]) if path else None
    return match.group(1) if match and match.group(1) in available_chapters() else None


def running_notebook() -> str | None:
    """The path of the notebook this kernel runs, as Jupyter's servers (`__session__`, JPY_SESSION_NAME) or
    VS Code (`__vsc_ipynb_file__`) tell it; None elsewhere (nbval, nbclient, plain Python)."""
    try:
        from IPython import get_ipython

        namespace = getattr(get_ipython(), "user_ns", None) or {}
    except ImportError:
        namespace = {}
    for name in ("__vsc_ipynb_file__", "__session__"):
        if isinstance(namespace.get(name), str) and namespace[name]:
            return namespace[name]
    return os.environ.get("JPY_SESSION_NAME") or None


def remember_lecture(path: str | None = None, store: ReviewStore | None = None) -> str | None:
    """Called by setup(): the running lecture's chapter joins the review, silently, and never stopping a
    lecture (a read-only folder records nothing). Returns the chapter recorded, if any."""
    chapter = lecture_chapter(path if path is not None else running_notebook())
    if chapter is None:
        return None
    try:
        (store or ReviewStore()).mark_studied(chapter)
    except OSError:
        return None
    return chapter
