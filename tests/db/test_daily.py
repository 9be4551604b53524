"""Daily records on a real SQLite file, and the one scheduler task over them with a ManualClock."""

import asyncio
import dataclasses
import datetime as dt

import pytest

from db import daily, question_admin
from db.daily import DailySettings, PlannedQuestion
from scheduling.clock import ManualClock
from scheduling.daily_scheduler import DailyScheduler, next_post_time, owed_post
from services.catalog import QuestionCatalog
from services.daily import DailyService, PlannedPost
from study.errors import UserInputError
from study.generators import FAMILIES

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 30, 8, tzinfo=UTC)  # a Monday
TODAY = NOW.date()
Q = PlannedQuestion("dsp-lot-001", "dsp", "lot-sizing", 1, 4)


def settings(guild=1, **changes) -> DailySettings:
    base = DailySettings(guild_id=guild, channel_id=100, hour=8, minute=0, timezone="UTC", days=tuple(range(7)),
                         modules=(), rotation="order", reveal_after_hours=12, explain_at_once=False,
                         repeat_window_days=60, weekly_summary=False, paused=False,
                         active_since=NOW - dt.timedelta(days=30), updated_by=5, updated_at=NOW)
    return dataclasses.replace(base, **changes)


async def claim(db, *, guild=1, kind="scheduled", day=TODAY, now=NOW, question=Q, repeat_since=None):
    return await daily.claim_post(db, guild_id=guild, kind=kind, local_day=day, channel_id=100, question=question,
                                  now=now, reveal_at=now + dt.timedelta(hours=12), repeat_since=repeat_since)


async def open_post(db, **options):
    post = await claim(db, **options)
    await daily.mark_sent(db, post.id, 9000 + post.id)
    return await daily.get_post(db, post.id)


async def test_settings_round_trip_and_pause(db):
    await daily.save_settings(db, settings(days=(0, 2, 4), modules=("mpr", "dsp"), rotation="weakest"))
    saved = await daily.get_settings(db, 1)
    assert saved.days == (0, 2, 4) and saved.modules == ("mpr", "dsp") and saved.rotation == "weakest"
    assert [s.guild_id for s in await daily.active_settings(db)] == [1]
    later = NOW + dt.timedelta(days=1)
    assert await daily.set_paused(db, 1, True, 6, later)
    assert not await daily.set_paused(db, 1, True, 6, later)
    assert await daily.active_settings(db) == []
    assert await daily.set_paused(db, 1, False, 6, later)
    assert (await daily.get_settings(db, 1)).active_since == later  # the paused days are not owed


async def test_one_scheduled_post_per_guild_and_local_day(db):
    first = await claim(db)
    assert first is not None and first.day_number == 1 and first.state == "claimed"
    assert await claim(db) is None  # the UNIQUE index refuses the second claim, whatever the caller remembers
    assert await claim(db, kind="manual") is not None  # /daily now posts are extra
    assert await claim(db, guild=2) is not None
    assert (await claim(db, day=NOW.date() + dt.timedelta(days=1))).day_number == 3
    assert await daily.scheduled_post_exists(db, 1, NOW.date())
    # two claims racing on the same connection: exactly one wins
    results = await asyncio.gather(*(claim(db, day=dt.date(2027, 1, 1)) for _ in range(5)))
    assert sum(r is not None for r in results) == 1


async def test_a_failed_post_keeps_its_claim_and_never_opens(db):
    post = await claim(db)
    await daily.mark_failed(db, post.id, "403 Missing Permissions")
    assert (await daily.get_post(db, post.id)).state == "failed"
    assert await claim(db) is None
    await daily.mark_sent(db, post.id, 1)  # too late: a failed post stays failed
    assert (await daily.get_post(db, post.id)).state == "failed"


async def test_the_claim_rechecks_the_no_repeat_window(db):
    # a /daily now and the scheduled post both chose Q from the same list of recent questions; the first claim
    # wins, the second is told inside its own transaction and claims nothing
    window_start = NOW - dt.timedelta(days=60)
    assert await claim(db, kind="manual", repeat_since=window_start) is not None
    with pytest.raises(daily.QuestionRecentlyPosted):
        await claim(db, repeat_since=window_start)
    assert not await daily.scheduled_post_exists(db, 1, TODAY)
    assert await claim(db, guild=2, repeat_since=window_start) is not None  # another guild's posts don't count
    later = NOW + dt.timedelta(days=61)  # outside the window Q may come again
    assert await claim(db, day=later.date(), now=later, repeat_since=later - dt.timedelta(days=60)) is not None


