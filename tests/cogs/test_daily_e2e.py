"""/daily, /streak and /leaderboard end to end: setup, posts, answers, reveals, DST, restarts, a scripted week."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import time
from zoneinfo import ZoneInfo

import discord

from db import question_admin
from study.generators import FAMILIES
from study.questions import LETTERS, Question
from tests.conftest import World

UTC = dt.UTC


def rows(world: World, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute(sql, params).fetchall()


def scheduler(world: World):
    return world.bot.services.daily_scheduler


async def until(predicate, what: str, limit_seconds: float = 5.0):
    deadline = time.monotonic() + limit_seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def idle(world: World) -> None:
    """Wait until the scheduler has done everything due at the clock's time (it starts once the bot is ready)."""
    await until(lambda: scheduler(world).running, "the scheduler to start")
    await scheduler(world).wait_idle()


def daily_posts(world: World) -> list[dict]:
    return [m for m in world.fake.channel_messages(world.channel)
            if m["embeds"] and m["embeds"][0]["title"].startswith("Daily question")]


def field(embed: dict, name: str) -> str:
    return next(f["value"] for f in embed["fields"] if f["name"] == name)


def buttons(message: dict) -> list[dict]:
    return [c for row in message["components"] for c in row["components"]]


def question_of(world: World, message: dict):
    post_id = int(buttons(message)[0]["custom_id"].split(":")[1])
    [(question_id,)] = rows(world, "SELECT question_id FROM daily_posts WHERE id = ?", post_id)
    return post_id, world.bot.services.catalog.content.bank.get(question_id) or _generated(question_id)


def _generated(question_id: str):
    from study.generators import generate

    _, family, seed = question_id.split(":")
    return generate(family, int(seed))


async def answer(world: World, message: dict, user, *, right: bool):
    post_id, question = question_of(world, message)
    choice = question.answer_index if right else (question.answer_index + 1) % len(question.choices)
    return await world.fake.click(user, message["id"], f"daily:{post_id}:{choice}"), question, choice


async def set_up(world: World, **options):
    options = {"channel": world.channel, "time": "08:00", "timezone": "UTC", **options}
    return await world.fake.slash(world.admin, world.channel, "daily setup", **options)


async def post_now(world: World) -> dict:
    before = len(daily_posts(world))
    result = await world.fake.slash(world.admin, world.channel, "daily now")
    assert result.ephemeral and result.content.startswith(f"Posted Day {before + 1} in <#{world.channel.id}>")
    return daily_posts(world)[-1]


async def wait_for_posts(world: World, count: int) -> list[dict]:
    return await until(lambda: len(daily_posts(world)) >= count and daily_posts(world), f"{count} daily posts")


# ---- setup ----------------------------------------------------------------------------------------------------

async def test_setup_saves_a_good_schedule_and_show_reports_it(world: World):
    result = await set_up(world, time="08:00", timezone="Europe/Berlin", days="mon-fri", modules="dsp mpr",
                          reveal_after=6)
    assert result.ephemeral and result.content == "The daily question is set up."
    embed = result.embeds[0]
    assert field(embed, "Time") == "08:00 Europe/Berlin" and field(embed, "Days") == "Monday to Friday"
    assert field(embed, "Modules") == "DSP, MPR, in turn"
    # START is Wednesday 25 Nov 2026 12:00 UTC: the next post is Thursday 08:00 in Berlin (07:00 UTC)
    thursday = int(dt.datetime(2026, 11, 26, 7, tzinfo=UTC).timestamp())
    assert f"<t:{thursday}:F>" in field(embed, "Next post")
    assert rows(world, "SELECT channel_id, hour, minute, timezone, days, modules, reveal_after_hours"
                       " FROM daily_settings") == [(world.channel.id, 8, 0, "Europe/Berlin", "mon,tue,wed,thu,fri",
                                                    "dsp,mpr", 6)]
    shown = await world.fake.slash(world.admin, world.channel, "daily show")
    assert "Active" in shown.embeds[0]["description"] and f"<t:{thursday}:F>" in field(shown.embeds[0], "Next post")
    await idle(world)
    assert daily_posts(world) == []  # setting up at 12:00 does not owe this morning's post


