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


async def test_entries_belong_to_an_edition_and_one_date_may_hold_one_per_edition(db):
    await fees.add_fee_entry(db, 1, FeeEntry(dt.date(2027, 1, 1), 130, 170), added_by=10, now=NOW)
    await fees.add_fee_entry(db, 1, FeeEntry(dt.date(2027, 1, 1), 500, 800, bundle=1200), added_by=10, now=NOW,
                             edition="cpim-8")
    [old] = await fees.guild_fee_entries(db, 1)
    [new] = await fees.guild_fee_entries(db, 1, "cpim-8")
    assert (old.member, old.bundle, old.scope) == (130, None, "per module exam")
    assert (new.member, new.bundle, new.scope) == (500, 1200, "one exam")
    assert await fees.remove_fee_entry(db, 1, dt.date(2027, 1, 1), "cpim-8")
    assert [e.member for e in await fees.guild_fee_entries(db, 1)] == [130]


async def test_migration_0010_keeps_earlier_fee_entries_as_2017_ones(tmp_path):
    import sqlite3

    import aiosqlite

    from db.migrations import apply_migrations

    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path) as conn:
        await apply_migrations(conn, target=9)
        await conn.execute("INSERT INTO fee_entries (guild_id, effective, member, non_member, added_by, added_at)"
                           " VALUES (1, '2027-01-01', 130, 170, 10, 'x')")
        await conn.commit()
        await apply_migrations(conn)
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT guild_id, edition, member, bundle FROM fee_entries").fetchall() == [
            (1, "cpim-2017", 130, None)]
