"""Daily records on a real SQLite file (the scheduler over them: tests/scheduling/test_daily_scheduler.py)."""

import asyncio
import dataclasses
import datetime as dt

import pytest

from db import daily, question_admin
from db.daily import PlannedQuestion
from services.catalog import QuestionCatalog
from services.daily import DailyService, PlannedPost
from study.errors import UserInputError
from study.generators import FAMILIES
from tests.daily_rows import NOW, TODAY, Q, claim, open_post, settings


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
        await db.execute("UPDATE daily_posts SET module = ?, answer_index = ? WHERE id = ?",
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