async def test_setup_refuses_bad_input_and_saves_nothing(world: World):
    cases = [
        ({"timezone": "Mars/Olympus_Mons"}, "I don't know the time zone 'Mars/Olympus_Mons'"),
        ({"time": "25:00"}, "'25:00' is not a time of day"),
        ({"time": "eight"}, "'eight' is not a time"),
        ({"days": "someday"}, "'someday' is not a set of days"),
        ({"days": "monkey"}, "'monkey' is not a set of days"),  # not Monday: the first three letters don't do
        ({"modules": "dsp nope"}, "I don't know a module called 'nope'"),
    ]
    for options, expected in cases:
        result = await set_up(world, **options)
        assert result.ephemeral and expected in result.content, result.content
    locked = world.fake.add_text_channel(world.guild, "locked", {
        world.guild: discord.PermissionOverwrite(send_messages=False)})
    no_embeds = world.fake.add_text_channel(world.guild, "plain", {
        world.guild: discord.PermissionOverwrite(embed_links=False)})
    hidden = world.fake.add_text_channel(world.guild, "hidden", {
        world.guild: discord.PermissionOverwrite(view_channel=False)})
    await asyncio.sleep(0.05)  # let the CHANNEL_CREATE events reach the bot's cache
    for channel, missing in ((locked, "Send Messages"), (no_embeds, "Embed Links"), (hidden, "View Channel")):
        result = await set_up(world, channel=channel)
        assert result.ephemeral and f"I cannot post in <#{channel.id}>: I am missing **{missing}" in result.content
        assert "Nothing was saved" in result.content
    assert rows(world, "SELECT COUNT(*) FROM daily_settings") == [(0,)]
    choices = await world.fake.autocomplete(world.admin, world.channel, "daily setup", focused="timezone",
                                            value="berl", time="08:00", channel=world.channel)
    assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in choices


# ---- posting, answering, revealing ----------------------------------------------------------------------------

async def test_daily_now_posts_members_answer_once_and_the_reveal_shows_the_figures(world: World):
    await set_up(world, reveal_after=2)
    post = await post_now(world)
    embed = post["embeds"][0]
    assert embed["title"] == "Daily question · Day 1" and "**A.**" in embed["description"]
    assert field(embed, "Answers") == "No answers yet: be the first!"
    post_id, question = question_of(world, post)
    assert [b["custom_id"] for b in buttons(post)] == [f"daily:{post_id}:{i}" for i in range(len(question.choices))]

    first, _, _ = await answer(world, post, world.member, right=True)
    # deferred first ("thinking…", only for the member), then the feedback replaces it
    assert first.type == 5 and first.ephemeral and "✅ Right!" in first.embeds[0]["description"]
    assert "revealed" in first.embeds[0]["description"] and question.explanation[:30] not in str(first.embeds)
    wrong, _, wrong_choice = await answer(world, post, world.other, right=False)
    assert wrong.ephemeral and f"❌ Not this time: you chose **{LETTERS[wrong_choice]}**" in wrong.embeds[0][
        "description"]
    await answer(world, post, world.admin, right=True)
    again, _, _ = await answer(world, post, world.member, right=False)
    assert again.ephemeral and f"You already answered this one ({question.answer_letter})" in again.content
    await until(lambda: field(world.fake.message(post["id"])["embeds"][0], "Answers") == "3 answers so far",
                "the live answer count")
    assert rows(world, "SELECT user_id, correct FROM daily_answers ORDER BY seq") == [
        (world.member.id, 1), (world.other.id, 0), (world.admin.id, 1)]
    # the daily answers are quiz records too: answers, spaced-repetition cards and topic tallies
    assert rows(world, "SELECT COUNT(*), SUM(correct) FROM answers WHERE source = 'daily'") == [(3, 2)]
    assert rows(world, "SELECT COUNT(*) FROM cards WHERE item = ?", question.id) == [(3,)]
    assert rows(world, "SELECT SUM(answered), SUM(right_count) FROM topic_stats") == [(3, 2)]

    world.clock.advance(dt.timedelta(hours=2))
    revealed = await until(lambda: "revealed" in world.fake.message(post["id"])["embeds"][0]["title"] and
                           world.fake.message(post["id"]), "the reveal edit")
    embed = revealed["embeds"][0]
    assert field(embed, "Answer") == f"**{question.answer_letter}.** {question.correct_choice}"[:1024]
    assert field(embed, "How the group did").startswith("2 of 3 right (67%)")
    assert f"{LETTERS[wrong_choice]}: 1" in field(embed, "How the group did")
    assert field(embed, "First right") == "bob, ada"  # display names: a bare <@id> often shows as @unknown-user
    assert field(embed, "Why") == question.explanation[:1024]
    states = [(b["disabled"], b["style"]) for b in buttons(revealed)]
    assert all(disabled for disabled, _ in states) and states[question.answer_index][1] == 3  # green
    assert rows(world, "SELECT state FROM daily_posts") == [("revealed",)]


