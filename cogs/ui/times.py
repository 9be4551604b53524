"""How the bot writes an instant for a member: in a given zone, e.g. "Wed 25 Nov 2026 14:00"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def local_time(instant: dt.datetime, zone: str) -> str:
    return instant.astimezone(ZoneInfo(zone)).strftime("%a %d %b %Y %H:%M")
