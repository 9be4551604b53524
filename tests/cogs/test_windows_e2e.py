"""/window and /admin window end to end: announcements, joining, the closing DM, leaving and the list."""

from __future__ import annotations

import datetime as dt

import discord

from tests.cogs.dm_helpers import advance_to, dms, rows
from tests.conftest import World

UTC = dt.UTC


async def test_exam_windows_announced_joined_and_closing_dm(world: World):
    perms = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
    world.fake.set_bot_permissions(world.guild, perms)
    setup = await world.fake.slash(world.admin, world.channel, "admin settings announcements", channel=world.channel,
                                   notice_days=3)
    assert "announced in" in setup.content
    added = await world.fake.slash(world.admin, world.channel, "admin window add", name="Spring 2027",
                                   start="2026-12-01", end="2026-12-20", modules="dsp,eco")
    assert "Added exam window **Spring 2027**" in added.content
    bad = await world.fake.slash(world.admin, world.channel, "admin window add", name="Broken", start="2026-12-20",
                                 end="2026-12-01")
    assert "ends before it starts" in bad.content
    listed = await world.fake.slash(world.member, world.channel, "window list")
    assert "Spring 2027" in listed.embeds[0]["fields"][0]["name"]
    joined = await world.fake.slash(world.member, world.channel, "window join", name="spring 2027")
    assert "I'll DM you on Thu 17 Dec 2026 09:00" in joined.content
    await advance_to(world, dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    announcement = await world.fake.wait_for_message(lambda m: "is open" in m.get("content", ""),
                                                     channel=world.channel)
    assert "**Spring 2027** is open" in announcement["content"]
    await advance_to(world, dt.datetime(2026, 12, 17, 9, 0, tzinfo=UTC))
    [dm] = await dms(world, world.member, 1)
    assert "**Spring 2027** closes in 3 days" in dm["content"]
    member_refused = await world.fake.slash(world.member, world.channel, "window leave", name="Spring 2027")
    assert "You left" in member_refused.content


async def test_leaving_a_window_stops_its_dm_while_it_is_being_sent(world: World):
    """Cancelling an exam always stopped a nudge the dispatcher had claimed; leaving a window did not (#10)."""
    from cogs.reminder_sender import DiscordSender
    from db import reminders as reminder_records
    from scheduling.dispatcher import DeliveryStatus

    await world.bot.services.dispatcher.stop()  # the test plays the dispatcher's part
    await world.fake.slash(world.admin, world.channel, "admin window add", name="Spring 2027",
                           start="2026-12-01", end="2026-12-20")
    joined = await world.fake.slash(world.member, world.channel, "window join", name="Spring 2027")
    assert "I'll DM you on Sun 13 Dec 2026 09:00" in joined.content
    [claimed] = await reminder_records.claim_due(world.bot.db, dt.datetime(2026, 12, 13, 9, 0, tzinfo=UTC), 10)
    left = await world.fake.slash(world.member, world.channel, "window leave", name="Spring 2027")
    assert "You left 'Spring 2027'" in left.content
    outcome = await DiscordSender(world.bot).deliver(claimed)
    assert outcome.status is DeliveryStatus.GONE
    assert world.fake.dm_messages(world.member) == []


async def test_an_admins_list_after_adding_a_window_and_the_announcement_is_the_servers(world: World):
    perms = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
    world.fake.set_bot_permissions(world.guild, perms)
    await world.fake.slash(world.admin, world.channel, "admin settings announcements", channel=world.channel)
    await world.fake.slash(world.admin, world.channel, "admin window add", name="Spring 2027", start="2026-12-01",
                           end="2026-12-20")
    listed = await world.fake.slash(world.admin, world.channel, "remind list")
    assert listed.content == "No active reminders. Try /remind study or /remind me."
    [(announcement_id, owner)] = rows(world, "SELECT id, user_id FROM reminders")
    assert owner == 0
    refused = await world.fake.slash(world.admin, world.channel, "remind cancel", reminder=announcement_id)
    assert f"You have no active reminder #{announcement_id}" in refused.content
    for hours in range(1, 26):  # the announcement takes none of the admin's 25 slots
        await world.fake.slash(world.admin, world.channel, "remind me", when=f"in {hours} hours", text="x")
    full = await world.fake.slash(world.admin, world.channel, "remind list")
    assert len(full.embeds[0]["fields"]) == 25 and all(f["value"] for f in full.embeds[0]["fields"])
    await advance_to(world, dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    posted = await world.fake.wait_for_message(lambda m: "is open" in m.get("content", ""), channel=world.channel)
    assert "**Spring 2027** is open" in posted["content"]


async def test_window_list_shows_open_windows_at_most_25(world: World):
    from db import windows as window_records

    now = world.clock.now()
    await window_records.add_window(world.bot.db, world.guild.id, "Autumn", dt.date(2026, 10, 1),
                                      dt.date(2026, 11, 1), ("dsp",), world.admin.id, now)  # already closed
    for index in range(27):
        start = dt.date(2027, 1, 1) + dt.timedelta(days=index)
        await window_records.add_window(world.bot.db, world.guild.id, f"Window {index:02d}", start,
                                          start + dt.timedelta(days=10), ("dsp", "eco"), world.admin.id, now)
    embed = (await world.fake.slash(world.member, world.channel, "window list")).embeds[0]
    assert len(embed["fields"]) == 25
    assert embed["fields"][0]["name"] == "Window 00" and embed["fields"][0]["value"].startswith("01 Jan – 11 Jan")
    assert all(f["name"] != "Autumn" for f in embed["fields"])
    assert embed["footer"]["text"] == "and 2 more · 1 closed window not shown"