async def test_explanation_at_once_and_the_next_post_reveals_the_previous(world: World):
    await set_up(world, explain="at once", reveal_after=12)
    first = await post_now(world)
    wrong, question, _ = await answer(world, first, world.member, right=False)
    text = wrong.embeds[0]["description"]
    assert f"the answer is **{question.answer_letter}." in text and f"**Why:** {question.explanation[:40]}" in text
    second = await post_now(world)
    assert second["embeds"][0]["title"] == "Daily question · Day 2"
    assert "revealed" in world.fake.message(first["id"])["embeds"][0]["title"]
    assert field(world.fake.message(first["id"])["embeds"][0], "First right") == "Nobody this time."
    _, second_question = question_of(world, second)
    assert second_question.id != question.id


async def test_rotation_follows_the_module_order(world: World):
    await set_up(world, modules="mpr dsp smr")
    modules = []
    for _ in range(4):
        _, question = question_of(world, await post_now(world))
        modules.append(question.module)
    assert modules == ["mpr", "dsp", "smr", "mpr"]


# ---- the schedule: DST, restarts, the grace window -------------------------------------------------------------

async def test_the_post_stays_at_eight_local_across_the_spring_dst_change(world: World):
    await set_up(world, time="08:00", timezone="Europe/Berlin")
    world.clock.set(dt.datetime(2027, 3, 27, 6, 30, tzinfo=UTC))  # 07:30 CET on Saturday
    await idle(world)
    assert daily_posts(world) == []
    assert scheduler(world).next_due == dt.datetime(2027, 3, 27, 7, tzinfo=UTC)  # 08:00 CET = 07:00 UTC
    world.clock.set(dt.datetime(2027, 3, 27, 7, tzinfo=UTC))
    await wait_for_posts(world, 1)
    world.clock.set(dt.datetime(2027, 3, 28, 5, 59, tzinfo=UTC))  # clocks went forward at 02:00: 07:59 CEST
    await idle(world)
    assert len(daily_posts(world)) == 1
    assert scheduler(world).next_due == dt.datetime(2027, 3, 28, 6, tzinfo=UTC)  # 08:00 CEST = 06:00 UTC
    world.clock.set(dt.datetime(2027, 3, 28, 6, tzinfo=UTC))
    posts = await wait_for_posts(world, 2)
    assert posts[1]["embeds"][0]["title"] == "Daily question · Day 2"
    berlin = ZoneInfo("Europe/Berlin")
    posted = [dt.datetime.fromtimestamp(s, UTC).astimezone(berlin) for (s,) in
              rows(world, "SELECT posted_at FROM daily_posts ORDER BY id")]
    assert [(p.date().isoformat(), p.strftime("%H:%M")) for p in posted] == [("2027-03-27", "08:00"),
                                                                              ("2027-03-28", "08:00")]


