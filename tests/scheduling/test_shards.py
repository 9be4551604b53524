"""Shard plans and the one global budget: the processes of one bot never exceed Discord's 50 requests/s together."""

from __future__ import annotations

import asyncio
import time

import pytest

from scheduling.pacing import RequestWindow, budget_for
from scheduling.shards import DISCORD_GLOBAL_PER_SECOND, ShardPlan, parse_shard_plan, shard_of


def test_a_guild_belongs_to_the_shard_discord_sends_its_events_to():
    plan = parse_shard_plan("0-1", 4)
    guilds = [(ms << 22) | 7 for ms in range(16)]
    assert [plan.owns(g) for g in guilds] == [shard_of(g, 4) in (0, 1) for g in guilds]
    assert plan.owns(None)  # DMs arrive on shard 0
    assert not parse_shard_plan("2-3", 4).owns(None)
    assert ShardPlan().owns(12345) and ShardPlan().share == 1.0


def test_plans_name_their_shards_the_same_way_after_a_restart():
    assert parse_shard_plan("0,1,2,5", 8).owner == "shards 0-2,5/8"
    assert parse_shard_plan(None, 4).owner == "shards 0-3/4"
    assert ShardPlan().owner == "all shards"


@pytest.mark.parametrize("layout", [[4], [2, 2], [1, 3], [1, 1, 1, 1], [3, 5], [1] * 7, [5, 5, 6]])
def test_processes_that_share_the_shards_share_one_budget_under_the_global_limit(layout):
    count = sum(layout)
    budgets = [budget_for(n / count) for n in layout]
    assert sum(b.requests_per_second for b in budgets) <= DISCORD_GLOBAL_PER_SECOND - 8
    # a reminder burst (its bucket's burst on top of its rate) stays inside the process's window
    assert all(b.reminders_per_second + b.reminder_burst <= b.requests_per_second for b in budgets)
    assert budget_for(1.0).reminders_per_second == 40  # one process: as before shards existed


async def test_the_request_window_admits_its_limit_in_any_second():
    window = RequestWindow(10)
    stamps: list[float] = []

    async def one() -> None:
        await window.acquire()
        stamps.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(*(one() for _ in range(25)))
    assert time.monotonic() - started >= 2.0  # 25 at 10 per second: the third ten waits two seconds
    stamps.sort()
    assert max(sum(1 for s in stamps if first <= s < first + 1.0) for first in stamps) <= 10
