"""Seasons and champions: which days a season covers, and who wins it.

Pure: no clock, no database, no Discord. A season is `months` calendar months long (1 by default: the calendar
month); seasons are aligned on the calendar year, so 3 means quarters (Jan-Mar, Apr-Jun...), 12 means years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from study.daily import Ranked
from study.errors import UserInputError

DEFAULT_SEASON_MONTHS = 1
SEASON_LENGTHS = (1, 2, 3, 4, 6, 12)  # the lengths that divide a year: every year starts a season


@dataclass(frozen=True)
class Season:
    start: dt.date
    end: dt.date  # the last day, inclusive

    @property
    def label(self) -> str:
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return f"{self.start:%B %Y}"
        if self.start.year == self.end.year:
            return f"{self.start:%b} – {self.end:%b %Y}"
        return f"{self.start:%b %Y} – {self.end:%b %Y}"


def check_months(months: int) -> int:
    if months not in SEASON_LENGTHS:
        raise UserInputError(f"A season is {', '.join(map(str, SEASON_LENGTHS[:-1]))} or {SEASON_LENGTHS[-1]} "
                             f"months long, so that every year starts a new one.")
    return months


def _month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def season_of(day: dt.date, months: int = DEFAULT_SEASON_MONTHS) -> Season:
    """The season a local day falls in."""
    check_months(months)
    index = day.year * 12 + day.month - 1
    first = index - index % months
    return Season(_month_start(first), _month_start(first + months) - dt.timedelta(days=1))


def previous_season(day: dt.date, months: int = DEFAULT_SEASON_MONTHS) -> Season:
    """The season that ended before the one `day` is in."""
    return season_of(season_of(day, months).start - dt.timedelta(days=1), months)


@dataclass(frozen=True)
class Champions:
    winners: tuple[Ranked, ...]    # still members: the role goes to them (more than one on a tie)
    departed: tuple[Ranked, ...]   # placed as high or higher but no longer in the server: named, no role


def champions(ranked: Sequence[Ranked], present: Iterable[int]) -> Champions:
    """The best-placed members still in the server win (all of them on a shared place); anyone placed as high
    or higher who left the server is named but cannot receive anything. Nobody wins a season without a right
    answer."""
    here = set(present)
    scoring = [row for row in ranked if row.tally.right > 0]
    best = min((row.rank for row in scoring if row.tally.user_id in here), default=None)
    if best is None:
        top = min((row.rank for row in scoring), default=None)
        return Champions((), tuple(row for row in scoring if row.rank == top))
    return Champions(tuple(row for row in scoring if row.rank == best and row.tally.user_id in here),
                     tuple(row for row in scoring if row.rank <= best and row.tally.user_id not in here))
