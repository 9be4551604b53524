"""The daily posts' delivery policy (services/daily_posts.py) over real records, with a poster standing in for
Discord: what is sent, resent, recorded failed, revealed once, and how many edits a burst of answers costs."""

import asyncio
import datetime as dt

import pytest

from db import daily
from scheduling.clock import ManualClock
from services.catalog import QuestionCatalog
from services.daily import DailyService, PostDelayed, PostRefused
from services.daily_posts import DailyPosts, SendFailed
from tests.daily_rows import NOW, settings


class Poster:
    """Records every request; `fail` (a SendFailed) makes the next sends raise it; `edits_wait` holds edits."""

    def __init__(self):
        self.sent, self.counts, self.reveals, self.found = [], [], [], None
        self.fail: SendFailed | None = None
        self.edits_wait: asyncio.Event | None = None
        self.editing = asyncio.Event()

    async def send_post(self, post, question):
        if self.fail is not None:
            raise self.fail
        self.sent.append(post.id)
        return 7000 + post.id

    async def edit_count(self, post, question, count):
        self.editing.set()
        if self.edits_wait is not None:
            await self.edits_wait.wait()
        self.counts.append((post.id, count))

    async def show_reveal(self, reveal):
        self.reveals.append(reveal.post.id)

    async def find_post(self, post):
        return self.found

    async def send_summary(self, settings, summary):
        raise AssertionError("no summary is due in these tests")

    async def send_season_end(self, settings, due, result, role_note):
        raise AssertionError("no season end is due in these tests")

    async def is_member(self, guild_id, user_id):
        return True

    async def move_champion_role(self, guild_id, role_id, take_from, give_to, reason):
        return set(), ""


@pytest.fixture
async def posts(db, content):
    await daily.save_settings(db, settings())
    service = DailyService(db, QuestionCatalog(content, db), content.syllabus)
    poster = Poster()
    return DailyPosts(service, poster, ManualClock(NOW), retry_after=dt.timedelta(minutes=5)), poster


async def test_a_post_is_claimed_sent_and_recorded_and_the_next_reveals_it(db, posts):
    delivery, poster = posts
    first = await delivery.post_now(settings())
    assert poster.sent == [first.id] and first.message_id == 7000 + first.id and first.state == "open"
    second = await delivery.post_now(settings())
    assert poster.reveals == [first.id] and poster.sent == [first.id, second.id]
    await delivery.reveal_post(first)  # the scheduler's reveal, too late: revealed once
    assert poster.reveals == [first.id]


async def test_a_lasting_refusal_records_the_post_failed_and_tells_the_admin_why(db, posts):
    delivery, poster = posts
    poster.fail = SendFailed("403 Missing Access", lasting=True, reason="Missing Access")
    with pytest.raises(PostRefused, match=r"I could not post in <#100> \(Missing Access\)"):
        await delivery.post_now(settings())
    [row] = await db.fetch_all("SELECT state, error FROM daily_posts")
    assert tuple(row) == ("failed", "403 Missing Access")


async def test_a_failure_for_now_keeps_the_claim_and_says_when_the_same_post_is_sent(db, posts):
    delivery, poster = posts
    poster.fail = SendFailed("503 Service Unavailable")
    with pytest.raises(PostDelayed, match="in about 5 minutes"):
        await delivery.post_now(settings())
    [claimed] = await daily.unsent_posts(db)
    poster.fail = None
    await delivery.resend_post(claimed, send=True)
    assert poster.sent == [claimed.id]  # the same row, so its buttons stay valid
    assert (await daily.get_post(db, claimed.id)).state == "open"


async def test_a_post_that_went_out_unrecorded_is_found_and_recorded_not_sent_again(db, posts):
    delivery, poster = posts
    poster.fail = SendFailed("network: ConnectionResetError()")
    with pytest.raises(PostDelayed):
        await delivery.post_now(settings())
    [claimed] = await daily.unsent_posts(db)
    poster.fail, poster.found = None, 4242
    await delivery.resend_post(claimed, send=True)
    assert poster.sent == [] and (await daily.get_post(db, claimed.id)).message_id == 4242


async def test_a_claim_past_the_grace_window_is_given_up(db, posts):
    delivery, poster = posts
    poster.fail = SendFailed("502 Bad Gateway")
    with pytest.raises(PostDelayed):
        await delivery.post_now(settings())
    [claimed] = await daily.unsent_posts(db)
    await delivery.resend_post(claimed, send=False)
    assert poster.sent == []
    assert (await daily.get_post(db, claimed.id)).state == "failed"


async def test_a_burst_of_answers_costs_two_count_edits_the_last_with_the_latest_count(db, posts):
    delivery, poster = posts
    post = await delivery.post_now(settings())
    poster.edits_wait = asyncio.Event()
    delivery.answered(post.id)  # the first edit starts and waits on Discord
    await asyncio.wait_for(poster.editing.wait(), 5)
    for user_id in range(10, 30):
        await daily.record_answer(db, post.id, user_id, 1, item_key="x", message_id=None, now=NOW)
        delivery.answered(post.id)
    poster.edits_wait.set()
    await delivery.drain()
    assert poster.counts == [(post.id, 0), (post.id, 20)]