async def test_restart_keeps_buttons_working_and_makes_a_missed_post_exactly_once(world: World):
    await set_up(world, time="13:00", timezone="UTC")  # START is 12:00 UTC
    earlier = await post_now(world)
    await answer(world, earlier, world.member, right=True)

    await world.restart()  # the buttons of a post made before the restart still answer
    late, _, _ = await answer(world, earlier, world.other, right=False)
    assert late.ephemeral and "❌ Not this time" in late.embeds[0]["description"]
    again, question, _ = await answer(world, earlier, world.member, right=False)
    assert f"You already answered this one ({question.answer_letter})" in again.content
    await until(lambda: field(world.fake.message(earlier["id"])["embeds"][0], "Answers") == "2 answers so far",
                "the count after the restart")

    await world.stop()  # down over 13:00; back at 15:00, inside the 6-hour grace window of the same day
    world.clock.set(dt.datetime(2026, 11, 25, 15, tzinfo=UTC))
    await world.start()
    posts = await wait_for_posts(world, 2)
    assert posts[1]["embeds"][0]["title"] == "Daily question · Day 2"
    assert "revealed" in world.fake.message(earlier["id"])["embeds"][0]["title"]  # the next post reveals it
    await idle(world)
    await world.restart()
    await idle(world)
    assert len(daily_posts(world)) == 2
    assert rows(world, "SELECT kind, local_day FROM daily_posts ORDER BY id") == [
        ("manual", "2026-11-25"), ("scheduled", "2026-11-25")]


async def test_a_post_missed_beyond_the_grace_window_is_skipped(world: World):
    await set_up(world, time="13:00", timezone="UTC")
    await world.stop()
    world.clock.set(dt.datetime(2026, 11, 25, 19, 30, tzinfo=UTC))  # 6.5 h late: beyond daily.grace_hours = 6
    await world.start()
    await idle(world)
    assert daily_posts(world) == []
    assert scheduler(world).next_due == dt.datetime(2026, 11, 26, 13, tzinfo=UTC)
    world.clock.set(dt.datetime(2026, 11, 26, 13, tzinfo=UTC))
    await wait_for_posts(world, 1)


async def test_pause_and_resume(world: World):
    await set_up(world, time="13:00")
    paused = await world.fake.slash(world.admin, world.channel, "daily pause")
    assert "paused" in paused.content
    world.clock.set(dt.datetime(2026, 11, 25, 13, tzinfo=UTC))
    await idle(world)
    assert daily_posts(world) == []
    shown = await world.fake.slash(world.admin, world.channel, "daily show")
    assert "Paused" in shown.embeds[0]["description"]
    world.clock.set(dt.datetime(2026, 11, 25, 14, tzinfo=UTC))
    resumed = await world.fake.slash(world.admin, world.channel, "daily resume")
    tomorrow = int(dt.datetime(2026, 11, 26, 13, tzinfo=UTC).timestamp())
    assert "back on" in resumed.content and f"<t:{tomorrow}:F>" in resumed.content
    await idle(world)
    assert daily_posts(world) == []  # the day paused is not owed
    world.clock.set(dt.datetime(2026, 11, 26, 13, tzinfo=UTC))
    await wait_for_posts(world, 1)


# ---- streaks and leaderboards over a scripted week ------------------------------------------------------------

# Monday 30 Nov to Friday 4 Dec 2026, posts at 08:00 UTC (mon-fri). R right, W wrong, - no answer.
WEEK = {
    "admin": "RR-RW",
    "member": "RWRRR",
    "other": "WRRWR",
}


