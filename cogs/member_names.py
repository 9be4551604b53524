"""Members' display names without the privileged members intent, for every place the bot names members.

The gateway's member cache stays nearly empty without that intent (which the README tells admins to leave
off), so a name is taken from the cache when it is there and otherwise fetched over REST
(GET /guilds/{id}/members/{id}), then kept for NAME_TTL_SECONDS. Lookups run concurrently, at most
CONCURRENT_LOOKUPS at a time, within a deadline the caller picks: an embed cannot wait long, a deferred CSV
export can. A member who left the server or could not be looked up in time is simply absent from the
result (shown as a mention, or an empty name cell beside the id).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

import aiohttp
import discord

NAME_TTL_SECONDS = 600.0
NAME_CACHE_MAX = 5000
EMBED_LOOKUP_SECONDS = 1.5
EXPORT_LOOKUP_SECONDS = 20.0
CONCURRENT_LOOKUPS = 8
_FAILURES = (discord.HTTPException, OSError, asyncio.TimeoutError, aiohttp.ClientError)


class MemberNames:
    def __init__(self, client: discord.Client) -> None:
        self.client = client
        self._cache: dict[tuple[int, int], tuple[str | None, float]] = {}
        self._lookups = asyncio.Semaphore(CONCURRENT_LOOKUPS)

    async def display_names(self, guild_id: int | None, user_ids: Iterable[int], *,
                            within: float = EMBED_LOOKUP_SECONDS) -> dict[int, str]:
        """Display names by user id, from the member cache, then this cache, then REST within `within` s."""
        guild = self.client.get_guild(guild_id) if guild_id else None
        if guild is None:
            return {}
        names: dict[int, str] = {}
        missing: list[int] = []
        clock = time.monotonic()
        for user_id in dict.fromkeys(user_ids):
            member = guild.get_member(user_id)
            cached = self._cache.get((guild.id, user_id))
            if member is not None:
                names[user_id] = member.display_name
            elif cached is not None and cached[1] > clock:
                if cached[0]:
                    names[user_id] = cached[0]
            else:
                missing.append(user_id)
        if missing:
            tasks = [asyncio.create_task(self._fetch(guild, user_id)) for user_id in missing]
            done, pending = await asyncio.wait(tasks, timeout=within)
            for task in pending:
                task.cancel()
            for user_id, task in zip(missing, tasks, strict=True):
                if task in done and not task.cancelled() and task.exception() is None:
                    name = task.result()
                    if name:
                        names[user_id] = name
        return names

    async def _fetch(self, guild: discord.Guild, user_id: int) -> str | None:
        async with self._lookups:
            try:
                name: str | None = (await guild.fetch_member(user_id)).display_name
            except discord.NotFound:
                name = None  # left the server: shown as a mention
            except _FAILURES:
                return None  # not cached: the next lookup tries again
        if len(self._cache) >= NAME_CACHE_MAX:
            self._cache.clear()
        self._cache[(guild.id, user_id)] = (name, time.monotonic() + NAME_TTL_SECONDS)
        return name