async def test_a_daily_now_racing_the_scheduled_post_never_takes_the_same_question(db, content):
    # one fresh DSP question left: both posts choose it before either claims; only one may have it
    keep, *others = content.bank.for_module("dsp")
    for retired in [q.id for q in others] + [f"gen:{f.name}" for f in FAMILIES.values() if f.module == "dsp"]:
        await question_admin.retire(db, 1, retired, 5, NOW)
    guild = settings(modules=("dsp",))
    await daily.save_settings(db, guild)
    service = DailyService(db, QuestionCatalog(content, db), content.syllabus)
    results = await asyncio.gather(service.plan_post(guild, kind="scheduled", now=NOW, local_day=TODAY),
                                   service.plan_post(guild, kind="manual", now=NOW),
                                   return_exceptions=True)
    posted = [r.question.id for r in results if isinstance(r, PlannedPost)]
    refused = [str(r) for r in results if isinstance(r, UserInputError)]
    assert posted == [keep.id]
    assert refused == ["Every question of the chosen modules was posted within the last 60 days; shorten "
                       "repeat_window or add modules."]
    assert await db.fetch_value("SELECT COUNT(*) FROM daily_posts") == 1


async def test_unsent_posts_are_the_claimed_ones_and_mark_sent_opens_once(db):
    first = await claim(db)
    second = await claim(db, kind="manual", now=NOW + dt.timedelta(minutes=1))
    assert [p.id for p in await daily.unsent_posts(db)] == [first.id, second.id]
    assert await daily.mark_sent(db, first.id, 555)
    assert not await daily.mark_sent(db, first.id, 556)  # recorded once: a late resend changes nothing
    await daily.mark_failed(db, second.id, "not sent within the grace window")
    assert await daily.unsent_posts(db) == []
    assert (await daily.get_post(db, first.id)).message_id == 555


async def test_first_answer_counts_and_writes_the_quiz_records(db):
    post = await open_post(db)
    first = await daily.record_answer(db, post.id, 10, 1, item_key=Q.question_id, message_id=None, now=NOW)
    assert first.first and first.correct and first.count == 1 and first.card.box == 1
    again = await daily.record_answer(db, post.id, 10, 2, item_key=Q.question_id, message_id=None, now=NOW)
    assert not again.first and not again.closed and again.chosen == 1 and again.correct
    other = await daily.record_answer(db, post.id, 11, 3, item_key=Q.question_id, message_id=None, now=NOW)
    assert other.first and not other.correct and other.count == 2
    assert [tuple(r) for r in await db.fetch_all("SELECT user_id, correct, source FROM answers ORDER BY id")] == [
        (10, 1, "daily"), (11, 0, "daily")]
    assert [tuple(r) for r in await db.fetch_all("SELECT user_id, box FROM cards ORDER BY user_id")] == [(10, 1),
                                                                                                         (11, 1)]
    assert [tuple(r) for r in await db.fetch_all("SELECT user_id, answered, right_count FROM topic_stats"
                                                 " ORDER BY user_id")] == [(10, 1, 1), (11, 1, 0)]
    assert [a.user_id for a in await daily.post_answers(db, post.id)] == [10, 11]


async def test_concurrent_clicks_by_one_member_count_once(db):
    post = await open_post(db)
    outcomes = await asyncio.gather(*(daily.record_answer(db, post.id, 10, choice % 4, item_key=Q.question_id,
                                                          message_id=None, now=NOW) for choice in range(6)))
    assert sum(o.first for o in outcomes) == 1
    assert await daily.answer_count(db, post.id) == 1
    assert await db.fetch_value("SELECT COUNT(*) FROM answers") == 1


async def test_a_revealed_post_takes_no_answers_and_reveals_once(db):
    post = await open_post(db)
    assert await daily.mark_revealed(db, post.id, NOW)
    assert not await daily.mark_revealed(db, post.id, NOW)
    closed = await daily.record_answer(db, post.id, 10, 1, item_key=Q.question_id, message_id=None, now=NOW)
    assert closed.closed and not closed.first
    assert await db.fetch_value("SELECT COUNT(*) FROM answers") == 0