async def test_a_scripted_week_gives_the_expected_leaderboard_and_streaks(world: World):
    await set_up(world, time="08:00", timezone="UTC", days="mon-fri", reveal_after=12, weekly_summary=True)
    users = {"admin": world.admin, "member": world.member, "other": world.other}
    monday = dt.datetime(2026, 11, 30, 8, tzinfo=UTC)
    for day in range(5):
        world.clock.set(monday + dt.timedelta(days=day))
        post = (await wait_for_posts(world, day + 1))[day]
        if day == 4:  # Friday's question is still open: not having answered it yet breaks nothing
            streak = await world.fake.slash(world.member, world.channel, "streak")
            assert "**4** in a row (best **4**)" in streak.content
        for name, script in WEEK.items():
            if script[day] != "-":
                await answer(world, post, users[name], right=script[day] == "R")

    # By hand: admin 3 right of 4 (75%), member 4 of 5 (80%), other 3 of 5 (60%): member, admin, other.
    board = await world.fake.slash(world.other, world.channel, "leaderboard", period="week")
    embed = board.embeds[0]
    assert board.ephemeral and embed["title"] == "Daily leaderboard · this week"
    assert embed["description"].split("\n") == [
        "**1.** bob · 4 right of 5 (80%)",
        "**2.** ada · 3 right of 4 (75%)",
        "**3.** cy · 3 right of 5 (60%)",
    ]
    assert field(embed, "Your place") == "#3 of 3 · 3 right of 5 (60%)"
    streaks = {name: (await world.fake.slash(user, world.channel, "streak")).content for name, user in users.items()}
    assert "**2** in a row (best **2**)" in streaks["admin"] and "answered 4 daily questions" in streaks["admin"]
    assert "**5** in a row (best **5**)" in streaks["member"]
    assert "**5** in a row (best **5**)" in streaks["other"]

    # Monday 7 Dec: a new week (nothing answered yet) and the month of December (Tuesday 1 Dec on) only.
    world.clock.set(monday + dt.timedelta(days=7))
    await wait_for_posts(world, 6)
    # the weekly summary comes with the week's first post: last week's top members and accuracy by module
    def summaries():
        return [m["embeds"][0] for m in world.fake.channel_messages(world.channel)
                if m["embeds"] and m["embeds"][0]["title"].startswith("Last week")]

    [summary] = await until(summaries, "the weekly summary")
    assert summary["title"] == "Last week in the daily question (30 Nov – 06 Dec)"
    assert field(summary, "Top members") == embed["description"]
    # by hand: the five modules in syllabus order, one a day; right/answered per day from WEEK
    figures = ["2/3 (67%)", "2/3 (67%)", "2/2 (100%)", "2/3 (67%)", "2/3 (67%)"]
    modules = list(world.content.syllabus.modules)
    expected = sorted((m.key, f"{m.code}: {figure}") for m, figure in zip(modules, figures, strict=True))
    assert field(summary, "Group accuracy by module").split("\n") == [line for _, line in expected]
    week = await world.fake.slash(world.member, world.channel, "leaderboard")
    assert week.embeds[0]["description"] == "No daily answers in this period yet."
    month = await world.fake.slash(world.member, world.channel, "leaderboard", period="month")
    first, second = (name for _, name in sorted([(world.member.id, "bob"), (world.other.id, "cy")]))
    assert month.embeds[0]["description"].split("\n") == [
        f"**1.** {first} · 3 right of 4 (75%)",   # member and other tie on right answers and accuracy
        f"**1.** {second} · 3 right of 4 (75%)",
        "**3.** ada · 2 right of 3 (67%)",
    ]
    everything = await world.fake.slash(world.member, world.channel, "leaderboard", period="all")
    assert everything.embeds[0]["description"] == embed["description"]
    one_module = await world.fake.slash(world.member, world.channel, "leaderboard", period="all", module="nope")
    assert "I don't know a module called 'nope'" in one_module.content

    # Monday's question is revealed at 20:00 without an answer from `other`: their streak ends, the best stays.
    world.clock.set(monday + dt.timedelta(days=7, hours=13))
    await idle(world)
    streak = await world.fake.slash(world.other, world.channel, "streak")
    assert "**0** in a row (best **5**)" in streak.content


