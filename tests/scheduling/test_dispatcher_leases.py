"""Several processes, one dispatcher each, on one database: every occurrence is sent by exactly one of them, and
a dead process's claims are taken over after their lease with the same occurrence (so the same nonce).

Each "process" here is a dispatcher with its own connection to the same SQLite file in WAL mode, as two bot
processes have; the two-process end-to-end test (tests/cogs/test_processes_e2e.py) does it with real processes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

import pytest

from db import reminders
from db.connection import Database
from scheduling.clock import ManualClock
from scheduling.dispatcher import DeliveryOutcome, ReminderDispatcher

START = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path):
    """Where two "processes" find the same database: one SQLite file in WAL mode, or one PostgreSQL database."""
    return tmp_path / "shared.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")
LEASE = dt.timedelta(seconds=30)


class SlowSender:
    """Delivers after a short real pause, remembering (process, reminder id, occurrence) of every send."""

    def __init__(self, name: str, log: list[tuple[str, int, dt.datetime]], pause: float = 0.001) -> None:
        self.name, self.log, self.pause = name, log, pause

    async def deliver(self, reminder):
        await asyncio.sleep(self.pause)
        self.log.append((self.name, reminder.id, reminder.occurrence_at))
        return DeliveryOutcome.delivered()


async def _add_due(db: Database, count: int, due: dt.datetime) -> list[int]:
    ids = []
    for n in range(count):
        row = await reminders.add(db, guild_id=1, user_id=100 + n % 40, kind="once", text=f"r{n}", due_at=due,
                                  now=due - dt.timedelta(hours=1), cap=None)
        ids.append(row.id)
    return ids


async def test_two_processes_share_a_burst_and_send_each_occurrence_once(shared):
    path = shared
    clock = ManualClock(START)
    first, second = await Database.open(path), await Database.open(path)
    ids = await _add_due(first, 400, START)
    log: list[tuple[str, int, dt.datetime]] = []
    dispatchers = [ReminderDispatcher(db, clock, SlowSender(name, log), owner=name, lease=LEASE, batch=50,
                                      concurrency=5, hold_until_recorded=True)
                   for db, name in ((first, "shards 0-1/4"), (second, "shards 2-3/4"))]
    try:
        for dispatcher in dispatchers:
            await dispatcher.start()
        await asyncio.gather(*(d.wait_idle(60) for d in dispatchers))
    finally:
        for dispatcher in dispatchers:
            await dispatcher.stop()
    sent = Counter(rid for _, rid, _ in log)
    assert set(sent) == set(ids) and max(sent.values()) == 1
    assert {name for name, _, _ in log} == {"shards 0-1/4", "shards 2-3/4"}, "one process did all the work"
    states = await first.fetch_all("SELECT state, COUNT(*) AS n FROM reminders GROUP BY state")
    assert [(row["state"], row["n"]) for row in states] == [("sent", 400)]
    await first.close()
    await second.close()


async def test_a_dead_process_claims_are_taken_over_after_the_lease_with_the_same_occurrence(shared):
    path = shared
    clock = ManualClock(START)
    db = await Database.open(path)
    ids = await _add_due(db, 6, START)
    # the dead process claimed all six; it had sent and recorded the first one's delivery, then died
    claimed = await reminders.claim_due(db, START, 10, owner="shards 0-1/4", lease=LEASE)
    assert [r.id for r in claimed] == ids
    await db.execute("INSERT INTO reminder_deliveries (reminder_id, due_at, delivered_at) VALUES (?, ?, ?)",
                     (ids[0], int(START.timestamp()), int(START.timestamp())))
    log: list[tuple[str, int, dt.datetime]] = []
    survivor = ReminderDispatcher(db, clock, SlowSender("survivor", log), owner="shards 2-3/4", lease=LEASE)
    try:
        await survivor.start()
        await survivor.wait_idle()
        assert log == [], "claims were taken before their lease ran out"
        clock.advance(LEASE + dt.timedelta(seconds=1))
        survivor.wake()
        await survivor.wait_idle()
    finally:
        await survivor.stop()
    # the delivered one is finalized, not sent again; the five others are sent once, for the same occurrence
    assert sorted(rid for _, rid, _ in log) == ids[1:]
    assert {occurrence for _, _, occurrence in log} == {START}
    assert await db.fetch_value("SELECT COUNT(*) FROM reminders WHERE state = 'sent'") == 6
    assert await db.fetch_value("SELECT COUNT(*) FROM reminder_deliveries") == 6
    await db.close()


async def test_a_live_process_keeps_its_claims_by_renewing_the_lease(shared):
    path = shared
    clock = ManualClock(START)
    slow_db, other_db = await Database.open(path), await Database.open(path)
    await _add_due(slow_db, 3, START)
    log: list[tuple[str, int, dt.datetime]] = []
    lease = dt.timedelta(seconds=2)  # stored in whole seconds, renewed every 0.67 s
    slow = ReminderDispatcher(slow_db, clock, SlowSender("slow", log, pause=1.2), owner="slow", lease=lease,
                              concurrency=1, hold_until_recorded=True)
    other = ReminderDispatcher(other_db, clock, SlowSender("other", log), owner="other", lease=lease)
    try:
        await slow.start()
        await asyncio.sleep(0.05)  # the slow process claims all three and starts sending the first
        await other.start()
        for _ in range(16):  # the clock passes the lease twice over while the slow sends go on
            await asyncio.sleep(0.25)
            clock.advance(dt.timedelta(seconds=0.25))
            other.wake()
        await slow.wait_idle(30)
    finally:
        await slow.stop()
        await other.stop()
    assert sorted(Counter(rid for _, rid, _ in log).values()) == [1, 1, 1]
    assert {name for name, _, _ in log} == {"slow"}
    await slow_db.close()
    await other_db.close()


async def test_a_process_restarted_with_the_same_shards_takes_its_own_claims_back_at_once(shared):
    db = await Database.open(shared)
    clock = ManualClock(START)
    ids = await _add_due(db, 3, START)
    await reminders.claim_due(db, START, 10, owner="shards 0-1/4", lease=LEASE)
    # another process's claims are left alone at start, and not handed out before their lease runs out
    other = await reminders.recover_in_flight(db, START, "shards 2-3/4")
    assert (other.requeued, other.finalized) == (0, 0)
    assert await reminders.claim_due(db, START, 10, owner="shards 2-3/4", lease=LEASE) == []
    log: list[tuple[str, int, dt.datetime]] = []
    again = ReminderDispatcher(db, clock, SlowSender("again", log), owner="shards 0-1/4", lease=LEASE)
    try:
        await again.start()
        await again.wait_idle()
    finally:
        await again.stop()
    assert again.stats.recovered_requeued == 3
    assert sorted(rid for _, rid, _ in log) == ids
    await db.close()
