"""The daily question's clock: one task for the whole bot, asleep until the earliest post or reveal of any guild.

Nothing is kept in memory between turns: each turn reads the schedules and open posts from the database,
so a restart, a setup or a pause changes the plan at once. A turn

1. reveals every open post whose reveal time has come;
2. for each active guild finds the latest fire time of its cron schedule that is at most `grace` ago, on the
   guild's current local day, and not before the schedule became active; if that day has no scheduled post
   yet, the handler posts one. The same rule makes the on-time post and the post a restart owes: a bot that
   was down at 08:00 and starts at 10:30 posts at once, one that starts the next day does not;
3. sleeps until the earliest next fire time or reveal, or until wake() (setup, pause, resume); the loop itself
   (start, wake, stop, wait_idle) is scheduling.loop.SleepingLoop, shared with the reminder dispatcher.

A post is claimed before it is sent. If Discord fails for now (5xx, 429, the network) the handler raises and
the claim stays: the guild is tried again `retry_after` later, and each turn hands every post still `claimed`
back to the handler, which sends that same row again (same post id, so its buttons stay valid) while
study.daily.may_still_send allows it, and gives it up as failed after that. The same covers a bot that died
between the claim and the send, or between the send and recording it: the next start finds the row claimed.
A paused guild's claimed posts wait for the resume.

Fire times come from APScheduler's CronTrigger in the guild's time zone, so 08:00 stays 08:00 local across
daylight-saving changes. "Never twice a day" is not this loop's promise but the database's: the handler
claims the day with an INSERT that a UNIQUE index refuses the second time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Protocol
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from db import daily as store
from db.connection import Database
from db.daily import DailySettings, Post
from scheduling.clock import Clock
from scheduling.loop import SleepingLoop
from study.daily import cron_days, may_still_send
from study.errors import UserInputError

log = logging.getLogger(__name__)
ONE_SECOND = dt.timedelta(seconds=1)


class DailyHandler(Protocol):
    async def post_scheduled(self, settings: DailySettings, local_day: dt.date) -> None:
        """Post the guild's question of `local_day` (claiming the day first; a refused claim posts nothing).

        Raises if Discord failed for now (a UserInputError once it has logged why in one line; anything else is
        logged with its traceback): the claim stays, and resend_post sends it on a later turn."""
        ...

    async def resend_post(self, post: Post, *, send: bool) -> None:
        """A post claimed and never recorded as sent: record its message if it did go out, else send it again
        (if `send`) or give it up as failed. Raises if Discord failed for now, as post_scheduled does."""
        ...

    async def reveal_post(self, post: Post) -> None:
        """Reveal an open post whose time has come."""
        ...


def trigger_for(settings: DailySettings) -> CronTrigger:
    return CronTrigger(hour=settings.hour, minute=settings.minute, day_of_week=cron_days(settings.days),
                       timezone=ZoneInfo(settings.timezone))


def next_post_time(settings: DailySettings, after: dt.datetime) -> dt.datetime | None:
    """The first fire time strictly after `after`, in UTC."""
    fire = trigger_for(settings).get_next_fire_time(None, after + dt.timedelta(microseconds=1))
    return None if fire is None else fire.astimezone(dt.UTC)


def owed_post(settings: DailySettings, now: dt.datetime, grace: dt.timedelta) -> tuple[dt.datetime, dt.date] | None:
    """The fire time (and its local day) a post is owed for now, if any; see the module docstring."""
    trigger = trigger_for(settings)
    start = max(now - grace, settings.active_since)
    latest = None
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(None, fire + ONE_SECOND)
    if latest is None:
        return None
    zone = ZoneInfo(settings.timezone)
    day = latest.astimezone(zone).date()
    if day != now.astimezone(zone).date():
        return None  # the grace window ends with the local day: yesterday's question is not posted today
    return latest.astimezone(dt.UTC), day


class DailyScheduler(SleepingLoop):
    task_name = "daily-scheduler"

    def __init__(self, db: Database, clock: Clock, handler: DailyHandler, *, grace: dt.timedelta,
                 max_sleep: dt.timedelta = dt.timedelta(hours=1),
                 retry_after: dt.timedelta = dt.timedelta(minutes=5),
                 owns: Callable[[int], bool] | None = None) -> None:
        super().__init__(clock, max_sleep=max_sleep)
        self._db = db
        # With several processes, each posts, resends and reveals for the guilds of its own shards only
        # (scheduling.shards.ShardPlan.owns); the database's one-post-per-day claim holds whatever happens.
        self._owns = owns or (lambda guild_id: True)
        self._owns_all = owns is None
        self._handler = handler
        self.grace = grace
        self._retry_after = retry_after
        # a guild whose post raised is retried after retry_after, not in a tight loop
        self._retry_at: dict[int, dt.datetime] = {}

    # ---- lifecycle (start, wake, stop, wait_idle: scheduling.loop) -------------------------------------------

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Let a post or reveal in progress finish (up to `grace_seconds`), then end the loop."""
        await super().stop(grace_seconds)

    @property
    def retry_after(self) -> dt.timedelta:
        return self._retry_after

    def retry_later(self, guild_id: int) -> dt.datetime:
        """Send the guild's claimed posts again retry_after from now (Discord just failed), not at once."""
        when = self._postpone(guild_id)
        self._wake.set()
        return when

    def _postpone(self, guild_id: int) -> dt.datetime:
        when = self._clock.now() + self._retry_after
        self._retry_at[guild_id] = when
        return when

    # ---- the loop --------------------------------------------------------------------------------------------

    async def _turn_failed(self) -> dt.datetime | None:
        log.exception("daily scheduler turn failed; trying again in %s", self._retry_after)
        return self._clock.now() + self._retry_after

    async def _turn(self) -> dt.datetime | None:
        """Do what is due now; return when something is due next (None: nothing is scheduled)."""
        now = self._clock.now()
        for post in await store.open_posts(self._db, due_by=now):
            if self._stopping:
                break
            if not self._owns(post.guild_id):
                continue
            try:
                await self._handler.reveal_post(post)
            except Exception:
                log.exception("revealing daily post %s failed", post.id)
        unsent: dict[int, list[Post]] = {}
        for post in await store.unsent_posts(self._db):
            unsent.setdefault(post.guild_id, []).append(post)
        targets: list[dt.datetime] = []
        for settings in await store.active_settings(self._db):
            if self._stopping:
                break
            guild_id = settings.guild_id
            if not self._owns(guild_id):
                continue
            retry = self._retry_at.get(guild_id)
            if retry is not None and retry > now:
                targets.append(retry)  # Discord failed a moment ago: not again before retry_after
            else:
                try:
                    for post in unsent.get(guild_id, ()):
                        await self._handler.resend_post(post, send=may_still_send(
                            post.posted_at, post.local_day, settings.timezone, now, self.grace))
                    owed = owed_post(settings, now, self.grace)
                    if owed is not None and not await store.scheduled_post_exists(self._db, guild_id, owed[1]):
                        await self._handler.post_scheduled(settings, owed[1])
                    self._retry_at.pop(guild_id, None)
                except UserInputError:  # Discord failing for now: the handler logged why, in one line
                    targets.append(self._postpone(guild_id))
                except Exception:
                    log.exception("daily post for guild %s failed; retrying within the grace window", guild_id)
                    targets.append(self._postpone(guild_id))
            upcoming = next_post_time(settings, now)
            if upcoming is not None:
                targets.append(upcoming)
        reveal = await self._next_reveal()
        if reveal is not None:
            # a reveal missed by a second still happens: never sleep until a time already past
            targets.append(max(reveal, now + ONE_SECOND) if reveal <= now else reveal)
        return min(targets, default=None)

    async def _next_reveal(self) -> dt.datetime | None:
        """The earliest reveal of an open post of this process's guilds (one index probe when it owns them all;
        else over the open posts, at most one per guild): another process's overdue reveal must not keep this
        loop waking every second."""
        if self._owns_all:
            return await store.next_reveal_at(self._db)
        return min((post.reveal_at for post in await store.open_posts(self._db)
                    if self._owns(post.guild_id)), default=None)
