"""Turn what a member typed into instants, weekdays and zones; every refusal is a UserInputError.

Pure: `now` is passed in. Times are read as the member's local wall time in their IANA zone and returned
as aware UTC datetimes. A day without a time of day ("tomorrow", "next monday") means 09:00 local, and a
bare hour after a day ("tomorrow 7") is refused as ambiguous. Durations ("in 2 hours", "in 90 minutes") are
exact elapsed time; anything with a date or a time of day ("tomorrow 7pm", "friday 18:00", "in 3 days") is
local wall time, resolved like study.recurrence (a time in the spring-forward gap moves forward, an
ambiguous one takes the first).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import dateparser

from study.errors import UserInputError
from study.recurrence import WEEKDAY_NAMES, local_instant
from study.timezones import is_known_zone

MAX_AHEAD = dt.timedelta(days=366)
_DURATION = re.compile(
    r"^\s*in\s+(\d{1,5})\s*(m|min|mins|minute|minutes|h|hr|hrs|hour|hours)\s*$", re.IGNORECASE
)
# A date without a time of day ("tomorrow", "next monday", "2027-04-01") means this time, and the confirmation
# says so: dateparser would otherwise keep the current clock time for some texts and midnight for others.
DEFAULT_TIME_OF_DAY = dt.time(9, 0)
_HAS_TIME = re.compile(
    r"\d{1,2}:\d{2}|\d{1,2}\s*(?:am|pm)\b|\b(?:noon|midnight|morning|afternoon|evening|tonight|night)\b",
    re.IGNORECASE)
_RELATIVE = re.compile(r"^\s*in\s", re.IGNORECASE)  # "in 3 days", "in 1 hour 30 minutes": counted from now
# "tomorrow 7", "friday at 6": a bare hour that could be morning or evening
_BARE_HOUR = re.compile(r"(?:\bat\s+\d{1,2}|\b(?:today|tomorrow|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
                        r"[a-z]*\s+\d{1,2})\s*$", re.IGNORECASE)
_TIME_OF_DAY = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)
_DAY_ALIASES = {
    "daily": frozenset(range(7)), "everyday": frozenset(range(7)), "every day": frozenset(range(7)),
    "weekdays": frozenset(range(5)), "workdays": frozenset(range(5)), "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
}
_DAY_NAMES = {
    **{name: i for i, name in enumerate(WEEKDAY_NAMES)},
    **{name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                         "sunday"))},
    "tues": 1, "wednes": 2, "thur": 3, "thurs": 3,
}


def validate_timezone(name: str) -> str:
    """The IANA zone name as given if it is one (study.timezones), else a UserInputError naming it."""
    cleaned = (name or "").strip()
    if is_known_zone(cleaned):
        return cleaned
    raise UserInputError(
        f"'{name}' is not a time zone I know. Use an IANA name such as Europe/Berlin, America/Chicago or UTC."
    )


@dataclass(frozen=True)
class When:
    """An instant read from text; assumed_time is set when the text named a day but no time of day."""

    at: dt.datetime
    assumed_time: dt.time | None = None


def parse_when(text: str, tz_name: str, now: dt.datetime) -> dt.datetime:
    """When `text` means, as an aware UTC datetime strictly after `now` and at most a year ahead."""
    return read_when(text, tz_name, now).at


def read_when(text: str, tz_name: str, now: dt.datetime) -> When:
    """Like parse_when, and says whether DEFAULT_TIME_OF_DAY was assumed (so the confirmation can tell)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    zone = ZoneInfo(validate_timezone(tz_name))
    cleaned = (text or "").strip()
    if not cleaned:
        raise UserInputError("Tell me when, for example 'tomorrow 7pm', 'in 2 hours' or '2027-03-01 18:00'.")
    duration = _DURATION.match(cleaned)
    if _BARE_HOUR.search(cleaned):
        raise UserInputError(f"In '{text}', is the hour in the morning or the evening? Write it as 07:00 or 19:00 "
                             "(or 7am, 7pm), e.g. 'tomorrow 19:00'.")
    try:
        when, assumed = _resolve(cleaned, text, duration, zone, tz_name, now)
    except UserInputError:
        raise
    except (OverflowError, ValueError):  # a date at the edge of the calendar: year 1 or 9999 and beyond
        raise UserInputError(f"'{text}' is too far away. Reminders can be at most a year in the future.") from None
    when = when.replace(microsecond=0)
    if when <= now:
        local = when.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        raise UserInputError(f"'{text}' is {local} in {tz_name}, which is already past. Pick a time in the future.")
    if when - now > MAX_AHEAD:
        raise UserInputError(f"'{text}' is more than a year ahead. Reminders can be at most a year in the future.")
    return When(when, assumed)


