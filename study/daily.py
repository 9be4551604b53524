"""The daily question's rules: schedule input, module rotation, the no-repeat window, streaks, leaderboards
and the figures shown at the reveal.

Pure: no clock, no database, no Discord. Callers pass today's date in the guild's time zone, the history
they fetched, and a random source.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from study.errors import UserInputError
from study.questions import Question
from study.timezones import is_known_zone

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS = tuple(range(7))
DEFAULT_REPEAT_WINDOW_DAYS = 60
DEFAULT_REVEAL_AFTER_HOURS = 12
# A module needs this many group answers before it can be called the group's weakest.
MIN_ANSWERS_FOR_WEAKEST = 5
FIRST_CORRECT_SHOWN = 3
WEAKEST = "weakest"
Period = Literal["week", "month", "season", "all"]
PERIODS: tuple[Period, ...] = ("week", "month", "season", "all")


def as_period(text: str) -> Period:
    """A period named in a button's id (a command's choices are periods already)."""
    for period in PERIODS:
        if period == text:
            return period
    raise UserInputError(f"'{text}' is not a period: use week, month, season or all.")

_TIME = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")


# ---- schedule input -------------------------------------------------------------------------------------------

def parse_time(text: str) -> tuple[int, int]:
    """'08:00' → (8, 0). A time that does not exist on a clock (25:00, 7:60) is refused."""
    match = _TIME.match(text or "")
    if not match:
        raise UserInputError(f"'{text}' is not a time: write it as HH:MM on a 24-hour clock, e.g. 08:00 or 19:30.")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise UserInputError(f"'{text}' is not a time of day: hours go from 00 to 23 and minutes from 00 to 59.")
    return hour, minute


def format_time(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


def parse_timezone(name: str) -> str:
    """The IANA name as given, if it is one (study.timezones)."""
    cleaned = (name or "").strip()
    if not is_known_zone(cleaned):
        raise UserInputError(f"I don't know the time zone '{name}'. Pick an IANA name from the list, "
                             f"such as Europe/Berlin or America/New_York.")
    return cleaned


def cron_days(days: Sequence[int]) -> str:
    """The day_of_week field of a cron trigger: 'mon,tue,wed'."""
    return ",".join(DAY_NAMES[d] for d in sorted(set(days)))


def describe_days(days: Sequence[int]) -> str:
    days = tuple(sorted(set(days)))
    if days == ALL_DAYS:
        return "every day"
    if days == (0, 1, 2, 3, 4):
        return "Monday to Friday"
    return ", ".join(DAY_NAMES[d].capitalize() for d in days)


def split_modules(text: str | None) -> list[str]:
    """'dsp, mpr smr' → ['dsp', 'mpr', 'smr'] (the caller resolves each against the syllabus)."""
    return [part for part in re.split(r"[,\s]+", (text or "").strip().lower()) if part]


# ---- rotation and question choice ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ModuleTally:
    module: str
    answered: int
    right: int

    @property
    def accuracy(self) -> float:
        return self.right / self.answered if self.answered else 0.0


def next_in_rotation(order: Sequence[str], last_module: str | None) -> str:
    """The module after the one asked last, wrapping around; the first one to begin with."""
    if not order:
        raise ValueError("the rotation needs at least one module")
    if last_module not in order:
        return order[0]
    return order[(order.index(last_module) + 1) % len(order)]


def weakest_module(tallies: Iterable[ModuleTally], order: Sequence[str], last_module: str | None) -> str:
    """The group's weakest module (lowest share right among modules with enough answers).

    Until the group has answered enough in some module, this falls back to the rotation, so a new group
    still sees every module. Ties go to the module answered less, then to the rotation order.
    """
    judged = [t for t in tallies if t.module in order and t.answered >= MIN_ANSWERS_FOR_WEAKEST]
    if not judged:
        return next_in_rotation(order, last_module)
    return min(judged, key=lambda t: (t.accuracy, t.answered, order.index(t.module))).module


def weighted_next(weights: Mapping[str, int | float], posted: Mapping[str, int]) -> str:
    """The module the rotation owes most: each module's share of the posts so far plus one, minus what it got.

    Over any stretch of posts every module gets its weight's share, give or take one post (a smooth weighted
    round robin, deterministic from the counts); ties go to the first module in the weights' order."""
    total = sum(value for value in weights.values() if value > 0)
    count = sum(posted.get(key, 0) for key in weights)
    return max(weights, key=lambda key: (weights[key] / total * (count + 1) - posted.get(key, 0)) if total else 0)


