"""Review that remembers: quiz answers and flashcard results, kept in one JSON file.

The file is `.rnnlab-review.json` in the course folder (ignored by git), or the path in the
environment variable RNNLAB_REVIEW_FILE. On Binder it lasts as long as the session.

Flashcards follow a Leitner schedule: a card starts in box 1 and is due at once; each time the
student knew it, it moves up a box and waits that box's interval (box 2: 2 days, 3: 4, 4: 8,
5: 16, the top); a card they did not know goes back to box 1 and is due again at once. The clock is a parameter, so tests can
move time.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
DAY = 86400.0
INTERVAL_DAYS = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16}
TOP_BOX = max(INTERVAL_DAYS)


def default_path() -> Path:
    return Path(os.environ.get("RNNLAB_REVIEW_FILE") or REPO / ".rnnlab-review.json")


def card_id(chapter: str, front: str) -> str:
    """A card's key: its chapter and a hash of its question, stable when cards are reordered."""
    return f"{chapter}:{hashlib.sha1(front.encode()).hexdigest()[:10]}"


@dataclass
class CardState:
    box: int = 1
    due: float = 0.0
    reviews: int = 0


class ReviewStore:
    """Read-modify-write of the review file; every change is written at once (atomically)."""

    def __init__(self, path: Path | str | None = None, clock: Callable[[], float] = time.time):
        self.path = Path(path) if path is not None else default_path()
        self.clock = clock

    # -- the file
    def load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except FileNotFoundError:
            return {"quiz": {}, "cards": {}}
        except (ValueError, UnicodeDecodeError):
            # unreadable: keep it beside, never overwrite what a student had
            self.path.replace(self.path.with_name(f"{self.path.name}.unreadable-{int(self.clock())}"))
            return {"quiz": {}, "cards": {}}
        data.setdefault("quiz", {})
        data.setdefault("cards", {})
        return data

    def _save(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)

    # -- quizzes
    def record_answer(self, chapter: str, qid: str, choice: str, correct: bool) -> None:
        data = self.load()
        entry = data["quiz"].setdefault(chapter, {}).setdefault(qid, {"attempts": 0})
        entry.update(choice=choice, correct=bool(correct), at=self.clock())
        entry["attempts"] = int(entry.get("attempts", 0)) + 1
        self._save(data)

    def answers(self, chapter: str) -> dict[str, dict]:
        return self.load()["quiz"].get(chapter, {})

    # -- flashcards
    def card(self, cid: str) -> CardState:
        raw = self.load()["cards"].get(cid)
        if not isinstance(raw, dict):
            return CardState()
        return CardState(int(raw.get("box", 1)), float(raw.get("due", 0.0)), int(raw.get("reviews", 0)))

    def record_card(self, cid: str, knew: bool) -> CardState:
        """Move the card up a box (knew) or back to box 1 (did not), and set when it is due."""
        data = self.load()
        state = self.card(cid)
        now = self.clock()
        if knew:
            state.box = min(state.box + 1, TOP_BOX)
            state.due = now + INTERVAL_DAYS[state.box] * DAY
        else:
            state.box, state.due = 1, now
        state.reviews += 1
        data["cards"][cid] = {"box": state.box, "due": state.due, "reviews": state.reviews}
        self._save(data)
        return state

    def is_due(self, cid: str) -> bool:
        return self.card(cid).due <= self.clock()


def due_cards(store: ReviewStore, chapters: list[str] | None = None) -> list[tuple[str, object]]:
    """(chapter, Flashcard) of every card due now, lowest box first, in chapter order."""
    from .quiz import available_chapters, load_quiz

    cards = []
    for chapter in chapters or available_chapters():
        for card in load_quiz(chapter).flashcards:
            cid = card_id(chapter, card.front)
            state = store.card(cid)
            if state.due <= store.clock():
                cards.append((state.box, chapter, card))
    cards.sort(key=lambda item: item[0])
    return [(chapter, card) for _, chapter, card in cards]
