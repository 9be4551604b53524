"""/countdown's figures: days to a member's exams, to the close of the exam windows they joined, and to the end
of their Authorization to Test (ATT); and the rules of the organizers' pinned board (/countdown-board): which
exams it lists, when it is edited, and what happens when its message is deleted. Pure: today's local date and
the edition's ATT validity are passed in."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass

from study.recurrence import WeeklySchedule


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Aug + 6 months = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def att_valid_until(received: dt.date, months: int) -> dt.date:
    """The last day an ATT received on `received` can be used: `months` of validity (edition data)."""
    return add_months(received, months) - dt.timedelta(days=1)


def days_phrase(target: dt.date, today: dt.date) -> str:
    days = (target - today).days
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} ago"
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in **{days}** days"


# ---- the organizers' pinned countdown (/countdown-board) -------------------------------------------------------

BOARD_TIME = dt.time(7, 0)        # the board is edited each morning at this local time (the server's zone) ...
EVERY_DAY = frozenset(range(7))   # ... every day of the week
BOARD_LINES = 20                  # exams listed on the board; the rest are counted ("and 3 more")


@dataclass(frozen=True)
class BoardExam:
    user_id: int
    module: str          # the stored exam key (a 2017 module, or an edition's one exam)
    on: dt.date


@dataclass(frozen=True)
class BoardLine:
    exam: BoardExam
    days: int            # 0 = today


def board_schedule(at: dt.time = BOARD_TIME) -> WeeklySchedule:
    """When the board is edited: every morning at `at`, in the server's zone (a reminder row's recurrence)."""
    return WeeklySchedule(at.replace(second=0, microsecond=0), EVERY_DAY)


def board_lines(exams: list[BoardExam], sharing: set[int], today: dt.date) -> tuple[list[BoardLine], int]:
    """The group's upcoming exams as the board shows them: only members who opted in (the default is out), only
    exams today or later, soonest first; at most BOARD_LINES, and how many more were left off."""
    upcoming = sorted((e for e in exams if e.user_id in sharing and e.on >= today),
                      key=lambda e: (e.on, e.user_id, e.module))
    lines = [BoardLine(e, (e.on - today).days) for e in upcoming[:BOARD_LINES]]
    return lines, max(len(upcoming) - BOARD_LINES, 0)


class AfterDeletion(enum.Enum):
    REPOST = "repost"
    STOP = "stop"


def after_deletion(replaced_before: bool) -> AfterDeletion:
    """Someone deleted the board's message. The first time the bot posts (and pins) it again, saying why; if the
    message it posted again is deleted too, that reads as "we don't want it": the board stops, and says so."""
    return AfterDeletion.STOP if replaced_before else AfterDeletion.REPOST