def parse_time_of_day(text: str) -> dt.time:
    """"19:30", "7:30pm", "7pm", "07" → a time of day; anything else is a UserInputError."""
    match = _TIME_OF_DAY.match(text or "")
    if match:
        hour, minute, meridiem = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
        if meridiem:  # 12am is 00, 12pm is 12; "13pm" is refused
            hour = hour % 12 + (12 if meridiem == "pm" else 0) if 1 <= hour <= 12 else 99
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return dt.time(hour, minute)
    raise UserInputError(f"'{text}' is not a time of day. Use 24-hour HH:MM like 19:30, or 7pm.")


def parse_days(text: str) -> frozenset[int]:
    """"daily", "weekdays", "weekends", "mon-fri", "mon,wed,fri", "sat sun" → weekdays (0 = Monday)."""
    cleaned = (text or "").strip().lower()
    if cleaned in _DAY_ALIASES:
        return _DAY_ALIASES[cleaned]
    days: set[int] = set()
    parts = [p for p in re.split(r"[,\s;/]+", cleaned) if p]
    for part in parts:
        if "-" in part:
            first, _, last = part.partition("-")
            if first not in _DAY_NAMES or last not in _DAY_NAMES:
                break
            start, end = _DAY_NAMES[first], _DAY_NAMES[last]
            span = (end - start) % 7
            days.update((start + i) % 7 for i in range(span + 1))
        elif part in _DAY_NAMES:
            days.add(_DAY_NAMES[part])
        else:
            break
    else:
        if days:
            return frozenset(days)
    raise UserInputError(
        f"'{text}' is not a set of days. Use daily, weekdays, weekends, a range like mon-fri, "
        "or a list like mon,wed,fri."
    )


def _resolve(cleaned: str, text: str, duration: re.Match[str] | None, zone: ZoneInfo, tz_name: str,
             now: dt.datetime) -> tuple[dt.datetime, dt.time | None]:
    """The instant the text names and the time of day assumed, if any (read_when checks the range)."""
    assumed: dt.time | None = None
    if duration:
        amount, unit = int(duration[1]), duration[2].lower()
        when = now.astimezone(dt.UTC) + (
            dt.timedelta(minutes=amount) if unit.startswith("m") else dt.timedelta(hours=amount)
        )
    else:
        base = now.astimezone(zone).replace(tzinfo=None)
        parsed = dateparser.parse(
            cleaned,
            languages=["en"],
            settings={
                "PREFER_DATES_FROM": "future",
                "TIMEZONE": tz_name,
                "RETURN_AS_TIMEZONE_AWARE": False,
                "RELATIVE_BASE": base,
            },
        )
        if parsed is None:
            raise UserInputError(
                f"I could not read '{text}' as a time. Try 'tomorrow 7pm', 'in 2 hours', 'friday 18:00' "
                "or '2027-03-01 18:00'."
            )
        if parsed.tzinfo is not None:  # the text named its own zone or offset
            when = parsed.astimezone(dt.UTC)
        else:  # local wall time: resolve it with zoneinfo, not with the base's offset (wrong across DST)
            wall = parsed.time()
            if not _HAS_TIME.search(cleaned) and not _RELATIVE.match(cleaned):
                wall = assumed = DEFAULT_TIME_OF_DAY
            when = local_instant(parsed.date(), wall, zone)
    return when, assumed
