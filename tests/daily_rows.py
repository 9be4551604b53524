"""Daily-question rows shared by the db and scheduler tests: a guild's settings, and a claimed or open post."""

import dataclasses
import datetime as dt

from db import daily
from db.daily import DailySettings, PlannedQuestion

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
