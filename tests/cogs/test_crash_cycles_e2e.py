"""Two rounds of the crash-cycle benchmark (bench/crash_bench.py): SIGKILL at a random moment with quiz answers,
reminder DMs and a daily post in flight, then a restart. The full 20 rounds are a benchmark, not a CI test."""

from __future__ import annotations

from bench.crash_bench import run


async def test_two_crash_cycles_lose_nothing_double_nothing_and_risk_at_most_one_dm_each():
    figures = await run(rounds=2, per_round=60, members=4, window=2.0, seed=7)
    assert figures.integrity_failures == 0
    assert figures.acknowledged_answers > 0 and figures.answers_lost == 0
    assert figures.reminders == 120 and figures.reminders_lost == 0 and figures.reminders_doubled == 0
    assert max(figures.at_risk) <= 1, figures.at_risk
    assert figures.daily_servers == 2 and figures.daily_wrong == 0
    assert figures.final_exit_code == 0
