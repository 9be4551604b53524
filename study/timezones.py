"""Which time zone names the bot accepts: the IANA database's own names, and nothing else a system has.

`zoneinfo` opens any TZif file under the system's zoneinfo folder, so it also takes `localtime` (the host's
own setting), `posixrules`, `Factory` (a placeholder zone whose abbreviation is "-00"), and the duplicate
trees `posix/…` and `right/…` (`right/` zones count leap seconds, which shifts every time by about half a
minute). None of those is a place a member lives in. The names come from `tzdata.zi`, the IANA data
compiled into the pinned `tzdata` package (or the system's copy):

- CANONICAL: the `Zone` names (Europe/Berlin, America/New_York, Etc/UTC), all that autocomplete offers;
- accepted: those and the IANA `Link` names, the older spellings still in wide use (UTC, US/Eastern,
  Asia/Calcutta), minus Factory.
"""

from __future__ import annotations

import functools
import zoneinfo
from importlib import resources
from pathlib import Path

NOT_PLACES = frozenset({"Factory", "localtime", "posixrules"})
SYSTEM_TZDATA = Path("/usr/share/zoneinfo/tzdata.zi")


def _tzdata_text() -> str | None:
    try:
        return resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        pass
    try:
        return SYSTEM_TZDATA.read_text(encoding="utf-8")
    except OSError:
        return None


@functools.cache
def _names() -> tuple[frozenset[str], dict[str, str]]:
    """(canonical zone names, link name → the zone it stands for) from tzdata.zi."""
    text = _tzdata_text()
    if text is None:  # no IANA data file at all: what zoneinfo finds, without the trees that are not places
        found = frozenset(name for name in zoneinfo.available_timezones()
                          if name not in NOT_PLACES and not name.startswith(("posix/", "right/")))
        return found, {}
    zones: set[str] = set()
    links: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "Z":
            zones.add(parts[1])
        elif len(parts) >= 3 and parts[0] == "L":
            links[parts[2]] = parts[1]
    for name in NOT_PLACES:
        links.pop(name, None)
    return frozenset(zones - NOT_PLACES), links


def zone_aliases() -> dict[str, str]:
    """Older IANA names (links) and the canonical zone each stands for: Europe/Oslo → Europe/Berlin."""
    return dict(_names()[1])


def canonical_zones() -> list[str]:
    """The IANA zone names, sorted: what autocomplete offers."""
    return sorted(_names()[0])


def is_known_zone(name: str) -> bool:
    """True for an IANA zone or link name (exact spelling) that zoneinfo can load."""
    zones, links = _names()
    if name not in zones and name not in links:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
