"""/timezone end to end: a member's own zone, shown and refused."""

from __future__ import annotations

import datetime as dt

from tests.cogs.dm_helpers import rows
from tests.conftest import World

UTC = dt.UTC


async def test_timezone_set_show_and_refused(world: World):
    result = await world.fake.slash(world.member, world.channel, "timezone set", zone="Europe/Berlin")
    assert "**Europe/Berlin**" in result.content
    shown = await world.fake.slash(world.member, world.channel, "timezone show")
    assert "**Europe/Berlin**" in shown.content
    bad = await world.fake.slash(world.member, world.channel, "timezone set", zone="Mars/Olympus")
    assert bad.ephemeral and "'Mars/Olympus' is not a time zone I know" in bad.content
    assert rows(world, "SELECT timezone FROM member_settings") == [("Europe/Berlin",)]
    choices = await world.fake.autocomplete(world.member, world.channel, "timezone set", focused="zone",
                                            value="berl")
    assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in choices
