import datetime as dt

import pytest

from db import fees
from study.fees import FeeEntry

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)


async def test_entries_belong_to_their_guild_only(db):
    await fees.add_fee_entry(db, 1, FeeEntry(dt.date(2027, 1, 1), 130, 170), added_by=10, now=NOW)
    await fees.add_fee_entry(db, 2, FeeEntry(dt.date(2027, 1, 1), 999, 1000), added_by=20, now=NOW)
    [mine] = await fees.guild_fee_entries(db, 1)
    assert (mine.member, mine.non_member, mine.added_by_guild) == (130, 170, True)
    assert [e.member for e in await fees.guild_fee_entries(db, 2)] == [999]
    assert await fees.guild_fee_entries(db, 3) == []


async def test_same_date_twice_is_refused_and_remove_is_per_guild(db):
    await fees.add_fee_entry(db, 1, FeeEntry(dt.date(2027, 1, 1), 130, 170), added_by=10, now=NOW)
    with pytest.raises(fees.DuplicateFeeDateError):
        await fees.add_fee_entry(db, 1, FeeEntry(dt.date(2027, 1, 1), 1, 2), added_by=10, now=NOW)
    assert not await fees.remove_fee_entry(db, 2, dt.date(2027, 1, 1))
    assert await fees.remove_fee_entry(db, 1, dt.date(2027, 1, 1))
    assert await fees.guild_fee_entries(db, 1) == []
