"""Busy days through the fake Discord: a bot that is behind answers "busy" and does nothing; /progress is
acknowledged before its slow part; a second /progress with nothing new reuses the chart."""

from __future__ import annotations

import asyncio
import sqlite3

from cogs.busy import BUSY, BUSY_AFTER
from cogs.progress import CHART_BACKLOG
from tests.cogs.test_quiz_e2e import answer, custom_ids
from tests.conftest import World


def answer_rows(world: World) -> int:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]


async def test_an_answer_click_while_the_bot_is_behind_is_answered_busy_and_not_recorded(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="dsp", count=3, mode="new")
    world.bot.shedder.busy_after = -1.0  # every interaction now looks late

    busy, _, _ = await answer(world, start.message, right=True)

    assert busy.type == 4 and busy.ephemeral and busy.content == BUSY
    assert answer_rows(world) == 0
    assert world.bot.shedder.shed == 1
    world.bot.shedder.busy_after = BUSY_AFTER  # caught up: the same click now counts, once
    counted, _, _ = await answer(world, start.message, right=True)
    assert "✅ Right!" in counted.embeds[0]["description"]
    assert answer_rows(world) == 1


async def test_next_and_slash_commands_are_shed_too_with_one_short_line(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="dsp", count=3, mode="new")
    right, _, _ = await answer(world, start.message, right=True)
    world.bot.shedder.busy_after = -1.0

    nxt = await world.fake.click(world.member, right.message,
                                 next(i for i in custom_ids(right.message) if i.startswith("quiz-next:")))
    quiz = await world.fake.slash(world.member, world.channel, "quiz")
    progress = await world.fake.slash(world.member, world.channel, "progress")

    for result in (nxt, quiz, progress):
        assert result.type == 4 and result.ephemeral and result.content == BUSY
    assert world.fake.rejected_requests == []


async def test_progress_answers_busy_at_once_when_too_many_charts_wait(world: World):
    world.bot.services.charts.backlog = CHART_BACKLOG
    result = await world.fake.slash(world.member, world.channel, "progress")
    assert result.type == 4 and result.ephemeral and result.content == BUSY
    assert world.bot.services.charts.drawn == 0


async def test_progress_is_acknowledged_before_a_slow_chart_and_still_delivered(world: World):
    world.fake.interaction_deadline = 0.3  # a chart slower than the deadline must not cost the answer
    draw = world.bot.services.charts.draw

    async def slow_draw(*args, **kwargs):
        await asyncio.sleep(0.6)
        return await draw(*args, **kwargs)

    world.bot.services.charts.draw = slow_draw
    result = await world.fake.slash(world.member, world.channel, "progress")

    assert result.type == 5  # deferred ("thinking…") within the deadline
    assert result.embeds[0]["title"] == "Progress: bob"
    assert [name for name, _ in result.attachments] == ["progress.png"]
    assert world.fake.rejected_requests == []


async def test_a_second_progress_with_nothing_new_reuses_the_chart_and_a_new_answer_redraws_it(world: World):
    first = await world.fake.slash(world.member, world.channel, "progress")
    again = await world.fake.slash(world.member, world.channel, "progress")
    assert (world.bot.services.charts.drawn, world.bot.services.charts.reused) == (1, 1)
    assert again.attachments == first.attachments

    start = await world.fake.slash(world.member, world.channel, "quiz", module="dsp", count=3, mode="new")
    await answer(world, start.message, right=True)
    after = await world.fake.slash(world.member, world.channel, "progress")
    assert (world.bot.services.charts.drawn, world.bot.services.charts.reused) == (2, 1)
    assert after.attachments != first.attachments


async def test_a_click_whose_work_runs_long_is_acknowledged_first_then_shown(world: World, monkeypatch):
    import cogs.busy

    start = await world.fake.slash(world.member, world.channel, "quiz", module="dsp", count=3, mode="new")
    monkeypatch.setattr(cogs.busy, "DEFER_AFTER", 0.1)  # the deadline's safety margin, scaled down
    answer_now = world.bot.services.quiz.answer

    async def slow_answer(*args, **kwargs):
        await asyncio.sleep(0.4)  # a long queue for the database
        return await answer_now(*args, **kwargs)

    monkeypatch.setattr(world.bot.services.quiz, "answer", slow_answer)
    deferred, _, _ = await answer(world, start.message, right=True)

    assert deferred.type == 6  # acknowledged in time, the edit follows
    await deferred.wait_for_update()
    assert "✅ Right!" in deferred.message["embeds"][0]["description"]
    assert answer_rows(world) == 1
    assert world.fake.rejected_requests == []


async def test_a_slow_quiz_start_is_deferred_then_sent(world: World, monkeypatch):
    import cogs.busy

    monkeypatch.setattr(cogs.busy, "DEFER_AFTER", 0.1)
    start_now = world.bot.services.quiz.start

    async def slow_start(*args, **kwargs):
        await asyncio.sleep(0.4)
        return await start_now(*args, **kwargs)

    monkeypatch.setattr(world.bot.services.quiz, "start", slow_start)
    result = await world.fake.slash(world.member, world.channel, "quiz", module="dsp", count=3, mode="new")

    assert result.type == 5 and result.ephemeral
    assert result.embeds[0]["title"] == "Quiz: question 1 of 3"
    assert world.fake.rejected_requests == []


async def test_when_every_place_to_work_is_taken_the_excess_is_answered_busy_in_time(world: World, monkeypatch):
    from cogs.busy import LoadShedder

    first = await world.fake.slash(world.member, world.channel, "quiz", module="dsp", count=3, mode="new")
    second = await world.fake.slash(world.other, world.channel, "quiz", module="dsp", count=3, mode="new")
    world.bot.shedder = LoadShedder(busy_after=0.3, slots=1)  # one place to work; 0.3 s is "late"
    answer_now = world.bot.services.quiz.answer

    async def slow_answer(*args, **kwargs):
        await asyncio.sleep(0.6)  # holds the only place longer than the other may wait
        return await answer_now(*args, **kwargs)

    monkeypatch.setattr(world.bot.services.quiz, "answer", slow_answer)
    results = [result for result, _, _ in await asyncio.gather(
        answer(world, first.message, right=True),
        answer(world, second.message, right=True, user=world.other))]

    [shed] = [r for r in results if r.type == 4]
    [counted] = [r for r in results if r is not shed]
    assert "✅ Right!" in counted.embeds[0]["description"]
    assert shed.content == BUSY
    assert answer_rows(world) == 1
    assert world.fake.rejected_requests == []
