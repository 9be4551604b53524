"""Only IANA names are time zones: not the host's localtime, posixrules, Factory, or the posix/ and right/ trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, parse_config
from study.daily import parse_timezone
from study.errors import UserInputError
from study.timeparse import validate_timezone
from study.timezones import canonical_zones, is_known_zone, zone_aliases

NOT_ZONES = ["localtime", "posixrules", "Factory", "right/UTC", "posix/Europe/Berlin", "right/Europe/Berlin",
             "posix/UTC", "Europe/../UTC", "/usr/share/zoneinfo/UTC", "europe/berlin"]


@pytest.mark.parametrize("name", NOT_ZONES)
def test_names_that_are_not_iana_zones_are_refused_everywhere(name: str):
    assert not is_known_zone(name)
    with pytest.raises(UserInputError):
        validate_timezone(name)
    with pytest.raises(UserInputError):
        parse_timezone(name)
    with pytest.raises(ConfigError, match="unknown time zone"):
        parse_config({"bot": {"default_timezone": name}}, base_dir=Path("."))


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/UTC", "UTC", "US/Eastern",
                                  "Asia/Calcutta", "Etc/GMT+5"])
def test_iana_zones_and_their_older_names_are_accepted(name: str):
    assert validate_timezone(f" {name} ") == name


def test_autocomplete_lists_only_canonical_zones():
    zones = canonical_zones()
    assert "Europe/Berlin" in zones and "Etc/UTC" in zones
    assert not any(z in zones for z in ("UTC", "US/Eastern", "localtime", "Factory", "posixrules"))
    assert not any(z.startswith(("posix/", "right/")) for z in zones)
    assert zone_aliases()["US/Eastern"] == "America/New_York"
