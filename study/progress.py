"""Progress figures from tallies: accuracy, mastery, reviews due, weakest topics, streak, last studied.

Pure: the database hands over per-module counts (already aggregated in SQL) and this module turns them into
the figures a member sees. Mastery is the share of a module's written questions whose spaced-repetition
card sits in a "known" box (study.srs.KNOWN_BOX: it survived at least a week's wait).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from study.selection import TopicScore, weakest_topics

RECENT_DAYS = 30


@dataclass(frozen=True)
class AnswerTally:
    """Answers to one module's questions: all time, and within the recent window."""

    module: str
    answered: int
    right: int
    answered_recent: int = 0
    right_recent: int = 0


@dataclass(frozen=True)
class CardTally:
    module: str
    known: int  # written questions of the module whose card is in a known box
    due: int  # cards of the module due for review now


@dataclass(frozen=True)
class ModuleProgress:
    module: str
    answered: int
    right: int
    answered_recent: int
    right_recent: int
    known: int
    bank_size: int
    reviews_due: int

    @property
    def accuracy(self) -> float | None:
        """Share of right answers, or None before the first answer (0% would be a lie)."""
        return self.right / self.answered if self.answered else None

    @property
    def accuracy_recent(self) -> float | None:
        return self.right_recent / self.answered_recent if self.answered_recent else None

    @property
    def mastery(self) -> float:
        """Known questions over the module's bank, capped at 1 (questions retired after being learnt)."""
        return min(self.known / self.bank_size, 1.0) if self.bank_size else 0.0


@dataclass(frozen=True)
class Progress:
    modules: tuple[ModuleProgress, ...]
    weakest: tuple[TopicScore, ...]
    streak_days: int
    last_studied: dt.datetime | None
    per_day: tuple[tuple[dt.date, int], ...]  # the last RECENT_DAYS days, oldest first, zeros included

    @property
    def answered(self) -> int:
        return sum(m.answered for m in self.modules)

    @property
    def right(self) -> int:
        return sum(m.right for m in self.modules)

    @property
    def reviews_due(self) -> int:
        return sum(m.reviews_due for m in self.modules)

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None

    def module(self, key: str) -> ModuleProgress | None:
        return next((m for m in self.modules if m.module == key), None)


def recent_since(now: dt.datetime, days: int = RECENT_DAYS) -> dt.datetime:
    """The start of the recent window: the last `days` days up to now."""
    return now - dt.timedelta(days=days)


def series_start(today: dt.date, days: int = RECENT_DAYS) -> dt.date:
    """First day of the per-day series that ends today."""
    return today - dt.timedelta(days=days - 1)


def streak(study_days: Iterable[dt.date], today: dt.date) -> int:
    """Consecutive days with at least one answer, ending today, or yesterday if today has none yet.

    Why yesterday counts: at breakfast a member who studied every evening still has a streak.
    """
    days = set(study_days)
    cursor = today if today in days else today - dt.timedelta(days=1)
    count = 0
    while cursor in days:
        count += 1
        cursor -= dt.timedelta(days=1)
    return count


def daily_series(counts: Mapping[dt.date, int], today: dt.date,
                 days: int = RECENT_DAYS) -> tuple[tuple[dt.date, int], ...]:
    start = series_start(today, days)
    return tuple((start + dt.timedelta(days=i), counts.get(start + dt.timedelta(days=i), 0)) for i in range(days))


def build_progress(*, module_order: Sequence[str], bank_sizes: Mapping[str, int], answers: Iterable[AnswerTally],
                   cards: Iterable[CardTally], topics: Iterable[TopicScore], study_days: Iterable[dt.date],
                   per_day: Mapping[dt.date, int], last_studied: dt.datetime | None,
                   now: dt.datetime) -> Progress:
    """Every figure of /progress. Modules follow the syllabus order; modules outside it come last."""
    by_answers = {a.module: a for a in answers}
    by_cards = {c.module: c for c in cards}
    order = list(module_order) + sorted((set(by_answers) | set(by_cards)) - set(module_order))
    modules = []
    for key in order:
        a = by_answers.get(key, AnswerTally(key, 0, 0))
        c = by_cards.get(key, CardTally(key, 0, 0))
        modules.append(ModuleProgress(key, a.answered, a.right, a.answered_recent, a.right_recent, c.known,
                                      bank_sizes.get(key, 0), c.due))
    today = now.date()
    return Progress(
        modules=tuple(modules),
        weakest=tuple(weakest_topics(topics, limit=3)),
        streak_days=streak(study_days, today),
        last_studied=last_studied,
        per_day=daily_series(per_day, today),
    )


def percent(share: float | None) -> str:
    """'73%' or '—' when there is nothing to measure yet."""
    return "—" if share is None else f"{round(share * 100)}%"


def regroup_tallies(rows: Iterable[tuple[str, str, int, int, int, int]],
                    place: Callable[[str, str], tuple[str, str]]) -> list[AnswerTally]:
    """Tallies stored per (module, topic) under one edition's keys, summed per module of another edition."""
    sums: dict[str, list[int]] = {}
    for module, topic, *counts in rows:
        key = place(module, topic)[0]
        total = sums.setdefault(key, [0, 0, 0, 0])
        for index, value in enumerate(counts):
            total[index] += value or 0
    return [AnswerTally(key, *counts) for key, counts in sums.items()]
