"""/exam end to end: exam dates, the nudge DMs before them at the right local times, and their list."""

from __future__ import annotations

import datetime as dt

from tests.cogs.dm_helpers import advance_to, dms, rows
from tests.conftest import World

UTC = dt.UTC


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
