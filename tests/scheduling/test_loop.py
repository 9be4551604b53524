"""The one loop base of the reminder dispatcher and the daily scheduler, with a ManualClock and scripted turns."""

import asyncio
import datetime as dt
import logging

import pytest

from scheduling.clock import ManualClock
from scheduling.loop import SleepingLoop

START = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


class ScriptedLoop(SleepingLoop):
    """Each turn records the clock's time and returns what `due` says is due next (a callable may raise)."""

    task_name = "scripted-loop"
    idle_poll_seconds = 0.001

    def __init__(self, clock, due=None, *, max_sleep=dt.timedelta(days=1)):
        super().__init__(clock, max_sleep=max_sleep)
        self.due = due
        self.turns: list[dt.datetime] = []
        self.stopped_with: float | None = None
        self.prepared = False

    async def _prepare(self):
        self.prepared = True

    async def _turn(self):
        self.turns.append(self._clock.now())
        return self.due() if callable(self.due) else self.due

    async def _stopped(self, grace_seconds):
        self.stopped_with = grace_seconds


@pytest.fixture
def clock():
    return ManualClock(START)


async def test_it_sleeps_until_the_next_due_instant_and_not_longer(clock):
    loop = ScriptedLoop(clock, due=lambda: START + HOUR * (len(loop.turns)))  # on the hour, every hour
    await loop.start()
    try:
        await loop.wait_idle()
        assert loop.prepared and loop.turns == [START] and loop.sleep_target == START + HOUR
        clock.advance(HOUR / 2)
        await loop.wait_idle()
        assert loop.turns == [START]  # woken by the clock, but nothing due yet: no turn
        clock.advance(HOUR / 2)
        await loop.wait_idle()
        assert loop.turns == [START, START + HOUR] and loop.sleep_target == START + 2 * HOUR
    finally:
        await loop.stop()


async def test_nothing_scheduled_sleeps_max_sleep_and_a_later_due_is_capped_by_it(clock):
    loop = ScriptedLoop(clock, due=None, max_sleep=HOUR)
    await loop.start()
    try:
        await loop.wait_idle()
        assert loop.next_due is None and loop.sleep_target == START + HOUR
        loop.due = START + dt.timedelta(days=3)
        clock.advance(HOUR)
        await loop.wait_idle()
        assert loop.turns == [START, START + HOUR] and loop.sleep_target == START + 2 * HOUR
    finally:
        await loop.stop()


async def test_wake_takes_a_turn_at_once(clock):
    loop = ScriptedLoop(clock, due=START + dt.timedelta(days=1))
    await loop.start()
    try:
        await loop.wait_idle()
        loop.due = START + dt.timedelta(minutes=5)  # something earlier was added
        loop.wake()
        await loop.wait_idle()
        assert loop.turns == [START, START] and loop.sleep_target == START + dt.timedelta(minutes=5)
    finally:
        await loop.stop()


async def test_a_turn_that_says_more_is_due_now_runs_again_without_sleeping(clock):
    left = [3]

    def due():
        left[0] -= 1
        return START if left[0] > 0 else None  # two more batches, then nothing

    loop = ScriptedLoop(clock, due=due)
    await loop.start()
    try:
        await loop.wait_idle()
        assert loop.turns == [START, START, START]
    finally:
        await loop.stop()


async def test_a_failing_turn_is_logged_and_tried_again_when_turn_failed_says(clock, caplog):
    calls = [0]

    def due():
        calls[0] += 1
        if calls[0] == 1:
            raise ConnectionError("the database went away")
        return None

    loop = ScriptedLoop(clock, due=due, max_sleep=HOUR)
    with caplog.at_level(logging.ERROR):
        await loop.start()
        try:
            await loop.wait_idle()
            assert loop.running and loop.sleep_target == START + HOUR  # the default: again in max_sleep
            assert any("scripted-loop turn failed" in r.getMessage() and r.exc_info for r in caplog.records)
            clock.advance(HOUR)
            await loop.wait_idle()
            assert loop.turns == [START, START + HOUR]
        finally:
            await loop.stop()


async def test_stop_lets_the_turn_under_way_finish_then_runs_stopped(clock):
    release = asyncio.Event()
    finished = []

    class SlowLoop(ScriptedLoop):
        async def _turn(self):
            await release.wait()
            finished.append(self._clock.now())
            return None

    loop = SlowLoop(clock)
    await loop.start()
    await asyncio.sleep(0.01)
    stopping = asyncio.create_task(loop.stop(grace_seconds=5))
    await asyncio.sleep(0.01)
    assert not stopping.done()
    release.set()
    await stopping
    assert finished == [START] and loop.stopped_with == 5 and not loop.running


async def test_a_turn_past_the_grace_is_cancelled(clock):
    class StuckLoop(ScriptedLoop):
        async def _turn(self):
            await asyncio.Event().wait()

    loop = StuckLoop(clock)
    await loop.start()
    await asyncio.sleep(0.01)
    await asyncio.wait_for(loop.stop(grace_seconds=0.05), 5)
    assert not loop.running and loop.stopped_with == 0.05


async def test_start_twice_is_refused_and_stop_is_safe_before_start_and_twice(clock):
    loop = ScriptedLoop(clock)
    await loop.stop()  # never started
    await loop.start()
    with pytest.raises(RuntimeError, match="already running"):
        await loop.start()
    await loop.stop()
    await loop.stop()
    assert not loop.running


async def test_wait_idle_reports_a_loop_that_died_and_stop_still_finishes(clock):
    class BrokenLoop(ScriptedLoop):
        async def _turn(self):
            raise ValueError("a bug")

        async def _turn_failed(self):
            raise RuntimeError("and a bug in the error path")

    loop = BrokenLoop(clock)
    await loop.start()
    with pytest.raises(RuntimeError, match="error path"):
        await loop.wait_idle(limit_seconds=5)
    await loop.stop()  # logged, not raised: the bot still stops cleanly
    assert loop.stopped_with == 10.0
