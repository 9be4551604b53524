import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from db import reminders
from db.connection import Database
from scheduling.clock import ManualClock, SystemClock
from scheduling.dispatcher import DeliveryOutcome, ReminderDispatcher
from study.recurrence import WeeklySchedule

UTC = dt.UTC
START = dt.datetime(2027, 3, 1, 12, tzinfo=UTC)
MINUTE = dt.timedelta(minutes=1)


class RecordingSender:
    """Delivers everything and remembers what it was handed, and when; per-user scripted outcomes."""

    def __init__(self, clock, script=None):
        self.clock = clock
        self.handed = []
        self.script = script or {}

    async def deliver(self, reminder):
        self.handed.append((reminder, self.clock.now()))
        action = self.script.get(reminder.user_id)
        if callable(action):
            return action(reminder)
        return action or DeliveryOutcome.delivered()

    @property
    def ids(self):
        return [r.id for r, _ in self.handed]


@pytest.fixture
def clock():
    return ManualClock(START)


@pytest.fixture
async def running(db, clock):
    """Start a dispatcher over `db` with a sender; stops every one it started."""
    started = []

    async def start(sender=None, **options):
        sender = sender or RecordingSender(clock)
        dispatcher = ReminderDispatcher(db, clock, sender, **options)
        await dispatcher.start()
        await dispatcher.wait_idle()
        started.append(dispatcher)
        return dispatcher, sender

    yield start
    for dispatcher in started:
        await dispatcher.stop()


async def add(db, due, *, user=10, guild=1, **extra):
    return await reminders.add(db, guild_id=guild, user_id=user, kind=extra.pop("kind", "once"),
                               text=extra.pop("text", "revise"), due_at=due, now=START - dt.timedelta(days=1),
                               **extra)


async def test_a_reminder_is_sent_when_due_not_before_and_only_once(db, clock, running):
    r = await add(db, START + 10 * MINUTE)
    dispatcher, sender = await running()
    clock.advance(9 * MINUTE)
    await dispatcher.wait_idle()
    assert sender.handed == []
    clock.advance(MINUTE)
    await dispatcher.wait_idle()
    clock.advance(60 * MINUTE)
    await dispatcher.wait_idle()
    assert sender.ids == [r.id]
    assert sender.handed[0][1] == START + 10 * MINUTE
    row = await reminders.get(db, r.id)
    assert (row.state, row.sent_at) == ("sent", START + 10 * MINUTE)
    assert dispatcher.stats.delivered == 1


async def test_wake_notices_an_earlier_reminder_added_while_asleep(db, clock, running):
    await add(db, START + dt.timedelta(hours=3))
    dispatcher, sender = await running(max_sleep=dt.timedelta(days=1))
    early = await add(db, START + MINUTE)
    dispatcher.wake()
    await dispatcher.wait_idle()
    clock.advance(MINUTE)
    await dispatcher.wait_idle()
    assert sender.ids == [early.id]


async def test_restart_mid_send_sends_exactly_once(tmp_path, clock):
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    never = asyncio.Event()

    class HangingSender(RecordingSender):
        async def deliver(self, reminder):
            self.handed.append((reminder, self.clock.now()))
            self.deliver_started.set()
            await never.wait()  # the process dies while Discord is being called

    hanging = HangingSender(clock)
    handed = asyncio.Event()
    hanging.deliver_started = handed
    r = await add(db, START - MINUTE)
    first = ReminderDispatcher(db, clock, hanging)
    await first.start()
    await asyncio.wait_for(handed.wait(), 5)
    await first.stop(grace_seconds=0)  # the send is cut off; nothing was recorded
    await db.close()
    assert hanging.ids == [r.id]

    for _ in range(2):  # the first restart sends it; the second must not
        db = await Database.open(path)
        sender = RecordingSender(clock)
        dispatcher = ReminderDispatcher(db, clock, sender)
        await dispatcher.start()
        await dispatcher.wait_idle()
        await dispatcher.stop()
        assert await db.fetch_value("SELECT COUNT(*) FROM reminder_deliveries WHERE reminder_id = ?", (r.id,)) == 1
        assert (await reminders.get(db, r.id)).state == "sent"
        await db.close()
        if _ == 0:
            assert sender.ids == [r.id] and dispatcher.stats.recovered_requeued == 1
        else:
            assert sender.ids == []


async def test_claimed_and_crashed_rows_already_delivered_are_never_resent(tmp_path, clock):
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    delivered = await add(db, START - MINUTE)
    undelivered = await add(db, START - MINUTE)
    await reminders.claim_due(db, START, 10)
    async with db.transaction() as conn:  # the delivery of one was logged, then the process died
        await conn.execute("INSERT INTO reminder_deliveries VALUES (?, ?, ?)",
                           (delivered.id, reminders.to_ts(delivered.occurrence_at), reminders.to_ts(START)))
    await db.close()

    db = await Database.open(path)
    sender = RecordingSender(clock)
    dispatcher = ReminderDispatcher(db, clock, sender)
    await dispatcher.start()
    await dispatcher.wait_idle()
    await dispatcher.stop()
    assert sender.ids == [undelivered.id]
    assert (dispatcher.stats.recovered_finalized, dispatcher.stats.recovered_requeued) == (1, 1)
    assert {(await reminders.get(db, i)).state for i in (delivered.id, undelivered.id)} == {"sent"}
    await db.close()


