"""LoadShedder: late means late beyond the usual delay, so a clock that differs from Discord's sheds nothing."""

from __future__ import annotations

from types import SimpleNamespace

import discord

from cogs.busy import LoadShedder


def created(at: float) -> SimpleNamespace:
    """An interaction whose snowflake says Discord created it at `at` (Unix seconds)."""
    return SimpleNamespace(id=(int(at * 1000) - discord.utils.DISCORD_EPOCH) << 22)


def test_an_interaction_handled_late_is_behind_and_a_fresh_one_is_not():
    now = 1_800_000_000.0
    shedder = LoadShedder(busy_after=1.5, clock=lambda: now)
    assert not shedder.behind(created(now - 0.05))
    assert not shedder.behind(created(now - 1.0))
    assert shedder.behind(created(now - 2.0))
    assert shedder.shed == 1


def test_a_clock_ahead_of_discords_by_minutes_sheds_nothing_that_is_on_time():
    now = 1_800_000_000.0
    shedder = LoadShedder(busy_after=1.5, clock=lambda: now + 300)  # this machine is five minutes fast
    assert not any(shedder.behind(created(now - 0.02 * i)) for i in range(10))
    assert shedder.behind(created(now - 2.0))


def test_a_clock_behind_discords_does_not_hide_lateness():
    now = 1_800_000_000.0
    shedder = LoadShedder(busy_after=1.5, clock=lambda: now - 120)  # two minutes slow: delays look negative
    assert not shedder.behind(created(now))
    assert shedder.behind(created(now - 2.0))


class Response:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []

    async def send_message(self, content: str, *, ephemeral: bool = False) -> None:
        self.sent.append((content, ephemeral))


def late_interaction(kind: discord.InteractionType, seconds_late: float) -> SimpleNamespace:
    now = 1_800_000_000.0
    shedder = LoadShedder(busy_after=1.0, clock=lambda: now)
    shedder.delay_of(created(now).id)  # the usual delay: none
    return SimpleNamespace(id=created(now - seconds_late).id, type=kind, client=SimpleNamespace(shedder=shedder),
                           response=Response())


async def test_a_command_that_became_late_in_the_queue_is_refused_with_the_busy_line():
    import pytest

    from cogs.busy import BUSY, Busy, StudyTree

    interaction = late_interaction(discord.InteractionType.application_command, 1.5)
    with pytest.raises(Busy, match=BUSY[:20]):
        await StudyTree.interaction_check(None, interaction)  # the tree's error handler answers with str(error)
    on_time = late_interaction(discord.InteractionType.application_command, 0.2)
    assert await StudyTree.interaction_check(None, on_time)
    autocomplete = late_interaction(discord.InteractionType.autocomplete, 1.5)
    assert await StudyTree.interaction_check(None, autocomplete)  # no message can answer an autocomplete


async def test_a_button_that_became_late_in_the_queue_answers_busy_itself():
    from cogs.busy import BUSY
    from cogs.ui.quiz_views import AnswerButton

    interaction = late_interaction(discord.InteractionType.component, 1.5)
    assert not await AnswerButton("abc", 0, 1).interaction_check(interaction)
    assert interaction.response.sent == [(BUSY, True)]
