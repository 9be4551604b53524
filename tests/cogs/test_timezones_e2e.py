"""Members and admins pick a time zone: autocomplete offers canonical IANA zones only, odd names are refused."""

from __future__ import annotations

import pytest

from study.timezones import canonical_zones
from tests.conftest import World


@pytest.mark.parametrize("typed", ["", "utc", "local", "posix", "right", "factory", "oslo", "eastern", "berlin"])
async def test_autocomplete_offers_only_canonical_zones(world: World, typed: str):
    choices = await world.fake.autocomplete(world.member, world.channel, "timezone set", focused="zone", value=typed)
    zones = set(canonical_zones())
    assert all(choice["value"] in zones for choice in choices), choices
    if typed == "oslo":
        assert {"name": "Europe/Berlin (was Europe/Oslo)", "value": "Europe/Berlin"} in choices


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "right/UTC", "posix/Europe/Berlin"])
async def test_a_zone_that_is_not_an_iana_name_is_refused(world: World, zone: str):
    member = await world.fake.slash(world.member, world.channel, "timezone set", zone=zone)
    assert f"'{zone}' is not a time zone I know" in member.content
    admin = await world.fake.slash(world.admin, world.channel, "admin settings timezone", zone=zone)
    assert f"'{zone}' is not a time zone I know" in admin.content
