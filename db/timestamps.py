"""Instants are aware datetimes in code and whole unix seconds (UTC) in the tables."""

from __future__ import annotations

import datetime as dt


def to_ts(instant: dt.datetime) -> int:
    if instant.tzinfo is None:
        raise ValueError("instants must be aware datetimes")
    return int(instant.timestamp() // 1)


def from_ts(seconds: int | None) -> dt.datetime | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC)