async def test_leaderboard_pages_and_shows_the_callers_place_off_the_page(world: World):
    await set_up(world)
    post = await post_now(world)
    extra = [world.fake.add_member(world.guild, f"m{i}") for i in range(9)]
    for user in [world.admin, world.member, *extra]:
        await answer(world, post, user, right=True)
    await answer(world, post, world.other, right=False)
    board = await world.fake.slash(world.other, world.channel, "leaderboard")
    embed = board.embeds[0]
    assert len(embed["description"].split("\n")) == 10 and embed["footer"]["text"].startswith("Page 1 of 2")
    assert field(embed, "Your place") == "#12 of 12 · 0 right of 1 (0%)"
    nxt = await world.fake.click(world.other, board.message, world.fake.find_button(board.message, "Next ▶"))
    lines = nxt.embeds[0]["description"].split("\n")
    assert len(lines) == 2 and lines[-1] == "**12.** cy · 0 right of 1 (0%)"
    assert nxt.embeds[0]["footer"]["text"].startswith("Page 2 of 2")
    back = await world.fake.click(world.other, nxt.message, world.fake.find_button(nxt.message, "◀ Previous"))
    assert back.embeds[0]["footer"]["text"].startswith("Page 1 of 2")


async def test_a_new_member_has_no_streak_yet(world: World):
    streak = await world.fake.slash(world.member, world.channel, "streak")
    assert streak.ephemeral and "not answered a daily question yet" in streak.content
    result = await world.fake.slash(world.admin, world.channel, "daily now")
    assert "not set up in this server yet" in result.content


async def test_a_post_discord_refuses_is_reported_and_not_retried(world: World):
    await set_up(world, time="13:00")
    world.fake.set_channel_overwrites(world.channel, {world.guild: discord.PermissionOverwrite(send_messages=False)})
    result = await world.fake.slash(world.admin, world.channel, "daily now")
    assert result.ephemeral and f"I could not post in <#{world.channel.id}>" in result.content
    world.clock.set(dt.datetime(2026, 11, 25, 13, tzinfo=UTC))
    await idle(world)
    assert rows(world, "SELECT kind, state FROM daily_posts ORDER BY id") == [("manual", "failed"),
                                                                              ("scheduled", "failed")]
    world.clock.set(dt.datetime(2026, 11, 25, 14, tzinfo=UTC))
    await idle(world)
    assert len(rows(world, "SELECT id FROM daily_posts")) == 2  # the day stays claimed: never posted twice


def channel_posts(world: World) -> str:
    return rf"/channels/{world.channel.id}/messages$"


async def test_discord_failing_for_a_while_delays_the_post_and_sends_the_same_one_once(world: World):
    await set_up(world, time="13:00")
    # 503s: discord.py does not retry these itself, so each of our attempts meets one
    world.fake.fail_next("POST", channel_posts(world), 503, times=3)
    world.clock.set(dt.datetime(2026, 11, 25, 13, tzinfo=UTC))
    await idle(world)
    assert daily_posts(world) == []
    [(post_id, state)] = rows(world, "SELECT id, state FROM daily_posts")
    assert state == "claimed"  # not failed: the day's post is still owed
    for minutes in (5, 10):
        world.clock.set(dt.datetime(2026, 11, 25, 13, minutes, tzinfo=UTC))
        await idle(world)
        assert daily_posts(world) == []
    world.clock.set(dt.datetime(2026, 11, 25, 13, 15, tzinfo=UTC))
    [post] = await wait_for_posts(world, 1)
    assert post["embeds"][0]["title"] == "Daily question · Day 1"
    assert buttons(post)[0]["custom_id"].startswith(f"daily:{post_id}:")  # the row claimed at 13:00, sent late
    reply, _, _ = await answer(world, post, world.member, right=True)
    assert "✅ Right!" in reply.embeds[0]["description"]
    await idle(world)
    assert len(daily_posts(world)) == 1
    assert rows(world, "SELECT id, state, message_id FROM daily_posts") == [(post_id, "open", int(post["id"]))]


async def test_daily_now_during_an_outage_tells_the_admin_and_posts_later(world: World):
    await set_up(world, time="20:00")
    world.fake.fail_next("POST", channel_posts(world), 503, times=1)
    result = await world.fake.slash(world.admin, world.channel, "daily now")
    assert result.ephemeral and "Discord did not take Day 1 just now (503" in result.content
    assert f"I kept it and will post it in <#{world.channel.id}> in about 5 minutes" in result.content
    await idle(world)
    assert daily_posts(world) == []
    world.clock.advance(dt.timedelta(minutes=5))
    [post] = await wait_for_posts(world, 1)
    assert post["embeds"][0]["title"] == "Daily question · Day 1"
    await idle(world)  # the message is out; its row is marked sent right after
    assert rows(world, "SELECT kind, state FROM daily_posts") == [("manual", "open")]


