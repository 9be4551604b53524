"""What an exam nudge says and the rules for exam dates and nudge offsets. Pure: dates and now come in."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from study.errors import UserInputError
from study.recurrence import DEFAULT_NUDGE_DAYS

MAX_EXAM_AHEAD = dt.timedelta(days=2 * 366)
MAX_OFFSETS = 10
MIN_DAILY, MAX_DAILY = 5, 60


def parse_exam_date(text: str, today: dt.date) -> dt.date:
    """YYYY-MM-DD, today or later, at most two years ahead."""
    try:
        day = dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise UserInputError(f"'{text}' is not a date; use YYYY-MM-DD, e.g. {today + dt.timedelta(days=60)}.") from None
    if day < today:
        raise UserInputError(f"{day.isoformat()} is in the past; give the date of an upcoming exam.")
    if day - today > MAX_EXAM_AHEAD:
        raise UserInputError(f"{day.isoformat()} is more than two years ahead; check the year.")
    return day


def parse_offsets(text: str) -> tuple[int, ...]:
    """'30,14,7,3,1,0' → (30, 14, 7, 3, 1, 0); 'default' → the default series."""
    cleaned = (text or "").strip().lower()
    if cleaned in ("default", "defaults", "reset"):
        return DEFAULT_NUDGE_DAYS
    if cleaned in ("none", "off"):
        return ()
    try:
        values = sorted({int(part) for part in cleaned.replace(" ", ",").split(",") if part}, reverse=True)
    except ValueError:
        raise UserInputError(f"'{text}' is not a list of days; use numbers like 30,14,7,3,1,0 (0 = exam morning), "
                             "'default' or 'off'.") from None
    if not values or any(not 0 <= v <= 365 for v in values):
        raise UserInputError("Nudge days must be between 0 (the exam morning) and 365.")
    if len(values) > MAX_OFFSETS:
        raise UserInputError(f"At most {MAX_OFFSETS} nudges per exam.")
    return tuple(values)


def suggested_daily(questions_left: int, days_left: int) -> int:
    """Questions a day to get through what is not yet known before the exam, within sane bounds."""
    if days_left <= 0:
        return MIN_DAILY
    return max(MIN_DAILY, min(MAX_DAILY, math.ceil(questions_left / days_left)))


@dataclass(frozen=True)
class NudgeFacts:
    module_code: str
    module_name: str
    exam_date: dt.date
    days_left: int
    weakest_topics: tuple[str, ...]
    reviews_due: int
    questions_left: int

    @property
    def daily_target(self) -> int:
        return suggested_daily(self.questions_left, self.days_left)


def nudge_text(facts: NudgeFacts) -> str:
    """The body of an exam nudge DM."""
    if facts.days_left == 0:
        head = f"🍀 Today is your **{facts.module_code}** exam ({facts.module_name}). You've prepared: good luck!"
    elif facts.days_left == 1:
        head = f"⏳ **1 day** to your **{facts.module_code}** exam ({facts.module_name}) on {facts.exam_date:%a %d %b}."
    else:
        head = (f"⏳ **{facts.days_left} days** to your **{facts.module_code}** exam ({facts.module_name}) "
                f"on {facts.exam_date:%a %d %b %Y}.")
    lines = [head]
    if facts.weakest_topics:
        lines.append("Weakest topics: " + ", ".join(facts.weakest_topics) + ".")
    else:
        lines.append("No weak topics yet: answer a few questions so I can find them.")
    lines.append(f"Reviews due: {facts.reviews_due}.")
    if facts.days_left > 0:
        lines.append(f"Suggested pace: **{facts.daily_target} questions a day** in {facts.module_code}.")
    return "\n".join(lines)


def exam_countdown(exam_date: dt.date, today: dt.date) -> str:
    """How /exam list says when an exam is, from the member's local `today`: never 'in -3 days'."""
    days = (exam_date - today).days
    if days < 0:
        return "passed"
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"
