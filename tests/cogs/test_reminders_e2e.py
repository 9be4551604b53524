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
        await world.bot.services.dispatcher.wait_idle()


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

    await world.bot.services.dispatcher.stop()  # the test plays the dispatcher's part
    await world.fake.slash(world.member, world.channel, "remind me", when="in 1 hour", text="claimed")
    [claimed] = await reminder_records.claim_due(world.bot.db, world.clock.now() + dt.timedelta(hours=1), 10)
    await world.fake.slash(world.member, world.channel, "remind cancel", reminder=claimed.id)
    outcome = await DiscordSender(world.bot).deliver(claimed)
    assert outcome.status is DeliveryStatus.GONE
    assert world.fake.dm_messages(world.member) == []


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


async def test_exams_in_five_modules_leave_room_for_own_reminders_and_list_one_line_each(world: World):
    for module in ("bscm", "mpr", "dsp", "eco", "smr"):
        await world.fake.slash(world.member, world.channel, "exam set", module=module, date="2027-03-01")
    assert rows(world, "SELECT COUNT(*) FROM reminders WHERE kind = 'exam_nudge'") == [(30,)]
    added = await world.fake.slash(world.member, world.channel, "remind me", when="in 2 hours", text="Flashcards")
    assert "Reminder #31 set for" in added.content
    listed = (await world.fake.slash(world.member, world.channel, "remind list")).embeds[0]
    assert [(f["name"], f["value"]) for f in listed["fields"]] == [("#31 · next Wed 25 Nov 2026 14:00", "Flashcards")]
    lines = listed["description"].splitlines()
    assert len(lines) == 6 and lines[0].startswith("**Exam and window nudges**")
    assert "🎯 DSP exam on Mon 01 Mar 2027: 6 nudges, next Sat 30 Jan 2027 08:00" in lines


async def test_server_nudge_days_off_schedule_no_nudges(world: World):
    off = await world.fake.slash(world.admin, world.channel, "admin settings nudges", days="off")
    assert "Default nudge days: none" in off.content
    exam = await world.fake.slash(world.member, world.channel, "exam set", module="dsp", date="2027-01-10")
    assert "I'll DM you on: never, nudges are off" in exam.content
    assert rows(world, "SELECT COUNT(*) FROM reminders") == [(0,)]


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


async def test_exam_list_counts_days_in_the_members_zone(world: World):
    await world.fake.slash(world.member, world.channel, "timezone set", zone="America/New_York")
    await world.fake.slash(world.member, world.channel, "exam nudges", days="off")
    await world.fake.slash(world.member, world.channel, "exam set", module="dsp", date="2026-11-26")
    await world.fake.slash(world.member, world.channel, "exam set", module="eco", date="2026-12-05")
    listed = await world.fake.slash(world.member, world.channel, "exam list")
    assert listed.content.splitlines() == ["**DSP** Thu 26 Nov 2026 · tomorrow", "**ECO** Sat 05 Dec 2026 · in 10 days"]
    world.clock.set(dt.datetime(2026, 11, 27, 3, 0, tzinfo=UTC))  # 26 Nov 22:00 in New York
    listed = await world.fake.slash(world.member, world.channel, "exam list")
    assert listed.content.splitlines()[0] == "**DSP** Thu 26 Nov 2026 · today"
    world.clock.set(dt.datetime(2026, 11, 27, 6, 0, tzinfo=UTC))
    listed = await world.fake.slash(world.member, world.channel, "exam list")
    assert listed.content.splitlines() == ["**DSP** Thu 26 Nov 2026 · passed", "**ECO** Sat 05 Dec 2026 · in 8 days"]


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


async def test_exam_nudges_in_new_york_come_at_eight_local_and_name_real_weak_topics(world: World):
    from tests.cogs.test_quiz_e2e import answer, custom_ids

    await world.fake.slash(world.member, world.channel, "timezone set", zone="America/New_York")
    quiz = await world.fake.slash(world.member, world.channel, "quiz", module="dsp", topic="lot-sizing", count=3,
                                  mode="new")
    message = quiz.message
    for position in range(3):
        wrong, question, _ = await answer(world, message, right=False)
        assert question.topic == "lot-sizing"
        if position < 2:
            message = (await world.fake.click(world.member, wrong.message,
                                              next(i for i in custom_ids(wrong.message) if "quiz-next" in i))).message
    exam = await world.fake.slash(world.member, world.channel, "exam set", module="dsp", date="2027-03-20")
    assert "(America/New_York)" in exam.content
    # New York moves to EDT on Sun 14 Mar 2027: 08:00 local is 13:00 UTC before, 12:00 UTC after
    expected = [(30, dt.datetime(2027, 2, 18, 13, 0, tzinfo=UTC)), (14, dt.datetime(2027, 3, 6, 13, 0, tzinfo=UTC)),
                (7, dt.datetime(2027, 3, 13, 13, 0, tzinfo=UTC)), (3, dt.datetime(2027, 3, 17, 12, 0, tzinfo=UTC)),
                (1, dt.datetime(2027, 3, 19, 12, 0, tzinfo=UTC)), (0, dt.datetime(2027, 3, 20, 12, 0, tzinfo=UTC))]
    for count, (days, instant) in enumerate(expected, start=1):
        await advance_to(world, instant - dt.timedelta(minutes=1))
        assert len(world.fake.dm_messages(world.member)) == count - 1, days
        await advance_to(world, instant)
        last = (await dms(world, world.member, count))[-1]
        assert "Weakest topics: Lot sizing." in last["content"], last["content"]
        if days > 1:
            assert f"**{days} days** to your **DSP** exam" in last["content"]
    assert "Today is your **DSP** exam" in world.fake.dm_messages(world.member)[-1]["content"]