async def test_a_click_on_a_post_whose_message_id_was_not_recorded_opens_it(db):
    # the bot stopped after Discord accepted the post but before mark_sent
    post = await claim(db)
    outcome = await daily.record_answer(db, post.id, 10, 1, item_key=Q.question_id, message_id=777, now=NOW)
    assert outcome.first
    reopened = await daily.get_post(db, post.id)
    assert (reopened.state, reopened.message_id) == ("open", 777)


async def test_tallies_by_period_and_module_and_streak_history(db):
    days = [dt.date(2026, 11, 30) + dt.timedelta(days=i) for i in range(3)]  # Mon 30 Nov, Tue 1, Wed 2 Dec
    posts = []
    for index, day in enumerate(days):
        question = Q if index != 1 else PlannedQuestion("mpr-x", "mpr", "mrp", 0, 4)
        posts.append(await open_post(db, day=day, now=NOW + dt.timedelta(days=index)))
        posts[-1] = dataclasses.replace(posts[-1], question_id=question.question_id)
        await db.connection.execute("UPDATE daily_posts SET module = ?, answer_index = ? WHERE id = ?",
                                    (question.module, question.answer_index, posts[-1].id))
    script = {10: [1, 0, 1], 11: [0, None, 1]}  # chosen per day (None: no answer); right is 1, 0, 1
    for user, choices in script.items():
        for post, choice in zip(posts, choices, strict=True):
            if choice is not None:
                await daily.record_answer(db, post.id, user, choice, item_key=post.question_id, message_id=None,
                                          now=NOW)
    everything = {t.user_id: (t.answered, t.right) for t in await daily.member_tallies(db, 1)}
    assert everything == {10: (3, 3), 11: (2, 1)}
    december = {t.user_id: (t.answered, t.right) for t in await daily.member_tallies(db, 1,
                                                                                     since=dt.date(2026, 12, 1))}
    assert december == {10: (2, 2), 11: (1, 1)}
    mpr = {t.user_id: (t.answered, t.right) for t in await daily.member_tallies(db, 1, module="mpr")}
    assert mpr == {10: (1, 1)}
    await daily.mark_revealed(db, posts[0].id, NOW)
    history = await daily.streak_history(db, 1, 11)
    assert history.post_days == days and history.answered_days == [days[0], days[2]]
    assert history.open_days == days[1:]
    by_module = {t.module: (t.answered, t.right) for t in await daily.module_accuracy(db, 1, days[0], days[2])}
    assert by_module == {"dsp": (4, 3), "mpr": (1, 1)}


async def test_recent_questions_and_latest_post(db):
    await open_post(db, now=NOW - dt.timedelta(days=70), day=dt.date(2026, 9, 21))
    await open_post(db, question=PlannedQuestion("mpr-1", "mpr", "mrp", 0, 4))
    assert await daily.recent_question_ids(db, 1, NOW - dt.timedelta(days=60)) == {"mpr-1"}
    assert (await daily.latest_post(db, 1)).module == "mpr"


async def test_weekly_summary_is_claimed_once(db):
    monday = dt.date(2026, 11, 23)
    assert await daily.claim_summary(db, 1, monday, NOW)
    assert not await daily.claim_summary(db, 1, monday, NOW)
    assert await daily.summary_posted(db, 1, monday)


async def test_a_summary_whose_send_failed_is_released_and_claimed_again(db):
    monday = dt.date(2026, 11, 23)
    assert await daily.claim_summary(db, 1, monday, NOW)
    await daily.release_summary(db, 1, monday)  # Discord failed: the week's next post tries again
    assert not await daily.summary_posted(db, 1, monday)
    assert await daily.claim_summary(db, 1, monday, NOW)
    await daily.set_summary_message(db, 1, monday, 42)
    await daily.release_summary(db, 1, monday)  # a summary that was sent is never given back
    assert await daily.summary_posted(db, 1, monday)


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
        scheduler.start()
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
    scheduler.start()
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
    scheduler.start()
    try:
        await scheduler.wait_idle()
    finally:
        await scheduler.stop()
    assert handler.sent == ([(today.id, NOW + late)] if sent else [])
    assert handler.given_up == ([] if sent else [today.id])
    assert (await daily.get_post(db, today.id)).state == ("open" if sent else "failed")
    assert await db.fetch_value("SELECT COUNT(*) FROM daily_posts") == 1  # never a second post for the day
