"""Every click is answered, even when its handler fails: a short private line, and the error logged once.

Both cases were bugs: a daily-question click whose recording raised left the member on "thinking…" for good,
and a failing /forgetme confirm showed Discord's bare "This interaction failed". Every persistent button now
derives from one guarded base (cogs/ui/buttons.py); the fake Discord says whether an interaction was answered
(a click left unanswered, or deferred and never followed up, raises FakeDiscordError).
"""

from __future__ import annotations

import logging

import discord
import pytest

from services.daily import DailyService
from services.progress import ProgressService
from study.errors import UserInputError
from tests.cogs.test_daily_e2e import answer, daily_posts, post_now, rows, set_up
from tests.conftest import World

WENT_WRONG = "Something went wrong on my side (reference `"


def logged_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Errors and worse, discord.py's own "Ignoring exception in ..." included."""
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def assert_logged_once(caplog: pytest.LogCaptureFixture, reference_in: str) -> None:
    [record] = logged_errors(caplog)
    assert record.name == "cogs.errors" and record.exc_info is not None, record.getMessage()
    reference = reference_in.split("`")[1]
    assert reference in record.getMessage()


async def test_a_daily_answer_that_fails_is_answered_instead_of_thinking_forever(world: World, monkeypatch, caplog):
    await set_up(world)
    post = await post_now(world)

    async def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug while recording the answer")

    monkeypatch.setattr(DailyService, "answer", broken)
    world.fake.deferred_timeout = 3.0  # how long the fake waits for the follow-up after "thinking…"
    caplog.set_level(logging.INFO)
    click, _, _ = await answer(world, post, world.member, right=True)
    assert click.type == 5 and click.ephemeral  # acknowledged first ("thinking…"), then the follow-up replaces it
    assert click.content.startswith(WENT_WRONG) and "give the reference to an admin" in click.content
    assert_logged_once(caplog, click.content)
    assert rows(world, "SELECT COUNT(*) FROM daily_answers") == [(0,)]

    monkeypatch.undo()  # the bug is fixed: the same button works
    again, _, _ = await answer(world, daily_posts(world)[-1], world.member, right=True)
    assert "✅ Right!" in again.embeds[0]["description"]


async def test_a_failing_forgetme_confirm_gets_a_private_answer_and_deletes_nothing(world: World, monkeypatch,
                                                                                    caplog):
    await world.fake.slash(world.member, world.channel, "timezone set", zone="Europe/Berlin")

    async def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug while deleting")

    monkeypatch.setattr(ProgressService, "forget", broken)
    caplog.set_level(logging.INFO)
    prompt = await world.fake.slash(world.member, world.channel, "forgetme")
    yes = world.fake.find_button(prompt.message, "Delete my data")
    failed = await world.fake.click(world.member, prompt.message, yes)
    assert failed.ephemeral and failed.content.startswith(WENT_WRONG)
    assert_logged_once(caplog, failed.content)
    assert rows(world, "SELECT timezone FROM member_settings WHERE user_id = ?", world.member.id) == [
        ("Europe/Berlin",)]

    monkeypatch.undo()
    done = await world.fake.click(world.member, prompt.message, yes)
    assert done.content.startswith("Done. Deleted: ")


async def test_a_click_a_member_can_fix_gets_its_own_words_and_no_traceback(world: World, monkeypatch, caplog):
    await set_up(world)
    post = await post_now(world)

    async def refused(*_args, **_kwargs):
        raise UserInputError("This daily question belongs to another server.")

    monkeypatch.setattr(DailyService, "answer", refused)
    caplog.set_level(logging.INFO)
    click, _, _ = await answer(world, post, world.member, right=True)
    assert click.ephemeral and click.content == "This daily question belongs to another server."
    assert logged_errors(caplog) == []


async def test_a_button_from_an_earlier_release_is_answered_and_changes_nothing(world: World):
    """A message an older release posted, whose button id no button of this release has."""
    old = discord.ui.View()
    old.add_item(discord.ui.Button(label="Snooze", custom_id="snooze-v0:12"))
    old.stop()  # so that this process's discord.py keeps no callback for it: the id is all there is
    channel = world.bot.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    posted = await channel.send("⏰ Reminder: flashcards", view=old)
    before = world.fake.channel_messages(world.channel)
    result = await world.fake.click(world.member, posted.id, "snooze-v0:12")
    assert result.ephemeral and "earlier version of the bot" in result.content and "/help" in result.content
    assert world.fake.channel_messages(world.channel) == before
