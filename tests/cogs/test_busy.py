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
