"""/countdown's figures: days to a member's exams, to the close of the exam windows they joined, and to the end
of their Authorization to Test (ATT). Pure: today's local date and the edition's ATT validity are passed in."""

from __future__ import annotations

import calendar
import datetime as dt


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
