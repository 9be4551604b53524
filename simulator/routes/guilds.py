"""REST: guilds, their channels, roles and members."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..errors import HTTPError, JSONDict
from ..world import FakeGuild


class GuildRoutes:
    def _guild(self, gid: str) -> FakeGuild:
        guild = self.guilds.get(int(gid))
        if guild is None:
            raise HTTPError(404, 10004, "Unknown Guild")
        return guild

    async def _get_guild(self, request: web.Request, gid: str, **_: Any) -> JSONDict:
        guild = self._guild(gid)
        data = guild.to_dict()
        data["approximate_member_count"] = len(guild.members)
        return data

    async def _get_guild_channels(self, request: web.Request, gid: str, **_: Any) -> Any:
        return [c.to_dict() for c in self._guild(gid).channels.values()]

    async def _get_guild_roles(self, request: web.Request, gid: str, **_: Any) -> Any:
        return [r.to_dict() for r in self._guild(gid).roles.values()]

    async def _get_guild_members(self, request: web.Request, gid: str, **_: Any) -> Any:
        guild = self._guild(gid)
        limit = int(request.query.get("limit", 1))
        after = int(request.query.get("after", 0))
        members = sorted((m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id)
        return [m.to_dict() for m in members[:limit]]

    async def _get_guild_member(self, request: web.Request, gid: str, uid: str, **_: Any) -> Any:
        member = self._guild(gid).members.get(int(uid))
        if member is None:
            raise HTTPError(404, 10007, "Unknown Member")
        return member.to_dict()

