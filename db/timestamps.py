"""Instants are aware datetimes in code and whole unix seconds (UTC) in the tables."""

from __future__ import annotations

import datetime as dt
from typing import overload


def to_ts(instant: dt.datetime) -> int:
    if instant.tzinfo is None:
        raise ValueError("instants must be aware datetimes")
    return int(instant.timestamp() // 1)


@overload
def from_ts(seconds: int) -> dt.datetime: ...
@overload
def from_ts(seconds: None) -> None: ...
@overload
def from_ts(seconds: int | None) -> dt.datetime | None: ...
def from_ts(seconds: int | None) -> dt.datetime | None:
    """NULL stays None; a NOT NULL column's seconds give a datetime (so its dataclass field needs no Optional)."""
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC)