def module_order(start: str, order: Sequence[str]) -> list[str]:
    """Every module of the order, beginning with `start`: where to look when one module has run dry."""
    if start not in order:
        return list(order)
    index = order.index(start)
    return list(order[index:]) + list(order[:index])


def pick_fresh(pool: Sequence[Question], recent_ids: set[str], rng: random.Random) -> Question | None:
    """A random written question not asked within the window, or None when every one was."""
    fresh = [q for q in pool if q.id not in recent_ids]
    return rng.choice(fresh) if fresh else None


def repeat_cutoff(now: dt.datetime, window_days: int) -> dt.datetime:
    """Questions posted at or after this instant may not be posted again."""
    return now - dt.timedelta(days=window_days)


# ---- streaks --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Streak:
    current: int
    best: int
    answered: int  # daily posts answered in all


def compute_streak(post_days: Iterable[dt.date], answered_days: Iterable[dt.date],
                   open_days: Iterable[dt.date] = ()) -> Streak:
    """Consecutive daily posts answered, counted by the guild's calendar day.

    Days without a post (a weekend of a Monday-to-Friday schedule) neither break nor extend a streak. A day
    whose post is still open (not revealed yet) and not answered does not break the current streak either:
    the member can still answer it.
    """
    days = sorted(set(post_days))
    answered = set(answered_days) & set(days)
    still_open = set(open_days)
    best = run = 0
    for day in days:
        run = run + 1 if day in answered else 0
        best = max(best, run)
    current = 0
    for day in reversed(days):
        if day in answered:
            current += 1
        elif day in still_open and current == 0:
            continue  # today's question can still be answered
        else:
            break
    return Streak(current=current, best=best, answered=len(answered))


FREEZE_EVERY = 7   # answered daily posts in a row that earn one streak freeze
FREEZES_HELD_MAX = 2


@dataclass(frozen=True)
class FrozenStreak:
    current: int
    best: int
    answered: int          # daily posts answered in all
    freezes_held: int
    freezes_used: int
    frozen_days: tuple[dt.date, ...]  # missed post days a freeze covered


def streak_with_freezes(post_days: Iterable[dt.date], answered_days: Iterable[dt.date],
                        open_days: Iterable[dt.date] = (), *, every: int = FREEZE_EVERY,
                        held_max: int = FREEZES_HELD_MAX) -> FrozenStreak:
    """The daily streak with freezes: every `every` posts answered in a row earn a freeze (at most `held_max`
    held), and a missed post uses one automatically instead of breaking the streak.

    Counted by the guild's calendar days with a post, like compute_streak. A day covered by a freeze keeps the
    streak alive but does not lengthen it, nor count towards the next freeze. A miss with no streak to save
    uses nothing. A post still open and not answered is neither a miss nor an answer: the member can still
    answer it.
    """
    days = sorted(set(post_days))
    answered = set(answered_days) & set(days)
    still_open = set(open_days) - answered
    run = best = held = used = towards = 0
    frozen: list[dt.date] = []
    for day in days:
        if day in answered:
            run += 1
            towards += 1
            best = max(best, run)
            if towards >= every:
                towards = 0
                held = min(held + 1, held_max)
        elif day in still_open:
            continue
        elif run and held:
            held -= 1
            used += 1
            frozen.append(day)
        else:
            run = towards = 0
    return FrozenStreak(current=run, best=best, answered=len(answered), freezes_held=held, freezes_used=used,
                        frozen_days=tuple(frozen))


