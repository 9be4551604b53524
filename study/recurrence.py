"""Weekly schedules and exam nudges, computed in the member's IANA time zone with zoneinfo.

Instants go in and come out as aware UTC datetimes; local wall times are resolved in the zone:

- a 19:30 reminder stays at 19:30 local across a DST change (its UTC instant moves instead);
- a local time that does not exist (the spring-forward gap, e.g. 02:30 in Berlin on the last Sunday of
  March) moves forward by the length of the gap (02:30 → 03:30 local);
- a local time that happens twice (the autumn fold) uses the first of the two (the summer-time one).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_NUDGE_DAYS: tuple[int, ...] = (30, 14, 7, 3, 1, 0)
NUDGE_TIME = dt.time(8, 0)


def local_instant(day: dt.date, time_of_day: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of a local wall time: gap times move forward by the gap, fold times take the first."""
    wall = dt.datetime.combine(day, time_of_day.replace(tzinfo=None, fold=0)).replace(tzinfo=zone, fold=0)
    # With fold=0, zoneinfo reads a gap time with the offset in force before the gap, which lands after it
    # (PEP 495), and a fold time with the earlier (summer) offset: exactly the two rules above.
    return wall.astimezone(dt.UTC)


@dataclass(frozen=True)
class WeeklySchedule:
    """A time of day on a set of weekdays (0 = Monday … 6 = Sunday)."""

    time: dt.time
    days: frozenset[int]

    def __post_init__(self) -> None:
        if not self.days or not all(isinstance(d, int) and 0 <= d <= 6 for d in self.days):
            raise ValueError(f"weekdays must be a non-empty set of 0..6, got {sorted(self.days)!r}")

    def to_json(self) -> str:
        """The form stored in reminders.recurrence, e.g. {"time": "19:30", "days": [0, 2, 4]}."""
        return json.dumps({"time": self.time.strftime("%H:%M"), "days": sorted(self.days)}, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> WeeklySchedule:
        data = json.loads(text)
        return cls(dt.time.fromisoformat(data["time"]), frozenset(int(d) for d in data["days"]))

    def describe(self) -> str:
        days = sorted(self.days)
        if len(days) == 7:
            when = "every day"
        elif days == [0, 1, 2, 3, 4]:
            when = "on weekdays"
        elif days == [5, 6]:
            when = "at weekends"
        else:
            when = "on " + ", ".join(WEEKDAY_NAMES[d].capitalize() for d in days)
        return f"{when} at {self.time.strftime('%H:%M')}"


def next_occurrence(schedule: WeeklySchedule, tz_name: str, after: dt.datetime) -> dt.datetime:
    """The first occurrence strictly after `after` (aware), as an aware UTC datetime."""
    if after.tzinfo is None:
        raise ValueError("after must be an aware datetime")
    zone = ZoneInfo(tz_name)
    start = after.astimezone(zone).date()
    for offset in range(9):  # 8 days always contain one matching weekday after `after`; one spare for gaps
        day = start + dt.timedelta(days=offset)
        if day.weekday() in schedule.days:
            candidate = local_instant(day, schedule.time, zone)
            if candidate > after:
                return candidate
    raise AssertionError("unreachable: a weekly schedule always has an occurrence within 9 days")


def next_occurrence_json(recurrence: str, tz_name: str, after: dt.datetime) -> dt.datetime:
    """next_occurrence for the JSON stored in reminders.recurrence."""
    return next_occurrence(WeeklySchedule.from_json(recurrence), tz_name, after)


class ExamNudge(NamedTuple):
    days_before: int
    at: dt.datetime  # aware UTC


def exam_nudges(exam_date: dt.date, tz_name: str, now: dt.datetime, *, exam_time: dt.time | None = None,
                offsets: tuple[int, ...] = DEFAULT_NUDGE_DAYS, at: dt.time = NUDGE_TIME) -> list[ExamNudge]:
    """The nudges still in the future for an exam on a local date, earliest first.

    Each nudge is `days_before` days before the exam date at `at` (08:00) local time; the day-0 nudge is
    the morning of the exam, moved to an hour before the exam if it starts at or before 08:00.
    """
    zone = ZoneInfo(tz_name)
    nudges = []
    for days in sorted(set(offsets), reverse=True):
        if days < 0:
            raise ValueError(f"nudge offsets are days before the exam and cannot be negative, got {days}")
        if days == 0 and exam_time is not None and exam_time <= at:
            instant = local_instant(exam_date, exam_time, zone) - dt.timedelta(hours=1)
        else:
            instant = local_instant(exam_date - dt.timedelta(days=days), at, zone)
        if instant > now:
            nudges.append(ExamNudge(days, instant))
    return sorted(nudges, key=lambda n: n.at)
