"""The syllabus edition each guild follows: the admins' choice, or the configured default."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from db import settings as records
from db.connection import Database
from study.content import Content
from study.editions import Edition, Lens
from study.errors import UserInputError

# How long a process keeps the edition of a guild it does not own (see EditionService)
FOREIGN_TTL_SECONDS = 60.0


class EditionService:
    """Reads are cached per guild (every command asks); a switch replaces the cached value.

    With several processes, a guild's switch arrives at the process that owns its shard (`owns`), whose cache it
    replaces; another process (a DM button on shard 0 about that guild) re-reads its copy after
    FOREIGN_TTL_SECONDS."""

    def __init__(self, db: Database, content: Content, default: str,
                 owns: Callable[[int], bool] | None = None) -> None:
        self.db = db
        self.content = content
        self.default = default
        self._owns = owns
        self._cache: dict[int, str] = {}
        self._read_at: dict[int, float] = {}

    async def key_for(self, guild_id: int | None) -> str:
        if guild_id is None:
            return self.default
        if (guild_id in self._cache and self._owns is not None and not self._owns(guild_id)
                and time.monotonic() - self._read_at[guild_id] >= FOREIGN_TTL_SECONDS):
            del self._cache[guild_id]
        if guild_id not in self._cache:
            stored = await records.guild_edition(self.db, guild_id)
            if stored is None or stored not in self.content.editions.by_key:
                stored = self.default
            self._cache[guild_id] = stored
            self._read_at[guild_id] = time.monotonic()
        return self._cache[guild_id]

    async def edition_for(self, guild_id: int | None) -> Edition:
        return self.content.edition(await self.key_for(guild_id))

    async def lens_for(self, guild_id: int | None) -> Lens:
        return Lens(self.content.editions, await self.edition_for(guild_id))

    async def set_edition(self, guild_id: int, key: str, now: dt.datetime) -> Edition:
        if key not in self.content.editions.by_key:
            raise UserInputError(f"Unknown edition '{key}'. Pick one of: {', '.join(self.content.editions.keys)}.")
        await records.set_guild_edition(self.db, guild_id, key, now)
        self._cache[guild_id] = key
        self._read_at[guild_id] = time.monotonic()
        return self.content.edition(key)
