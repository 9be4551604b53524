"""REST: guilds, their channels, roles and members."""

from __future__ import annotations

from typing import Any

import discord
from aiohttp import web

from ..base import FakeDiscordBase
from ..errors import HTTPError, JSONDict
from ..world import ALL_PERMISSIONS, INTENT_GUILD_MEMBERS, FakeGuild, compute_base_permissions

MANAGE_ROLES: int = discord.Permissions(manage_roles=True).value


class GuildRoutes(FakeDiscordBase):
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


    def _role_change(self, gid: str, uid: str, rid: str) -> tuple[FakeGuild, Any, int]:
        """Discord's checks for adding or removing a member's role: the bot needs Manage Roles and the role must
        be below the bot's highest role (the owner of the guild aside)."""
        guild = self._guild(gid)
        member = guild.members.get(int(uid))
        if member is None:
            raise HTTPError(404, 10007, "Unknown Member")
        role = guild.roles.get(int(rid))
        if role is None:
            raise HTTPError(404, 10011, "Unknown Role")
        have = compute_base_permissions(guild, self.bot_user.id)
        if have != ALL_PERMISSIONS and not have & MANAGE_ROLES:
            raise HTTPError(403, 50013, "Missing Permissions")
        mine = guild.members[self.bot_user.id].roles
        top = max((guild.roles[r].position for r in mine if r in guild.roles), default=0)
        if role.position >= top or role.bot_id is not None:
            raise HTTPError(403, 50013, "Missing Permissions")
        return guild, member, role.id

    def _member_updated(self, guild: FakeGuild, member: Any) -> None:
        data = member.to_dict()
        data["guild_id"] = str(guild.id)
        self._guild_event(guild, "GUILD_MEMBER_UPDATE", data, intent=INTENT_GUILD_MEMBERS)

    async def _put_member_role(self, request: web.Request, gid: str, uid: str, rid: str, **_: Any) -> None:
        guild, member, role_id = self._role_change(gid, uid, rid)
        if role_id not in member.roles:
            member.roles.append(role_id)
            self._member_updated(guild, member)

    async def _delete_member_role(self, request: web.Request, gid: str, uid: str, rid: str, **_: Any) -> None:
        guild, member, role_id = self._role_change(gid, uid, rid)
        if role_id in member.roles:
            member.roles.remove(role_id)
            self._member_updated(guild, member)
