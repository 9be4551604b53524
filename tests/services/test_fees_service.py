"""FeeService: a server's own fee entries per edition, a second entry from one date refused in words to fix it."""

from __future__ import annotations

import datetime as dt

import pytest

from services.fees import FeeService
from study.content import Content
from study.errors import UserInputError
from study.fees import FeeEntry

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
DAY = dt.date(2027, 1, 1)


async def test_an_entry_is_kept_per_server_and_edition(db, content: Content):
    fees = FeeService(db)
    cpim8, cpim2017 = content.editions.get("cpim-8"), content.editions.get("cpim-2017")
    await fees.add(1, cpim8, FeeEntry(DAY, 700, 1000, bundle=1500), admin_id=10, now=NOW)
    await fees.add(1, cpim2017, FeeEntry(DAY, 130, 170), admin_id=10, now=NOW)
    [exam] = await fees.guild_entries(1, "cpim-8")
    assert (exam.member, exam.non_member, exam.bundle, exam.scope) == (700, 1000, 1500, "one exam")
    assert [e.member for e in await fees.guild_entries(1)] == [130]  # the 2017 tables by default
    assert await fees.guild_entries(2, "cpim-8") == []


async def test_a_second_entry_from_the_same_day_is_refused_and_nothing_changes(db, content: Content):
    fees = FeeService(db)
    cpim8 = content.editions.get("cpim-8")
    await fees.add(1, cpim8, FeeEntry(DAY, 700, 1000), admin_id=10, now=NOW)
    with pytest.raises(UserInputError, match=f"already has a fee entry from 2027-01-01 for {cpim8.name}; remove"):
        await fees.add(1, cpim8, FeeEntry(DAY, 1, 2), admin_id=10, now=NOW)
    assert [e.member for e in await fees.guild_entries(1, "cpim-8")] == [700]


async def test_remove_takes_the_servers_entry_of_that_edition_only(db, content: Content):
    fees = FeeService(db)
    await fees.add(1, content.editions.get("cpim-8"), FeeEntry(DAY, 700, 1000), admin_id=10, now=NOW)
    assert not await fees.remove(1, DAY, "cpim-2017")
    assert not await fees.remove(2, DAY, "cpim-8")
    assert await fees.remove(1, DAY, "cpim-8")
    assert await fees.guild_entries(1, "cpim-8") == []
