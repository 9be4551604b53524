"""Reminders, exam nudges and windows end to end: commands, DMs at the right local times, buttons, failures."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3

import discord

from tests.conftest import World

UTC = dt.UTC


def rows(world: World, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute(sql, params).fetchall()


async def settle(world: World) -> None:
    """Let the dispatcher notice a clock change and finish its sends."""
    for _ in range(3):
        await asyncio.sleep(0.05)
        if world.bot.dispatcher is not None:
            await world.bot.dispatcher.wait_idle()


async def dms(world: World, user, count: int, wait_seconds: float = 5.0) -> list[dict]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while True:
        messages = world.fake.dm_messages(user)
        if len(messages) >= count or loop.time() > deadline:
            return messages
        await asyncio.sleep(0.02)


async def advance_to(world: World, instant: dt.datetime) -> None:
    world.clock.set(instant)
    await settle(world)


def labels(message: dict) -> list[str]:
    return [c.get("label") for row in message["components"] for c in row["components"]]


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


async def test_one_off_reminder_arrives_once_by_dm_with_snooze(world: World):
    result = await world.fake.slash(world.member, world.channel, "remind me", when="in 2 hours",
                                    text="Read the MRP chapter")
    assert "Reminder #1 set for Wed 25 Nov 2026 14:00 (UTC)" in result.content
    await advance_to(world, world.clock.now() + dt.timedelta(hours=1, minutes=59))
    assert world.fake.dm_messages(world.member) == []
    await advance_to(world, world.clock.now() + dt.timedelta(minutes=1))
    [dm] = await dms(world, world.member, 1)
    assert dm["content"] == "⏰ Reminder: Read the MRP chapter"
    assert labels(dm) == ["Start a quiz", "Snooze 10 min", "Snooze 1 h", "Tomorrow"]
    await advance_to(world, world.clock.now() + dt.timedelta(days=1))
    assert len(world.fake.dm_messages(world.member)) == 1  # never twice

    snooze = await world.fake.click(world.member, dm, "snooze:1:10m")
    assert snooze.ephemeral and "Snoozed until Wed 25 Nov 2026" not in snooze.content  # it is the next day now
    assert "Snoozed until Thu 26 Nov 2026 14:10" in snooze.content
    await advance_to(world, world.clock.now() + dt.timedelta(minutes=10))
    assert len(await dms(world, world.member, 2)) == 2


async def test_bad_reminder_input_changes_nothing(world: World):
    cases = [
        ({"when": "yesterday at noon", "text": "x"}, "already past"),
        ({"when": "when pigs fly", "text": "x"}, "I could not read 'when pigs fly' as a time"),
        ({"when": "in 400 days", "text": "x"}, "more than a year ahead"),
    ]
    for options, message in cases:
        result = await world.fake.slash(world.member, world.channel, "remind me", **options)
        assert result.ephemeral and message in result.content, (options, result.content)
    bad_time = await world.fake.slash(world.member, world.channel, "remind study", at="25:00", days="mon-fri")
    assert "'25:00' is not a time of day" in bad_time.content
    bad_days = await world.fake.slash(world.member, world.channel, "remind study", at="19:30", days="someday")
    assert "'someday' is not a set of days" in bad_days.content
    assert rows(world, "SELECT COUNT(*) FROM reminders") == [(0,)]


async def test_a_member_has_at_most_25_active_reminders(world: World):
    for index in range(25):
        await world.fake.slash(world.member, world.channel, "remind me", when=f"in {index + 1} hours", text="x")
    result = await world.fake.slash(world.member, world.channel, "remind me", when="in 30 hours", text="x")
    assert "You already have 25 active reminders here" in result.content
    listed = await world.fake.slash(world.member, world.channel, "remind list")
    assert len(listed.embeds[0]["fields"]) == 25
    cancelled = await world.fake.slash(world.member, world.channel, "remind cancel", reminder=3)
    assert "Cancelled reminder #3" in cancelled.content
    not_mine = await world.fake.slash(world.other, world.channel, "remind cancel", reminder=4)
    assert "You have no active reminder #4" in not_mine.content


async def test_weekly_study_reminder_keeps_local_time_across_dst(world: World):
    world.clock.set(dt.datetime(2027, 3, 26, 12, 0, tzinfo=UTC))  # Friday; Berlin moves to CEST on Sunday 28th
    await world.fake.slash(world.member, world.channel, "timezone set", zone="Europe/Berlin")
    result = await world.fake.slash(world.member, world.channel, "remind study", at="19:30", days="daily",
                                    module="mpr")
    assert "every day at 19:30 (Europe/Berlin)" in result.content
    expected = [dt.datetime(2027, 3, 26, 18, 30, tzinfo=UTC), dt.datetime(2027, 3, 27, 18, 30, tzinfo=UTC),
                dt.datetime(2027, 3, 28, 17, 30, tzinfo=UTC)]  # 19:30 CET, 19:30 CET, 19:30 CEST
    for count, instant in enumerate(expected, start=1):
        await advance_to(world, instant - dt.timedelta(minutes=1))
        assert len(world.fake.dm_messages(world.member)) == count - 1
        await advance_to(world, instant)
        messages = await dms(world, world.member, count)
        assert len(messages) == count
        assert "Study time for **MPR**" in messages[-1]["content"]
        assert "Start a MPR quiz" in labels(messages[-1])


async def test_the_full_exam_nudge_series_arrives_with_content_and_a_quiz_button(world: World):
    result = await world.fake.slash(world.member, world.channel, "exam set", module="dsp", date="2027-01-10")
    assert "Your **DSP** exam is on Sun 10 Jan 2027" in result.content
    assert rows(world, "SELECT COUNT(*) FROM reminders WHERE kind = 'exam_nudge'") == [(6,)]
    for count, days in enumerate((30, 14, 7, 3, 1, 0), start=1):
        instant = dt.datetime(2027, 1, 10, 8, 0, tzinfo=UTC) - dt.timedelta(days=days)
        await advance_to(world, instant - dt.timedelta(minutes=1))
        assert len(world.fake.dm_messages(world.member)) == count - 1
        await advance_to(world, instant)
        messages = await dms(world, world.member, count)
        assert len(messages) == count
        last = messages[-1]
        if days == 0:
            assert "Today is your **DSP** exam" in last["content"]
        elif days == 1:
            assert "**1 day** to your **DSP** exam" in last["content"]
        else:
            assert f"**{days} days** to your **DSP** exam" in last["content"]
            assert "Suggested pace:" in last["content"] and "Reviews due: 0." in last["content"]
    assert len(world.fake.dm_messages(world.member)) == 6
    quiz = await world.fake.click(world.member, world.fake.dm_messages(world.member)[0],
                                  f"startquiz:{world.guild.id}:dsp")
    assert quiz.ephemeral and quiz.embeds[0]["title"].startswith("Quiz: question 1 of 5")


async def test_exam_input_is_checked(world: World):
    past = await world.fake.slash(world.member, world.channel, "exam set", module="dsp", date="2026-01-01")
    assert "is in the past" in past.content
    unknown = await world.fake.slash(world.member, world.channel, "exam set", module="xyz", date="2027-01-01")
    assert "I don't know a module called 'xyz'" in unknown.content
    bad = await world.fake.slash(world.member, world.channel, "exam set", module="dsp", date="01/02/2027")
    assert "is not a date; use YYYY-MM-DD" in bad.content
    assert rows(world, "SELECT COUNT(*) FROM exams") == [(0,)]
    nudges = await world.fake.slash(world.member, world.channel, "exam nudges", days="7,1")
    assert "Nudge days: 7, 1" in nudges.content
    await world.fake.slash(world.member, world.channel, "exam set", module="eco", date="2027-02-01")
    assert rows(world, "SELECT COUNT(*) FROM reminders WHERE kind = 'exam_nudge' AND state = 'pending'") == [(2,)]
    cancel = await world.fake.slash(world.member, world.channel, "exam cancel", module="eco")
    assert "Removed your ECO exam" in cancel.content
    assert rows(world, "SELECT COUNT(*) FROM reminders WHERE state = 'pending'") == [(0,)]


async def test_closed_dms_pause_reminders_and_the_member_is_told(world: World):
    world.fake.set_dms_closed(world.member)
    await world.fake.slash(world.member, world.channel, "remind me", when="in 1 hour", text="study")
    await advance_to(world, world.clock.now() + dt.timedelta(hours=1))
    assert world.fake.dm_messages(world.member) == []
    assert rows(world, "SELECT state FROM reminders") == [("paused",)]
    result = await world.fake.slash(world.member, world.channel, "cpim")
    [notice] = await result.wait_for_followups(1)
    assert notice["flags"] & 64 and "your reminders are paused" in notice["content"]
    again = await world.fake.slash(world.member, world.channel, "cpim")
    await asyncio.sleep(0.1)
    assert again.followups == []  # told once
    world.fake.set_dms_closed(world.member, False)
    resumed = await world.fake.slash(world.member, world.channel, "remind resume")
    assert "Resumed 1 reminder" in resumed.content
    await settle(world)
    assert len(await dms(world, world.member, 1)) == 1


async def test_a_500_and_a_429_on_send_are_retried(world: World):
    await world.fake.slash(world.member, world.channel, "remind me", when="in 1 hour", text="first")
    await world.fake.slash(world.other, world.channel, "remind me", when="in 1 hour", text="second")
    world.fake.fail_next("POST", r"/channels/\d+/messages", 500, times=1)
    world.fake.fail_next("POST", r"/channels/\d+/messages", 429, times=1)
    await advance_to(world, world.clock.now() + dt.timedelta(hours=1))
    assert [m["content"] for m in await dms(world, world.member, 1, wait_seconds=10)] == ["⏰ Reminder: first"]
    assert [m["content"] for m in await dms(world, world.other, 1, wait_seconds=10)] == ["⏰ Reminder: second"]
    assert rows(world, "SELECT state FROM reminders ORDER BY id") == [("sent",), ("sent",)]


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


async def test_reminders_due_while_the_bot_was_down(world: World):
    await world.fake.slash(world.member, world.channel, "remind me", when="in 1 hour", text="too late")
    await world.fake.slash(world.member, world.channel, "remind me", when="in 2 hours", text="late but in grace")
    await world.fake.slash(world.member, world.channel, "remind me", when="in 12 hours", text="after restart")
    await world.stop()
    world.clock.advance(dt.timedelta(hours=7, minutes=30))  # 6.5 h and 5.5 h late; the grace window is 6 h
    await world.start()
    await settle(world)
    first = await dms(world, world.member, 1)
    assert [m["content"] for m in first] == ["⏰ Reminder: late but in grace"]  # sent once at start
    assert rows(world, "SELECT text, state FROM reminders ORDER BY id") == [
        ("too late", "missed"), ("late but in grace", "sent"), ("after restart", "pending")]
    await world.restart()
    await settle(world)
    assert len(world.fake.dm_messages(world.member)) == 1  # never twice
    await advance_to(world, world.clock.now() + dt.timedelta(hours=5))
    later = await dms(world, world.member, 2)
    assert later[-1]["content"].startswith("⏰ Reminder: after restart")
    assert "you missed 1 reminder: too late" in later[-1]["content"]


async def test_a_reminder_cancelled_after_it_was_claimed_is_not_sent(world: World):
    from cogs.reminder_sender import DiscordSender
    from db import reminders as reminder_records
    from scheduling.dispatcher import DeliveryStatus

    await world.bot.dispatcher.stop()  # the test plays the dispatcher's part
    await world.fake.slash(world.member, world.channel, "remind me", when="in 1 hour", text="claimed")
    [claimed] = await reminder_records.claim_due(world.bot.db, world.clock.now() + dt.timedelta(hours=1), 10)
    await world.fake.slash(world.member, world.channel, "remind cancel", reminder=claimed.id)
    outcome = await DiscordSender(world.bot).deliver(claimed)
    assert outcome.status is DeliveryStatus.GONE
    assert world.fake.dm_messages(world.member) == []