# ---- leaderboards ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberTally:
    user_id: int
    answered: int
    right: int

    @property
    def accuracy(self) -> float:
        return self.right / self.answered if self.answered else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.accuracy)


@dataclass(frozen=True)
class Ranked:
    rank: int
    tally: MemberTally


def rank_members(tallies: Iterable[MemberTally]) -> list[Ranked]:
    """Most right answers first; a higher share right breaks ties; members still equal share a rank (1, 2, 2, 4).

    Shared places compare accuracy exactly (cross-multiplied), so 2/3 and 4/6 tie whatever floats do.
    """
    ordered = sorted(tallies, key=lambda t: (-t.right, -t.accuracy, t.user_id))
    ranked: list[Ranked] = []
    for position, tally in enumerate(ordered, start=1):
        if ranked and _same_place(ranked[-1].tally, tally):
            ranked.append(Ranked(ranked[-1].rank, tally))
        else:
            ranked.append(Ranked(position, tally))
    return ranked


def _same_place(a: MemberTally, b: MemberTally) -> bool:
    # cross-multiplication: exact, no float rounding
    return a.right == b.right and a.right * b.answered == b.right * a.answered


def period_start(period: Period, today: dt.date) -> dt.date | None:
    """The first local day a period counts: Monday of this week, the 1st of this month, or None for all."""
    if period == "week":
        return today - dt.timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    if period == "all":
        return None
    raise UserInputError(f"'{period}' is not a period: use week, month or all (a season's start comes from "
                         f"study.seasons).")


Row = TypeVar("Row")


def page_of(ranked: Sequence[Row], page: int, size: int) -> tuple[list[Row], int, int]:
    """The rows of a page (clamped into range), the page actually shown and the page count."""
    pages = max(1, -(-len(ranked) // size))
    page = min(max(page, 0), pages - 1)
    return list(ranked[page * size:(page + 1) * size]), page, pages


def find_member(ranked: Sequence[Ranked], user_id: int) -> Ranked | None:
    return next((row for row in ranked if row.tally.user_id == user_id), None)


# ---- the reveal -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DailyAnswer:
    user_id: int
    choice: int
    answered_at: dt.datetime


@dataclass(frozen=True)
class RevealFigures:
    total: int
    correct: int
    by_choice: tuple[int, ...]
    first_correct: tuple[int, ...]

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


def reveal_figures(answers: Sequence[DailyAnswer], answer_index: int, choice_count: int) -> RevealFigures:
    """How the group did. `answers` come in the order they were recorded, which breaks same-second ties."""
    by_choice = [0] * choice_count
    for answer in answers:
        if 0 <= answer.choice < choice_count:
            by_choice[answer.choice] += 1
    in_order = sorted(enumerate(answers), key=lambda pair: (pair[1].answered_at, pair[0]))
    first = tuple(a.user_id for _, a in in_order if a.choice == answer_index)[:FIRST_CORRECT_SHOWN]
    return RevealFigures(total=len(answers), correct=by_choice[answer_index] if answer_index < choice_count else 0,
                         by_choice=tuple(by_choice), first_correct=first)


# ---- the weekly summary ---------------------------------------------------------------------------------------

def previous_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week before the one `today` is in."""
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return monday, monday + dt.timedelta(days=6)


def local_day(instant: dt.datetime, timezone: str) -> dt.date:
    """The calendar day an instant falls on in a guild's time zone."""
    return instant.astimezone(ZoneInfo(timezone)).date()


# ---- posts that were claimed but not sent ---------------------------------------------------------------------

def may_still_send(claimed_at: dt.datetime, post_day: dt.date, timezone: str, now: dt.datetime,
                   grace: dt.timedelta) -> bool:
    """Whether a post claimed at `claimed_at` for `post_day` and never sent (Discord was down, the bot died)
    may still be sent now: within the grace window and on the same local day, the rule for a missed post.
    Later than that it is yesterday's question, or too late to be worth answering."""
    return now - claimed_at <= grace and local_day(now, timezone) == post_day
