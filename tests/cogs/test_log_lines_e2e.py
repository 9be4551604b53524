"""What the log says about failures the bot expects and handles: one warning line each, no traceback.

A retried Discord 503 on a reminder or on the daily post, and an interaction answered after Discord's
3-second deadline, are part of a bot's normal life: an operator reading the log needs to know they happened,
not a stack of frames. Tracebacks stay for the unexpected (a bug), which the last test pins.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from simulator import FakeDiscordError
from tests.cogs.dm_helpers import advance_to, dms
from tests.cogs.test_daily_e2e import channel_posts, idle, set_up
from tests.conftest import World

UTC = dt.UTC


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Warnings and worse from the bot's own code (discord.py's start-up notes about voice are not ours)."""
    return [r for r in caplog.records if r.levelno >= logging.WARNING and not r.name.startswith("discord")]


def assert_one_line(records: list[logging.LogRecord], *words: str) -> None:
    assert len(records) == 1, [r.getMessage() for r in records]
    [record] = records
    assert record.levelno == logging.WARNING and record.exc_info is None, record.getMessage()
    message = record.getMessage()
    assert "\n" not in message and all(word in message for word in words), message


async def test_a_reminder_dm_meeting_a_503_is_one_warning_line_and_is_retried(world: World, caplog):
    caplog.set_level(logging.INFO)
    await world.fake.slash(world.member, world.channel, "remind me", when="in 1 hour", text="review MRP")
    world.fake.fail_next("POST", r"/channels/\d+/messages", 503, times=1)
    await advance_to(world, world.clock.now() + dt.timedelta(hours=1))
    assert world.fake.dm_messages(world.member) == []
    assert_one_line(problems(caplog), "503", "retry")
    await advance_to(world, world.clock.now() + dt.timedelta(minutes=1))
    assert [m["content"] for m in await dms(world, world.member, 1)] == ["⏰ Reminder: review MRP"]


async def test_a_daily_post_meeting_a_503_is_one_warning_line_and_is_retried(world: World, caplog):
    await set_up(world, time="13:00")
    caplog.set_level(logging.INFO)
    world.fake.fail_next("POST", channel_posts(world), 503, times=1)
    world.clock.set(dt.datetime(2026, 11, 25, 13, tzinfo=UTC))
    await idle(world)
    assert_one_line(problems(caplog), "503", "guild")


async def test_an_answer_after_discords_deadline_is_one_warning_line(world: World, caplog):
    caplog.set_level(logging.INFO)
    world.fake.interaction_deadline = 0.0  # every answer comes too late: Discord says "Unknown interaction"
    with pytest.raises(FakeDiscordError):
        await world.fake.slash(world.member, world.channel, "help")
    assert_one_line(problems(caplog), "/help", "deadline")


async def test_an_unexpected_error_still_gets_its_traceback(world: World, caplog):
    caplog.set_level(logging.INFO)

    async def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug")

    world.bot.services.reminders.member_reminders = broken
    result = await world.fake.slash(world.member, world.channel, "remind list")
    assert "Something went wrong on my side" in result.content
    [record] = problems(caplog)
    assert record.levelno == logging.ERROR and record.exc_info is not None