async def test_overdue_within_grace_is_sent_once_at_start(db, clock, running):
    r = await add(db, START - dt.timedelta(hours=5, minutes=59))
    dispatcher, sender = await running()
    clock.advance(dt.timedelta(hours=1))
    await dispatcher.wait_idle()
    assert sender.ids == [r.id]


async def test_beyond_grace_is_missed_and_mentioned_in_the_next_dm(db, clock, running):
    lost = await add(db, START - dt.timedelta(hours=7), text="submit the essay")
    dispatcher, sender = await running()
    assert sender.handed == []
    assert (await reminders.get(db, lost.id)).state == "missed"
    later = await add(db, START + MINUTE)
    dispatcher.wake()
    clock.advance(MINUTE)
    await dispatcher.wait_idle()
    [(handed, _)] = sender.handed
    assert handed.id == later.id and handed.total_missed == 1 and handed.missed[0].text == "submit the essay"
    assert (await reminders.get(db, lost.id)).missed_count == 0  # mentioned once, not again
    again = await add(db, START + 2 * MINUTE)
    dispatcher.wake()
    clock.advance(MINUTE)
    await dispatcher.wait_idle()
    assert sender.handed[-1][0].id == again.id and sender.handed[-1][0].total_missed == 0


async def test_recurring_reminder_down_for_days_counts_every_missed_occurrence(db, clock, running):
    daily = WeeklySchedule(dt.time(19, 30), frozenset(range(7)))
    first = dt.datetime(2027, 2, 25, 19, 30, tzinfo=UTC)  # then 26th, 27th, 28th; START is March 1st 12:00
    r = await add(db, first, recurrence=daily.to_json(), timezone="UTC", kind="study")
    dispatcher, sender = await running()
    row = await reminders.get(db, r.id)
    assert sender.handed == []
    assert (row.state, row.missed_count, row.due_at) == ("pending", 4, dt.datetime(2027, 3, 1, 19, 30, tzinfo=UTC))
    clock.set(row.due_at)
    await dispatcher.wait_idle()
    [(handed, _)] = sender.handed
    assert handed.total_missed == 4
    assert (await reminders.get(db, r.id)).missed_count == 0


@pytest.mark.parametrize(("start", "change"), [
    (dt.datetime(2027, 3, 10, tzinfo=UTC), dt.date(2027, 3, 28)),
    (dt.datetime(2027, 10, 13, tzinfo=UTC), dt.date(2027, 10, 31)),
])
async def test_weekly_reminder_keeps_local_time_across_berlin_dst(db, clock, running, start, change):
    clock.set(start)
    sunday = WeeklySchedule(dt.time(19, 30), frozenset({6}))
    from study.recurrence import next_occurrence
    r = await add(db, next_occurrence(sunday, "Europe/Berlin", start), recurrence=sunday.to_json(),
                  timezone="Europe/Berlin", kind="study")
    dispatcher, sender = await running()
    for _ in range(5):
        clock.set(await reminders.next_due_at(db))
        await dispatcher.wait_idle()
    berlin = [when.astimezone(ZoneInfo("Europe/Berlin")) for _, when in sender.handed]
    assert len(berlin) == 5 and set(sender.ids) == {r.id}
    assert {(w.weekday(), w.hour, w.minute) for w in berlin} == {(6, 19, 30)}
    assert change in {w.date() for w in berlin}
    offsets = [w.utcoffset() for w in berlin]
    assert len(set(offsets)) == 2  # the UTC instant moved by an hour at the change; the wall time did not
    assert await db.fetch_value("SELECT COUNT(*) FROM reminder_deliveries") == 5


async def test_ten_thousand_due_in_the_same_second_are_all_handed_over(db, clock, running):
    due = START + MINUTE
    stamp = reminders.to_ts(due)
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO reminders (guild_id, user_id, kind, text, due_at, occurrence_at, created_at)"
            " VALUES (1, ?, 'once', 'burst', ?, ?, 0)",
            [(user, stamp, stamp) for user in range(10_000)],
        )
    dispatcher, sender = await running()
    clock.set(due)
    await dispatcher.wait_idle()
    assert len(sender.ids) == len(set(sender.ids)) == 10_000
    assert await db.fetch_value("SELECT COUNT(*) FROM reminders WHERE state = 'sent'") == 10_000
    assert await db.fetch_value("SELECT COUNT(*) FROM reminder_deliveries") == 10_000
    assert dispatcher.stats.max_lag_seconds == 0


