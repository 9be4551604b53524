"""The syllabus edition each guild follows: the admins' choice, or the configured default."""

from __future__ import annotations

import datetime as dt

from db import settings as records
from db.connection import Database
from study.content import Content
from study.editions import Edition, Lens
from study.errors import UserInputError


class EditionService:
    """Reads are cached per guild (every command asks); a switch replaces the cached value."""

    def __init__(self, db: Database, content: Content, default: str) -> None:
        self.db = db
        self.content = content
        self.default = default
        self._cache: dict[int, str] = {}

    async def key_for(self, guild_id: int | None) -> str:
        if guild_id is None:
            return self.default
        if guild_id not in self._cache:
            stored = await records.guild_edition(self.db, guild_id)
            if stored is None or stored not in self.content.editions.by_key:
                stored = self.default
            self._cache[guild_id] = stored
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
        return self.content.edition(key)
