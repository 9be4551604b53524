"""Spaced repetition with Leitner boxes.

Why Leitner and not SM-2: the quiz only knows right or wrong (no self-graded ease), and a box number is
something a member understands ("3 of 5"). Each card lives in a box; a right answer moves it up one box
and schedules it further out, a wrong answer sends it back to box 1 and brings it back within minutes.

Cards are per member and item, where an item is a bank question id or, for calculation generators,
`gen:<family>`: every generated question of a family is practice of the same skill.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

# Box n (1-based) waits INTERVALS[n - 1] after a right answer; a miss waits RELEARN.
INTERVALS = (
    dt.timedelta(days=1),
    dt.timedelta(days=3),
    dt.timedelta(days=7),
    dt.timedelta(days=16),
    dt.timedelta(days=35),
)
RELEARN = dt.timedelta(minutes=10)
TOP_BOX = len(INTERVALS)
# From this box on a card counts as "known" for mastery figures: it survived at least a week's wait.
KNOWN_BOX = 4


@dataclass(frozen=True)
class Card:
    item: str
    box: int = 0  # 0 = never answered
    due_at: dt.datetime | None = None
    right: int = 0
    wrong: int = 0
    last_answered_at: dt.datetime | None = None

    @property
    def is_new(self) -> bool:
        return self.box == 0

    @property
    def is_known(self) -> bool:
        return self.box >= KNOWN_BOX

    def is_due(self, now: dt.datetime) -> bool:
        return self.due_at is not None and self.due_at <= now


def review(card: Card, correct: bool, now: dt.datetime) -> Card:
    """The card after one answer at `now`."""
    if correct:
        box = min(card.box + 1, TOP_BOX)
        return replace(card, box=box, due_at=now + INTERVALS[box - 1], right=card.right + 1, last_answered_at=now)
    return replace(card, box=1, due_at=now + RELEARN, wrong=card.wrong + 1, last_answered_at=now)


def item_key(question_id: str, family: str | None) -> str:
    """The card a question trains: the question itself, or its generator family."""
    return f"gen:{family}" if family else question_id
