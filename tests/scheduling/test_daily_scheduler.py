"""The daily scheduler: schedule arithmetic, and the one loop over real daily records with a ManualClock."""

import datetime as dt

import pytest

from db import daily
from scheduling.clock import ManualClock
from scheduling.daily_scheduler import DailyScheduler, next_post_time, owed_post
from tests.daily_rows import NOW, Q, claim, settings

UTC = dt.UTC


# ---- schedule arithmetic --------------------------------------------------------------------------------------

def test_owed_post_within_grace_on_the_same_local_day():
    grace = dt.timedelta(hours=6)
    berlin = settings(timezone="Europe/Berlin")  # 08:00 Berlin = 07:00 UTC in winter
    assert owed_post(berlin, dt.datetime(2026, 11, 30, 6, 59, tzinfo=UTC), grace) is None
    assert owed_post(berlin, dt.datetime(2026, 11, 30, 7, tzinfo=UTC), grace) == (
        dt.datetime(2026, 11, 30, 7, tzinfo=UTC), dt.date(2026, 11, 30))
    assert owed_post(berlin, dt.datetime(2026, 11, 30, 13, tzinfo=UTC), grace) is not None
    assert owed_post(berlin, dt.datetime(2026, 11, 30, 13, 1, tzinfo=UTC), grace) is None  # beyond grace
    # 22:00 post, 6 h grace: at 01:00 the next local day it is no longer owed
    night = settings(hour=22)
    assert owed_post(night, dt.datetime(2026, 11, 30, 23, 59, tzinfo=UTC), grace) is not None
    assert owed_post(night, dt.datetime(2026, 12, 1, 1, tzinfo=UTC), grace) is None
    # a schedule set up after today's time owes nothing today
    fresh = settings(active_since=dt.datetime(2026, 11, 30, 9, tzinfo=UTC))
    assert owed_post(fresh, dt.datetime(2026, 11, 30, 10, tzinfo=UTC), grace) is None


def test_next_post_time_follows_days_and_dst():
    weekdays = settings(days=(0, 1, 2, 3, 4), timezone="Europe/Berlin")
    friday_noon = dt.datetime(2027, 3, 26, 12, tzinfo=UTC)
    assert next_post_time(weekdays, friday_noon) == dt.datetime(2027, 3, 29, 6, tzinfo=UTC)  # Monday, CEST
    assert next_post_time(weekdays, dt.datetime(2027, 3, 29, 6, tzinfo=UTC)) == dt.datetime(2027, 3, 30, 6,
                                                                                            tzinfo=UTC)
    autumn = settings(timezone="America/New_York")  # DST ends Sunday 7 Nov 2027
    assert next_post_time(autumn, dt.datetime(2027, 11, 6, 13, tzinfo=UTC)) == dt.datetime(2027, 11, 7, 13,
                                                                                           tzinfo=UTC)


class ClaimingHandler:
    """Posts the way the cog does: claim first; a refused claim posts nothing."""

    def __init__(self, db, clock):
        self.db, self.clock, self.posted, self.revealed = db, clock, [], []

    async def post_scheduled(self, settings, local_day):
        post = await daily.claim_post(self.db, guild_id=settings.guild_id, kind="scheduled", local_day=local_day,
                                      channel_id=settings.channel_id, question=Q, now=self.clock.now(),
                                      reveal_at=self.clock.now() + dt.timedelta(hours=settings.reveal_after_hours))
        if post is not None:
            await daily.mark_sent(self.db, post.id, post.id)
            self.posted.append((settings.guild_id, local_day, self.clock.now()))

    async def resend_post(self, post, *, send):
        # the other loop's claim, seen between its INSERT and its mark_sent: that loop is sending it
        pass

    async def reveal_post(self, post):
        if await daily.mark_revealed(self.db, post.id, self.clock.now()):
            self.revealed.append((post.id, self.clock.now()))


