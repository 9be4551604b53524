"""Admin settings and fee entries: good input saved, bad input refused with a message and nothing saved."""

from __future__ import annotations

import sqlite3

import discord

from tests.conftest import World


def rows(world: World, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute(sql, params).fetchall()


async def test_server_timezone_is_checked_and_becomes_the_members_default(world: World):
    bad = await world.fake.slash(world.admin, world.channel, "admin settings timezone", zone="Europe/Atlantis")
    assert bad.ephemeral and "'Europe/Atlantis' is not a time zone I know" in bad.content
    assert rows(world, "SELECT COUNT(*) FROM guild_settings WHERE timezone IS NOT NULL") == [(0,)]
    good = await world.fake.slash(world.admin, world.channel, "admin settings timezone", zone="Asia/Singapore")
    assert "**Asia/Singapore**" in good.content
    shown = await world.fake.slash(world.member, world.channel, "timezone show")
    assert "**Asia/Singapore** (the server's default" in shown.content


async def test_server_nudge_days_are_checked(world: World):
    for days, message in (("soon", "is not a list of days"), ("400", "between 0 (the exam morning) and 365"),
                          (",".join(str(d) for d in range(11)), "At most 10 nudges")):
        result = await world.fake.slash(world.admin, world.channel, "admin settings nudges", days=days)
        assert result.ephemeral and message in result.content, (days, result.content)
    assert rows(world, "SELECT COUNT(*) FROM guild_settings WHERE nudge_offsets IS NOT NULL") == [(0,)]
    good = await world.fake.slash(world.admin, world.channel, "admin settings nudges", days="14, 7, 1")
    assert "Default nudge days: 14, 7, 1" in good.content


async def test_announcement_channel_the_bot_cannot_post_in_is_refused(world: World):
    hidden = world.fake.add_text_channel(world.guild, "staff", overwrites=[
        {"id": world.guild.id, "type": 0, "allow": "0", "deny": str(discord.Permissions(send_messages=True).value)},
    ])
    result = await world.fake.slash(world.admin, world.channel, "admin settings announcements", channel=hidden)
    assert result.ephemeral and "I cannot post in" in result.content
    assert rows(world, "SELECT COUNT(*) FROM guild_settings WHERE announce_channel_id IS NOT NULL") == [(0,)]


async def test_fee_entries_listed_and_removed_and_bad_removals_explained(world: World):
    empty = await world.fake.slash(world.admin, world.channel, "admin fees list")
    assert "no fee entries of its own" in empty.content
    await world.fake.slash(world.admin, world.channel, "admin fees add", effective="2027-01-01", member=150,
                           non_member=190, source="ascm.org price list 2027")
    listed = await world.fake.slash(world.admin, world.channel, "admin fees list")
    assert "from 2027-01-01: member $150, non-member $190 (ascm.org price list 2027)" in listed.content
    twice = await world.fake.slash(world.admin, world.channel, "admin fees add", effective="2027-01-01", member=1,
                                   non_member=2, source="x")
    assert "already has a fee entry from 2027-01-01" in twice.content
    missing = await world.fake.slash(world.admin, world.channel, "admin fees remove", effective="2028-01-01")
    assert "no fee entry from 2028-01-01" in missing.content
    bad = await world.fake.slash(world.admin, world.channel, "admin fees remove", effective="soon")
    assert "is not a date; use YYYY-MM-DD" in bad.content
    removed = await world.fake.slash(world.admin, world.channel, "admin fees remove", effective="2027-01-01")
    assert "Removed the fee entry from 2027-01-01" in removed.content
    assert rows(world, "SELECT COUNT(*) FROM fee_entries") == [(0,)]


async def test_removing_a_window_cancels_its_reminders(world: World):
    await world.fake.slash(world.admin, world.channel, "admin window add", name="Spring", start="2026-12-01",
                           end="2026-12-20")
    await world.fake.slash(world.member, world.channel, "window join", name="Spring")
    assert rows(world, "SELECT state FROM reminders WHERE kind = 'window_nudge'") == [("pending",)]
    unknown = await world.fake.slash(world.admin, world.channel, "admin window remove", name="Autumn")
    assert "There is no exam window called 'Autumn'" in unknown.content
    removed = await world.fake.slash(world.admin, world.channel, "admin window remove", name="Spring")
    assert "Removed exam window **Spring**" in removed.content
    assert rows(world, "SELECT state FROM reminders WHERE kind = 'window_nudge'") == [("cancelled",)]
    assert rows(world, "SELECT COUNT(*) FROM exam_windows") == [(0,)]
