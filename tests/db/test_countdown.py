"""countdown_boards and countdown_sharing: one board per guild, opt-in rows, and /mydata and /forgetme cover them
through the schema walk (db/members.py), with no code of their own."""

from __future__ import annotations

import datetime as dt

from db import countdown, members

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
GUILD, OTHER_GUILD = 1, 2
ME, YOU, LEAD = 10, 11, 12


async def test_sharing_is_off_by_default_and_switches_per_guild(db):
    assert not await countdown.shares(db, GUILD, ME)
    assert await countdown.set_sharing(db, GUILD, ME, True, NOW)
    assert not await countdown.set_sharing(db, GUILD, ME, True, NOW)  # already on: nothing changed
    await countdown.set_sharing(db, OTHER_GUILD, YOU, True, NOW)
    assert await countdown.sharing_members(db, GUILD) == {ME}
    assert await countdown.set_sharing(db, GUILD, ME, False, NOW)
    assert await countdown.sharing_members(db, GUILD) == set()


async def test_one_board_per_guild_moved_replaced_and_removed(db):
    first = await countdown.set_board(db, GUILD, 100, 1000, dt.time(7), LEAD, NOW)
    assert (first.channel_id, first.message_id, first.post_time, first.replaced) == (100, 1000, dt.time(7), False)
    assert await countdown.record_replaced(db, GUILD, 1000, 1001, NOW)
    assert not await countdown.record_replaced(db, GUILD, 1000, 1002, NOW)  # that message is no longer the board
    assert (await countdown.board(db, GUILD)).replaced
    await countdown.record_error(db, GUILD, 1001, "Discord said 403")
    assert (await countdown.board(db, GUILD)).last_error == "Discord said 403"
    await countdown.record_edit(db, GUILD, 1001, NOW)
    assert (await countdown.board(db, GUILD)).last_error is None
    moved = await countdown.set_board(db, GUILD, 200, 2000, dt.time(18, 30), LEAD, NOW)
    assert (moved.channel_id, moved.replaced) == (200, False)
    assert (await countdown.remove_board(db, GUILD)).message_id == 2000
    assert await countdown.board(db, GUILD) is None


async def test_mydata_and_forgetme_cover_the_opt_in_and_keep_the_servers_board(db):
    await countdown.set_sharing(db, GUILD, ME, True, NOW)
    await countdown.set_sharing(db, OTHER_GUILD, ME, True, NOW)
    await countdown.set_board(db, GUILD, 100, 1000, dt.time(7), LEAD, NOW)
    found = await members.member_tables(db)
    assert "countdown_sharing" in {t.table for t in found.member}
    assert "countdown_boards" in {t.table for t in found.authored}  # created_by: a record the lead authored
    assert "countdown_boards" not in {t.table for t in found.member}
    exported = await members.export_member(db, GUILD, ME)
    assert [r["guild_id"] for r in exported.tables["countdown_sharing"]] == [GUILD]
    assert [r["message_id"] for r in (await members.export_member(db, GUILD, LEAD)).authored["countdown_boards"]] \
        == [1000]
    deleted = await members.delete_member(db, GUILD, ME)
    assert deleted["countdown_sharing"] == 1
    assert await countdown.sharing_members(db, OTHER_GUILD) == {ME}  # another server's opt-in stays
    await members.delete_member(db, GUILD, LEAD)
    assert await countdown.board(db, GUILD) is not None  # the server's board is not the lead's to delete
