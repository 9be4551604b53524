"""How the daily posts reach the channel: the daily scheduler's handler and /daily now's poster.

This is the delivery policy; the Discord requests are a `DailyPoster`'s (cogs/daily_poster.py), one call per
request, each failure reported as a `SendFailed` that says whether sending the same again could work.

- **A post** is claimed first (services.daily.plan_post: one scheduled post per guild and local day), then
  sent with its fixed nonce and recorded. The post before it is revealed first. Above the week's first
  post go the season's final board (at a season's start) and last week's summary, each claimed in the
  database so it is posted once, and given back when its send failed so the next post tries again.
- **A lasting refusal** (no access, a deleted channel) records the post failed and raises PostRefused; the
  day stays claimed and an admin can fix it and use /daily now. **A failure for now** (5xx, 429, the
  network) keeps the claim and raises PostDelayed: the scheduler sends the same row again later.
- **A claimed post never recorded as sent** (Discord failed, or the bot stopped between claim and send, or
  between send and record) is looked for in the channel first (its buttons carry its id), then sent again
  while the grace window allows (the scheduler says), else given up as failed. A post this process is
  sending right now is left alone.
- **The reveal** closes the post and edits its message once. **The answer count** is edited after each
  answer, coalesced: while one edit is under way further answers only mark the post, and one more edit
  follows with the latest count, so a burst of clicks costs two edits; edits of one post go one at a time,
  so a late count never covers the reveal.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Protocol

from db.daily import DailySettings, Post
from scheduling.clock import Clock
from services.daily import DailyService, PostDelayed, PostRefused, Reveal, SeasonEnd, WeeklySummary
from study.daily import Ranked
from study.questions import Question
from study.seasons import Champions, champions

log = logging.getLogger(__name__)


class SendFailed(Exception):
    """Discord (or the network) did not take a request.

    `lasting`: sending the same again would meet the same refusal (403, 404, a 400 for the payload); otherwise
    it failed for now (5xx, 429, the network). `why` is one line for the log and the post's record ("403
    Missing Access", "network: ..."); `reason` is what an admin is shown (Discord's own words, or the status).
    """

    def __init__(self, why: str, *, lasting: bool = False, reason: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.lasting = lasting
        self.reason = reason or why


class DailyPoster(Protocol):
    """The Discord side: renders and sends, decides nothing. Every method raises SendFailed when Discord or the
    network fails (is_member and move_champion_role answer instead)."""

    async def send_post(self, post: Post, question: Question) -> int:
        """Send the post (answer count 0) with its buttons and its fixed nonce; the message id."""
        ...

    async def edit_count(self, post: Post, question: Question, count: int) -> None:
        """Show the post's new answer count."""
        ...

    async def show_reveal(self, reveal: Reveal) -> None:
        """Edit the post's message with the answer and how the group did."""
        ...

    async def find_post(self, post: Post) -> int | None:
        """The message of a post that went out although its send was not recorded, from the channel's latest
        messages; None if it is not there, or the channel's history cannot be read (a lasting refusal)."""
        ...

    async def send_summary(self, settings: DailySettings, summary: WeeklySummary) -> int:
        ...

    async def send_season_end(self, settings: DailySettings, due: SeasonEnd, result: Champions,
                              role_note: str) -> int:
        ...

    async def is_member(self, guild_id: int, user_id: int) -> bool:
        """Whether the member is still in the server (True when Discord cannot tell for now)."""
        ...

    async def move_champion_role(self, guild_id: int, role_id: int, take_from: set[int], give_to: set[int],
                                 reason: str) -> tuple[set[int], str]:
        """Take the role from `take_from` and give it to `give_to`: who got it, and a sentence for the post
        saying what happened (why nothing moved, if so)."""
        ...


