"""Reminders end to end: /remind, DMs at the right local times, snooze buttons, failures and restarts."""

from __future__ import annotations

import asyncio
import datetime as dt

from tests.cogs.dm_helpers import advance_to, dms, labels, rows, settle
from tests.conftest import World

UTC = dt.UTC


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

    await world.bot.services.dispatcher.stop()  # the test plays the dispatcher's part
    await world.fake.slash(world.member, world.channel, "remind me", when="in 1 hour", text="claimed")
    [claimed] = await reminder_records.claim_due(world.bot.db, world.clock.now() + dt.timedelta(hours=1), 10)
    await world.fake.slash(world.member, world.channel, "remind cancel", reminder=claimed.id)
    outcome = await DiscordSender(world.bot).deliver(claimed)
    assert outcome.status is DeliveryStatus.GONE
    assert world.fake.dm_messages(world.member) == []


# ---- review fixes ---------------------------------------------------------------------------------------------

async def test_snooze_one_hour_and_tomorrow_on_a_one_off(world: World):
    await world.fake.slash(world.member, world.channel, "timezone set", zone="Europe/Berlin")
    await world.fake.slash(world.member, world.channel, "remind me", when="in 1 hour", text="Read MRP")
    await advance_to(world, world.clock.now() + dt.timedelta(hours=1))  # 13:00 UTC, 14:00 in Berlin
    [dm] = await dms(world, world.member, 1)
    hour = await world.fake.click(world.member, dm, "snooze:1:1h")
    assert hour.ephemeral and hour.content == "Snoozed until Wed 25 Nov 2026 15:00 (Europe/Berlin)."
    await advance_to(world, world.clock.now() + dt.timedelta(minutes=59))
    assert len(world.fake.dm_messages(world.member)) == 1
    await advance_to(world, world.clock.now() + dt.timedelta(minutes=1))
    second = (await dms(world, world.member, 2))[-1]
    assert second["content"] == "⏰ Reminder: Read MRP"
    tomorrow = await world.fake.click(world.member, second, "snooze:1:tomorrow")
    assert tomorrow.content == "Snoozed until Thu 26 Nov 2026 15:00 (Europe/Berlin)."
    await advance_to(world, dt.datetime(2026, 11, 26, 14, 0, tzinfo=UTC))
    assert len(await dms(world, world.member, 3)) == 3
    assert rows(world, "SELECT COUNT(*), MAX(state) FROM reminders") == [(1, "sent")]


async def test_snoozing_a_study_reminder_twice_brings_one_extra_dm(world: World):
    await world.fake.slash(world.member, world.channel, "remind study", at="13:00", days="daily", module="dsp")
    await advance_to(world, dt.datetime(2026, 11, 26, 13, 0, tzinfo=UTC))
    [dm] = await dms(world, world.member, 1)
    assert "Study time for **DSP**" in dm["content"]
    for _ in range(3):  # impatient clicks
        snoozed = await world.fake.click(world.member, dm, "snooze:1:10m")
        assert snoozed.content == "Snoozed until Thu 26 Nov 2026 13:10 (UTC)."
    await advance_to(world, dt.datetime(2026, 11, 26, 13, 10, tzinfo=UTC))
    await advance_to(world, dt.datetime(2026, 11, 26, 13, 30, tzinfo=UTC))
    messages = await dms(world, world.member, 2)
    assert [m["content"] for m in messages[1:]] == ["⏰ Reminder: your study session"]
    assert labels(messages[1]) == ["Start a DSP quiz", "Snooze 10 min", "Snooze 1 h", "Tomorrow"]
    cancelled = await world.fake.slash(world.member, world.channel, "remind cancel", reminder=1)
    assert "Cancelled reminder #1" in cancelled.content
    refused = await world.fake.click(world.member, dm, "snooze:1:1h")
    assert refused.ephemeral and "You cancelled that reminder, so it cannot be snoozed" in refused.content
    await advance_to(world, dt.datetime(2026, 11, 28, 14, 0, tzinfo=UTC))
    assert len(world.fake.dm_messages(world.member)) == 2