async def test_a_weekly_summary_that_failed_comes_with_the_next_post(world: World):
    await set_up(world, time="08:00", weekly_summary=True)
    wednesday = await post_now(world)  # Wed 25 Nov: last week's figures, seen from Monday 30 Nov
    await answer(world, wednesday, world.member, right=True)

    def summaries():
        return [m for m in world.fake.channel_messages(world.channel)
                if m["embeds"] and m["embeds"][0]["title"].startswith("Last week")]

    # Monday: the summary (sent just above the post) meets a 503; the post itself goes out
    world.fake.fail_next("POST", channel_posts(world), 503, times=1)
    world.clock.set(dt.datetime(2026, 11, 30, 8, tzinfo=UTC))
    await wait_for_posts(world, 2)
    await idle(world)
    assert summaries() == []
    world.clock.set(dt.datetime(2026, 12, 1, 8, tzinfo=UTC))  # Tuesday's post brings it
    await wait_for_posts(world, 3)
    [summary] = await until(summaries, "the weekly summary")
    assert summary["embeds"][0]["title"] == "Last week in the daily question (23 Nov – 29 Nov)"
    assert field(summary["embeds"][0], "Top members") == "**1.** bob · 1 right of 1 (100%)"
    messages = world.fake.channel_messages(world.channel)
    assert messages[-2]["id"] == summary["id"]  # right above Tuesday's question
    world.clock.set(dt.datetime(2026, 12, 2, 8, tzinfo=UTC))
    await wait_for_posts(world, 4)
    await idle(world)
    assert len(summaries()) == 1


async def test_the_reveal_of_a_long_question_fits_discords_6000_character_limit(world: World):
    db, guild_id = world.bot.db, world.guild.id
    explanation = "Because " + "the reorder point covers demand over the lead time plus safety stock. " * 22
    assert len(explanation) >= 1500
    long_one = Question(
        id="chapter-long-1", module="dsp", topic=world.content.bank.for_module("dsp")[0].topic, difficulty="hard",
        stem="A long scenario. " * 90, choices=tuple(f"Choice {i}: " + "a long option text " * 50 for i in range(4)),
        answer_index=2, explanation=explanation, reference="APICS Dictionary, " + "a long reference " * 80)
    await question_admin.import_questions(db, guild_id, [long_one], world.admin.id, world.clock.now())
    # every other DSP question retired, so the daily question is the imported one
    for question_id in [q.id for q in world.content.bank.for_module("dsp")] + [
            f"gen:{f.name}" for f in FAMILIES.values() if f.module == "dsp"]:
        await question_admin.retire(db, guild_id, question_id, world.admin.id, world.clock.now())
    world.bot.services.catalog.invalidate(guild_id)
    await set_up(world, modules="dsp", reveal_after=1)
    post = await post_now(world)
    assert rows(world, "SELECT question_id FROM daily_posts") == [("chapter-long-1",)]
    post_id = int(buttons(post)[0]["custom_id"].split(":")[1])
    await world.fake.click(world.member, post["id"], f"daily:{post_id}:2")

    world.clock.advance(dt.timedelta(hours=1))
    revealed = await until(lambda: "revealed" in world.fake.message(post["id"])["embeds"][0]["title"] and
                           world.fake.message(post["id"]), "the reveal edit")
    embed = revealed["embeds"][0]
    total = (len(embed["title"]) + len(embed.get("description", "")) + len(embed["footer"]["text"])
             + sum(len(f["name"]) + len(f["value"]) for f in embed["fields"]))
    assert total <= 6000
    why = field(embed, "Why")
    assert why.endswith("…") and explanation.startswith(why[:-1]) and len(why) >= 400
    assert field(embed, "First right") == "bob"
    assert embed["description"].startswith("A long scenario.")