class DailyPosts:
    def __init__(self, daily: DailyService, poster: DailyPoster, clock: Clock, *, retry_after: dt.timedelta,
                 ) -> None:
        self.daily = daily
        self.poster = poster
        self.clock = clock
        self.retry_after = retry_after  # when the scheduler sends a delayed post again (said to the admin)
        self._edit_locks: dict[int, asyncio.Lock] = {}
        self._count_tasks: dict[int, asyncio.Task[None]] = {}
        self._count_dirty: set[int] = set()
        # Posts this process is sending right now: the scheduler's resend of claimed posts leaves them alone.
        self._sending: set[int] = set()

    # ---- the scheduler's calls (scheduling.daily_scheduler.DailyHandler) -----------------------------------------

    async def post_scheduled(self, settings: DailySettings, local_day: dt.date) -> None:
        """Post the day's question (the claim makes a second call a no-op).

        PostDelayed propagates: the scheduler tries the same claimed post again a little later."""
        await self._reveal_open(settings.guild_id)
        planned = await self.daily.plan_post(settings, kind="scheduled", now=self.clock.now(), local_day=local_day)
        if planned is None:
            return
        self._sending.add(planned.post.id)
        try:
            await self._post_season_end(settings, local_day)
            await self._post_summary(settings, local_day)
            await self._deliver(planned.post, planned.question)
        except PostRefused:
            return  # logged and recorded as failed: the day stays claimed, an admin can fix it and use /daily now
        finally:
            self._sending.discard(planned.post.id)

    async def resend_post(self, post: Post, *, send: bool) -> None:
        """A post claimed and never recorded as sent: record its message if it went out, else send it again (if
        `send`) or give it up as failed."""
        if post.id in self._sending:
            return  # this process is sending it right now (a /daily now in progress)
        self._sending.add(post.id)
        try:
            try:
                message_id = await self.poster.find_post(post)
            except SendFailed as failed:
                raise self._delayed(post, f"reading the channel failed: {failed.why}") from None
            if message_id is not None:
                await self.daily.mark_sent(post, message_id)
                log.info("daily post %s had been sent as message %s; recorded it", post.id, message_id)
                return
            planned = await self.daily.planned(post) if send else None
            if planned is None:
                why = "its question no longer exists" if send else "not sent within the grace window"
                await self.daily.mark_failed(post, why)
                log.warning("daily post %s of guild %s given up: %s", post.id, post.guild_id, why)
                return
            if post.kind == "scheduled":
                settings = await self.daily.settings(post.guild_id)
                await self._post_season_end(settings, post.local_day)
                await self._post_summary(settings, post.local_day)
            await self._deliver(post, planned.question)
        except PostRefused:
            return
        finally:
            self._sending.discard(post.id)

    async def reveal_post(self, post: Post) -> None:
        """Close a post and edit its message with the answer and how the group did."""
        async with self._lock(post.id):
            reveal = await self.daily.reveal(post, self.clock.now())
            if reveal is None or post.message_id is None:
                return
            try:
                await self.poster.show_reveal(reveal)
            except SendFailed as failed:
                log.warning("could not edit daily post %s with its reveal (%s)", post.id, failed.why)
        self._edit_locks.pop(post.id, None)

    # ---- the cog's calls ------------------------------------------------------------------------------------------

    async def post_now(self, settings: DailySettings) -> Post | None:
        """An extra post right now (/daily now); None if nothing was claimed. PostDelayed propagates."""
        await self._reveal_open(settings.guild_id)
        planned = await self.daily.plan_post(settings, kind="manual", now=self.clock.now())
        if planned is None:
            return None
        self._sending.add(planned.post.id)
        try:
            return await self._deliver(planned.post, planned.question)
        finally:
            self._sending.discard(planned.post.id)

    def answered(self, post_id: int) -> None:
        """A member answered: show the new count. Coalesced (see the module docstring)."""
        task = self._count_tasks.get(post_id)
        if task is not None and not task.done():
            self._count_dirty.add(post_id)
            return
        self._count_tasks[post_id] = asyncio.create_task(self._edit_count(post_id), name=f"daily-count-{post_id}")

    async def drain(self, limit_seconds: float = 5.0) -> None:
        """Let the answer-count edits under way finish (the bot is stopping)."""
        pending = [task for task in self._count_tasks.values() if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=limit_seconds)

    # ---- sending ----------------------------------------------------------------------------------------------------

    def _lock(self, post_id: int) -> asyncio.Lock:
        return self._edit_locks.setdefault(post_id, asyncio.Lock())

    async def _reveal_open(self, guild_id: int) -> None:
        for earlier in await self.daily.open_posts(guild_id):
            await self.reveal_post(earlier)  # the next post reveals the one before

    async def _deliver(self, post: Post, question: Question) -> Post:
        """Send a claimed post and record its message. Only a lasting refusal marks the post failed (PostRefused);
        anything else keeps the claim for a resend (PostDelayed)."""
        try:
            message_id = await self.poster.send_post(post, question)
        except SendFailed as failed:
            if not failed.lasting:
                raise self._delayed(post, failed.why) from None
            await self.daily.mark_failed(post, failed.why)
            log.warning("daily post %s in guild %s channel %s refused: %s", post.id, post.guild_id,
                        post.channel_id, failed.why)
            raise PostRefused(f"I could not post in <#{post.channel_id}> ({failed.reason}). Check that I can view "
                              f"the channel, send messages and embed links there.") from None
        return await self.daily.mark_sent(post, message_id)

    def _delayed(self, post: Post, why: str) -> PostDelayed:
        log.warning("daily post %s in guild %s not sent for now (%s); it is sent again later", post.id,
                    post.guild_id, why)
        minutes = max(1, round(self.retry_after.total_seconds() / 60))
        return PostDelayed(f"Discord did not take Day {post.day_number} just now ({why[:80]}). I kept it and will "
                           f"post it in <#{post.channel_id}> in about {minutes} minutes.")

    async def _post_summary(self, settings: DailySettings, local_day: dt.date) -> None:
        """Last week's summary, just above the week's first post (claimed first; given back if its send failed)."""
        summary = await self.daily.weekly_summary_due(settings, local_day)
        if summary is None or not await self.daily.claim_summary(settings.guild_id, summary.week_start,
                                                                 self.clock.now()):
            return
        try:
            message_id = await self.poster.send_summary(settings, summary)
        except SendFailed as failed:
            await self.daily.release_summary(settings.guild_id, summary.week_start)
            log.warning("weekly summary for guild %s could not be posted (%s); the next post tries again",
                        settings.guild_id, failed.why)
            return
        await self.daily.summary_sent(settings.guild_id, summary.week_start, message_id)

    # ---- season ends and the champion role ---------------------------------------------------------------------

    async def _post_season_end(self, settings: DailySettings, local_day: dt.date) -> None:
        """The final board of the season that just ended, above the new season's first post, and the champion
        role moved to the winner(s). Claimed first, so it happens once across restarts; a claim whose post
        failed is given back and the next post tries again (moving the role again changes nothing)."""
        guild_id = settings.guild_id
        due = await self.daily.season_end_due(settings, local_day)
        if due is None or not await self.daily.claim_season_end(guild_id, due.season, self.clock.now()):
            return
        result = champions(due.ranked, await self._still_members(guild_id, due.ranked))
        given, role_note = await self._move_champion_role(guild_id, due, result)
        await self.daily.save_champions(guild_id, due.season, list(result.winners), given)
        try:
            message_id = await self.poster.send_season_end(settings, due, result, role_note)
        except SendFailed as failed:
            await self.daily.release_season_end(guild_id, due.season)
            log.warning("season end for guild %s could not be posted (%s); the next post tries again",
                        guild_id, failed.why)
            return
        await self.daily.season_end_posted(guild_id, due.season, message_id, role_note)

    async def _still_members(self, guild_id: int, ranked: list[Ranked]) -> set[int]:
        """Who of the best-placed members is still in the server: looked up down the board only as far as the
        first place someone still here holds (everyone sharing it included)."""
        present: set[int] = set()
        best = None
        for row in ranked:
            if best is not None and row.rank > best:
                break
            if await self.poster.is_member(guild_id, row.tally.user_id):
                present.add(row.tally.user_id)
                best = row.rank if best is None else best
        return present

    async def _move_champion_role(self, guild_id: int, due: SeasonEnd, result: Champions) -> tuple[set[int], str]:
        """The champion role from earlier champions to the winners, if the server set one."""
        role_id = await self.daily.champion_role_id(guild_id)
        if role_id is None:
            return set(), ""
        winners = {row.tally.user_id for row in result.winners}
        earlier = await self.daily.earlier_role_holders(guild_id, due.season)
        return await self.poster.move_champion_role(guild_id, role_id, earlier - winners, winners,
                                                    f"Daily question champion, season {due.season.label}")

    # ---- the answer count -------------------------------------------------------------------------------------------

    async def _edit_count(self, post_id: int) -> None:
        try:
            while True:
                self._count_dirty.discard(post_id)
                async with self._lock(post_id):
                    post = await self.daily.get_post(post_id)
                    if post is None or post.state != "open" or post.message_id is None:
                        return
                    question = await self.daily.question_of(post)
                    if question is None:
                        return
                    count = await self.daily.answer_count(post_id)
                    await self.poster.edit_count(post, question, count)
                if post_id not in self._count_dirty:
                    return
        except SendFailed as failed:
            log.warning("could not update the answer count of daily post %s (%s)", post_id, failed.why)
        finally:
            self._count_tasks.pop(post_id, None)