async def test_a_send_that_outlasts_discord_pys_own_retries_is_retried_by_the_dispatcher(world: World):
    await world.fake.slash(world.member, world.channel, "remind me", when="in 1 hour", text="persist")
    # discord.py retries a 429 itself 5 times (discord/http.py: `for tries in range(5)`), then raises; the
    # sixth failure is taken by the dispatcher's retry and absorbed by discord.py's first retry of that send
    world.fake.fail_next("POST", r"/channels/\d+/messages", 429, times=6, body={"retry_after": 0.01})
    await advance_to(world, world.clock.now() + dt.timedelta(hours=1))
    assert world.fake.dm_messages(world.member) == []
    [(state, attempts, error)] = rows(world, "SELECT state, attempts, last_error FROM reminders")
    assert (state, attempts) == ("pending", 1) and error.startswith("HTTP 429")
    await advance_to(world, world.clock.now() + dt.timedelta(minutes=1))  # past Retry-After (1 s) and backoff
    assert [m["content"] for m in await dms(world, world.member, 1)] == ["⏰ Reminder: persist"]
    await advance_to(world, world.clock.now() + dt.timedelta(hours=1))
    assert len(world.fake.dm_messages(world.member)) == 1
    assert rows(world, "SELECT state FROM reminders") == [("sent",)]


async def test_a_resend_with_the_same_nonce_is_one_dm_only_within_discords_nonce_window(world: World):
    from cogs.reminder_sender import DiscordSender
    from db import reminders as reminder_records

    await world.bot.services.dispatcher.stop()  # the test plays a dispatcher that crashed before recording the send
    await world.fake.slash(world.member, world.channel, "remind me", when="in 1 hour", text="once")
    [claimed] = await reminder_records.claim_due(world.bot.db, world.clock.now() + dt.timedelta(hours=1), 10)
    sender = DiscordSender(world.bot)
    await sender.deliver(claimed)
    await sender.deliver(claimed)  # the restart's resend, minutes later
    assert len(world.fake.dm_messages(world.member)) == 1
    world.fake.nonce_window_seconds = 0  # Discord has forgotten the nonce: a resend after a long outage
    await asyncio.sleep(0.01)
    await sender.deliver(claimed)
    assert len(world.fake.dm_messages(world.member)) == 2


async def test_a_start_quiz_button_that_cannot_start_answers_the_member(world: World):
    from db import reminders as reminder_records

    # a reminder about a module the chapter has since removed from its syllabus
    await reminder_records.add(world.bot.db, guild_id=world.guild.id, user_id=world.member.id, kind="once",
                               text="old module", due_at=world.clock.now() + dt.timedelta(minutes=1),
                               now=world.clock.now(), module="zzz")
    world.bot.services.dispatcher.wake()
    await advance_to(world, world.clock.now() + dt.timedelta(minutes=1))
    [dm] = await dms(world, world.member, 1)
    started = await world.fake.click(world.member, dm, f"startquiz:{world.guild.id}:zzz")
    assert started.ephemeral and started.content == "There are no questions in that scope yet."


async def test_a_one_off_for_a_day_without_a_time_is_at_nine_and_says_so(world: World):
    await world.fake.slash(world.member, world.channel, "timezone set", zone="America/New_York")
    result = await world.fake.slash(world.member, world.channel, "remind me", when="tomorrow", text="Book the exam")
    assert result.content == ("Reminder #1 set for Thu 26 Nov 2026 09:00 (America/New_York). You gave no time of "
                              "day, so I picked 09:00; set another with a time, e.g. 'tomorrow 18:00'.")
    ambiguous = await world.fake.slash(world.member, world.channel, "remind me", when="tomorrow 7", text="x")
    assert "is the hour in the morning or the evening?" in ambiguous.content
    assert rows(world, "SELECT COUNT(*) FROM reminders") == [(1,)]