async def test_closed_dms_pause_that_members_reminders_and_the_rest_go_on(db, clock, running):
    closed_now = await add(db, START + MINUTE, user=10)
    closed_later = await add(db, START + 2 * MINUTE, user=10)
    fine = await add(db, START + MINUTE, user=11)
    sender = RecordingSender(clock, {10: DeliveryOutcome.dms_closed()})
    dispatcher, _ = await running(sender)
    clock.advance(MINUTE)
    await dispatcher.wait_idle()
    clock.advance(5 * MINUTE)
    await dispatcher.wait_idle()
    assert sorted(sender.ids) == sorted([closed_now.id, fine.id])  # the later one was paused, not tried
    assert {(await reminders.get(db, i)).state for i in (closed_now.id, closed_later.id)} == {"paused"}
    assert (await reminders.get(db, fine.id)).state == "sent"
    assert await reminders.dms_closed(db, 10) and dispatcher.stats.paused == 1
    sender.script.clear()
    await reminders.reopen_dms(db, 10, clock.now())
    dispatcher.wake()
    await dispatcher.wait_idle()
    assert {(await reminders.get(db, i)).state for i in (closed_now.id, closed_later.id)} == {"sent"}


async def test_a_raising_sender_is_retried_with_backoff_and_never_stops_the_loop(db, clock, running):
    calls = {"n": 0}

    def flaky(reminder):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("Discord 503")
        return DeliveryOutcome.delivered()

    bad = await add(db, START + MINUTE, user=10)
    good = await add(db, START + MINUTE, user=11)
    sender = RecordingSender(clock, {10: flaky})
    dispatcher, _ = await running(sender)
    clock.advance(MINUTE)
    await dispatcher.wait_idle()
    row = await reminders.get(db, bad.id)
    assert (row.state, row.attempts, row.due_at) == ("pending", 1, START + MINUTE + dt.timedelta(seconds=30))
    assert "Discord 503" in row.last_error and (await reminders.get(db, good.id)).state == "sent"
    clock.advance(dt.timedelta(seconds=30))
    await dispatcher.wait_idle()
    assert (await reminders.get(db, bad.id)).state == "sent"
    assert dispatcher.stats.sender_errors == 1 and dispatcher.running


async def test_bounded_attempts_then_one_shot_fails_and_recurring_moves_on(db, clock, running):
    once = await add(db, START + MINUTE, user=10)
    daily = WeeklySchedule(dt.time(13, 0), frozenset(range(7)))
    recurring = await add(db, START + dt.timedelta(hours=1), user=10, recurrence=daily.to_json(), kind="study")
    sender = RecordingSender(clock, {10: DeliveryOutcome.retry_later("HTTP 500")})
    dispatcher, _ = await running(sender, max_attempts=3)
    for _ in range(10):
        clock.advance(dt.timedelta(minutes=30))
        await dispatcher.wait_idle()
    assert (await reminders.get(db, once.id)).state == "failed"
    row = await reminders.get(db, recurring.id)
    assert (row.state, row.due_at, row.missed_count) == ("pending", dt.datetime(2027, 3, 2, 13, tzinfo=UTC), 1)
    assert sender.ids.count(once.id) == 3


async def test_gone_cancels(db, clock, running):
    r = await add(db, START + MINUTE)
    sender = RecordingSender(clock, {10: DeliveryOutcome.gone("Unknown User (10013)")})
    dispatcher, _ = await running(sender)
    clock.advance(MINUTE)
    await dispatcher.wait_idle()
    row = await reminders.get(db, r.id)
    assert (row.state, row.last_error) == ("cancelled", "Unknown User (10013)")


async def test_system_clock_fires_on_time(db):
    clock = SystemClock()
    sender = RecordingSender(clock)
    r = await add(db, clock.now() + dt.timedelta(milliseconds=1200))
    dispatcher = ReminderDispatcher(db, clock, sender)
    await dispatcher.start()
    try:
        for _ in range(400):
            if sender.handed:
                break
            await asyncio.sleep(0.01)
        assert sender.ids == [r.id]
    finally:
        await dispatcher.stop()


async def test_a_hanging_sender_times_out_into_a_retry(db, clock, running):
    class SlowOnce(RecordingSender):
        async def deliver(self, reminder):
            self.handed.append((reminder, self.clock.now()))
            if len(self.handed) == 1:
                await asyncio.Event().wait()
            return DeliveryOutcome.delivered()

    r = await add(db, START + MINUTE)
    sender = SlowOnce(clock)
    dispatcher, _ = await running(sender, send_timeout=0.1)
    clock.advance(MINUTE)
    await dispatcher.wait_idle()
    row = await reminders.get(db, r.id)
    assert (row.state, row.attempts) == ("pending", 1) and "TimeoutError" in row.last_error
    clock.advance(dt.timedelta(seconds=30))
    await dispatcher.wait_idle()
    assert (await reminders.get(db, r.id)).state == "sent" and sender.ids == [r.id, r.id]