async def test_two_schedulers_racing_post_once_and_reveal_on_time(db):
    clock = ManualClock(NOW - dt.timedelta(hours=1))
    await daily.save_settings(db, settings())
    await daily.save_settings(db, settings(guild=2, hour=9, reveal_after_hours=2))
    handlers = [ClaimingHandler(db, clock), ClaimingHandler(db, clock)]
    schedulers = [DailyScheduler(db, clock, h, grace=dt.timedelta(hours=6)) for h in handlers]
    for scheduler in schedulers:
        await scheduler.start()
    try:
        for scheduler in schedulers:
            await scheduler.wait_idle()
        assert schedulers[0].next_due == NOW
        clock.set(NOW + dt.timedelta(hours=3))  # past guild 1's 08:00 and guild 2's 09:00 at once
        for scheduler in schedulers:
            await scheduler.wait_idle()
        posted = sorted(p[:2] for h in handlers for p in h.posted)
        assert posted == [(1, NOW.date()), (2, NOW.date())]  # once each, across both loops
        clock.set(NOW + dt.timedelta(hours=5))  # guild 2's reveal (2 h after its post at 11:00)
        for scheduler in schedulers:
            await scheduler.wait_idle()
        assert len([r for h in handlers for r in h.revealed]) == 1
        assert schedulers[0].next_due == NOW + dt.timedelta(hours=15)  # guild 1's reveal at 11:00 + 12 h
    finally:
        for scheduler in schedulers:
            await scheduler.stop()


class FlakyHandler:
    """Claims like the cog, then 'sends': the first `failures` sends fail the way Discord does for a while."""

    def __init__(self, db, clock, failures):
        self.db, self.clock, self.failures = db, clock, failures
        self.sent, self.given_up = [], []

    async def _send(self, post):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("503 Service Unavailable")
        await daily.mark_sent(self.db, post.id, 7000 + post.id)
        self.sent.append((post.id, self.clock.now()))

    async def post_scheduled(self, settings, local_day):
        post = await claim(self.db, guild=settings.guild_id, day=local_day, now=self.clock.now())
        if post is not None:
            await self._send(post)

    async def resend_post(self, post, *, send):
        if send:
            await self._send(post)
        else:
            await daily.mark_failed(self.db, post.id, "not sent within the grace window")
            self.given_up.append(post.id)

    async def reveal_post(self, post):
        await daily.mark_revealed(self.db, post.id, self.clock.now())


async def test_a_post_discord_failed_is_sent_again_as_the_same_row_within_grace(db):
    clock = ManualClock(NOW)
    await daily.save_settings(db, settings())
    handler = FlakyHandler(db, clock, failures=2)
    scheduler = DailyScheduler(db, clock, handler, grace=dt.timedelta(hours=6))
    await scheduler.start()
    try:
        await scheduler.wait_idle()
        [post] = await daily.unsent_posts(db)
        assert handler.sent == [] and scheduler.next_due == NOW + dt.timedelta(minutes=5)
        clock.set(NOW + dt.timedelta(minutes=5))
        await scheduler.wait_idle()
        assert handler.sent == [] and scheduler.next_due == NOW + dt.timedelta(minutes=10)
        clock.set(NOW + dt.timedelta(minutes=10))
        await scheduler.wait_idle()
        assert handler.sent == [(post.id, NOW + dt.timedelta(minutes=10))]  # the same post, once
        assert [p.state for p in await daily.open_posts(db, guild_id=1)] == ["open"]
        assert await db.fetch_value("SELECT COUNT(*) FROM daily_posts") == 1
    finally:
        await scheduler.stop()


@pytest.mark.parametrize(("late", "sent"), [(dt.timedelta(hours=5), True),
                                            (dt.timedelta(hours=6, minutes=1), False)])
async def test_a_claim_left_by_a_dead_bot_is_sent_at_start_within_grace_and_given_up_after(db, late, sent):
    await daily.save_settings(db, settings())
    today = await claim(db)  # the bot died after claiming today's 08:00 post
    clock = ManualClock(NOW + late)
    handler = FlakyHandler(db, clock, failures=0)
    scheduler = DailyScheduler(db, clock, handler, grace=dt.timedelta(hours=6))
    await scheduler.start()
    try:
        await scheduler.wait_idle()
    finally:
        await scheduler.stop()
    assert handler.sent == ([(today.id, NOW + late)] if sent else [])
    assert handler.given_up == ([] if sent else [today.id])
    assert (await daily.get_post(db, today.id)).state == ("open" if sent else "failed")
    assert await db.fetch_value("SELECT COUNT(*) FROM daily_posts") == 1  # never a second post for the day
