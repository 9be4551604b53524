"""The world: guilds, channels, users, members and roles, Discord's permission rules, and building it.

Everything here is shaped after Discord's public API (see the OpenAPI schemas ``UserResponse``,
``GuildRoleResponse``, ``GuildChannelResponse``, ``GuildMemberResponse``).
"""

from __future__ import annotations

import copy
import datetime as _dt
import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import discord

from .base import FakeDiscordBase
from .errors import HTTPError, JSONDict
from .kinds import DM_CHANNEL, NEWS_CHANNEL, PUBLIC_THREAD, TEXT_CHANNEL

DISCORD_EPOCH_MS = 1420070400000

EPHEMERAL: int = discord.MessageFlags(ephemeral=True).value
LOADING: int = discord.MessageFlags(loading=True).value

INTENT_GUILD_MEMBERS: int = discord.Intents(members=True).value
INTENT_GUILD_MESSAGES: int = discord.Intents(guild_messages=True).value
INTENT_DIRECT_MESSAGES: int = discord.Intents(dm_messages=True).value
INTENT_MESSAGE_CONTENT: int = discord.Intents(message_content=True).value

Permissions = discord.Permissions
ALL_PERMISSIONS: int = discord.Permissions.all().value
VIEW_CHANNEL: int = discord.Permissions(view_channel=True).value
SEND_MESSAGES: int = discord.Permissions(send_messages=True).value
ATTACH_FILES: int = discord.Permissions(attach_files=True).value
READ_MESSAGE_HISTORY: int = discord.Permissions(read_message_history=True).value
CREATE_PUBLIC_THREADS: int = discord.Permissions(create_public_threads=True).value
MANAGE_MESSAGES: int = discord.Permissions(manage_messages=True).value
PIN_MESSAGES: int = discord.Permissions(pin_messages=True).value
ADMINISTRATOR: int = discord.Permissions(administrator=True).value

#: What a fresh guild's @everyone role gets on Discord (roughly).
DEFAULT_EVERYONE_PERMISSIONS: int = discord.Permissions(
    create_instant_invite=True,
    add_reactions=True,
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    create_private_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    mention_everyone=False,
    use_external_emojis=True,
    use_external_stickers=True,
    use_application_commands=True,
    connect=True,
    speak=True,
    stream=True,
    use_voice_activation=True,
    change_nickname=True,
).value


class SnowflakeFactory:
    """Monotonic snowflakes whose timestamp part is the current time."""

    def __init__(self) -> None:
        self._last = 0
        self._inc = itertools.count()

    def __call__(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | (next(self._inc) & 0xFFF)
        if value <= self._last:
            value = self._last + 1
        self._last = value
        return value

    def on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next snowflake of a guild that Discord would put on shard `shard_id` of `shard_count`:
        (id >> 22) % count is the id's millisecond, so ids made within one millisecond share a shard."""
        value = self()
        ms = value >> 22
        ms += (shard_id - ms) % shard_count
        value = max(value, ms << 22)
        self._last = value
        return value


def iso_now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat()


def perm_value(perms: discord.Permissions | int | None, default: int = 0) -> int:
    if perms is None:
        return default
    if isinstance(perms, discord.Permissions):
        return perms.value
    return int(perms)


@dataclass(eq=False)
class FakeUser:
    id: int
    name: str
    bot: bool = False
    global_name: str | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name if self.global_name is not None else (None if self.bot else self.name),
            "avatar": None,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
            "primary_guild": None,
            "collectibles": None,
        }


@dataclass(eq=False)
class FakeRole:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.bot_id is not None,
            "mentionable": False,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class FakeMember:
    user: FakeUser
    guild_id: int
    roles: list[int] = field(default_factory=list)
    joined_at: str = field(default_factory=iso_now)
    nick: str | None = None

    def to_dict(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_dict()
        return data


@dataclass(eq=False)
class FakeChannel:
    id: int
    name: str
    type: int  # a discord.ChannelType value
    guild_id: int | None = None
    position: int = 0
    overwrites: list[dict[str, Any]] = field(default_factory=list)
    recipient: FakeUser | None = None
    topic: str | None = None
    parent_id: int | None = None
    last_message_id: int | None = None
    owner_id: int | None = None  # a thread's creator

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_thread(self) -> bool:
        return self.type == PUBLIC_THREAD

    @property
    def is_dm(self) -> bool:
        return self.type == DM_CHANNEL

    def to_dict(self, bot_user: FakeUser | None = None) -> dict[str, Any]:
        if self.type == DM_CHANNEL:
            recipients = [self.recipient.to_dict()] if self.recipient else []
            return {
                "id": str(self.id),
                "type": DM_CHANNEL,
                "last_message_id": str(self.last_message_id) if self.last_message_id else None,
                "flags": 0,
                "recipients": recipients,
            }
        if self.is_thread:
            # ThreadResponse: a thread keeps its parent's overwrites in the simulator (Discord: it inherits them)
            return {
                "id": str(self.id), "type": self.type, "guild_id": str(self.guild_id), "name": self.name,
                "parent_id": str(self.parent_id), "owner_id": str(self.owner_id),
                "last_message_id": str(self.last_message_id) if self.last_message_id else None,
                "rate_limit_per_user": 0, "message_count": 0, "member_count": 1, "flags": 0,
                "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "locked": False,
                                    "archive_timestamp": iso_now(), "create_timestamp": iso_now()},
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [dict(o) for o in self.overwrites],
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "topic": self.topic,
            "nsfw": False,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass(eq=False)
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)
    bot_role_id: int | None = None
    preferred_locale: str = "en-US"

    @property
    def everyone_role(self) -> FakeRole:
        return self.roles[self.id]

    @property
    def text_channels(self) -> list[FakeChannel]:
        return [c for c in self.channels.values() if c.type in (TEXT_CHANNEL, NEWS_CHANNEL)]

    def to_dict(self, *, full: bool = False, bot_user: FakeUser | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "icon_hash": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "widget_channel_id": None,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.to_dict() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_presences": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.preferred_locale,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw_level": 0,
            "nsfw": False,
            "premium_progress_bar_enabled": False,
            "incidents_data": None,
        }
        if full:
            joined = self.members[bot_user.id].joined_at if bot_user and bot_user.id in self.members else iso_now()
            data.update(
                {
                    "joined_at": joined,
                    "large": False,
                    "unavailable": False,
                    "member_count": len(self.members),
                    "members": [m.to_dict() for m in self.members.values()],
                    "channels": [c.to_dict() for c in self.channels.values()],
                    "threads": [],
                    "presences": [],
                    "voice_states": [],
                    "stage_instances": [],
                    "guild_scheduled_events": [],
                    "soundboard_sounds": [],
                    "lazy": True,
                }
            )
        return data


def compute_base_permissions(guild: FakeGuild, user_id: int) -> int:
    """Discord's base permission algorithm (owner and administrator get everything)."""
    if user_id == guild.owner_id:
        return ALL_PERMISSIONS
    member = guild.members.get(user_id)
    perms = guild.everyone_role.permissions
    if member is not None:
        for rid in member.roles:
            role = guild.roles.get(rid)
            if role is not None:
                perms |= role.permissions
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def compute_channel_permissions(guild: FakeGuild, channel: FakeChannel | None, user_id: int) -> int:
    """Base permissions plus the channel's overwrites (everyone, then roles, then member)."""
    base = compute_base_permissions(guild, user_id)
    if base == ALL_PERMISSIONS or channel is None:
        return base
    perms = base
    overwrites = {int(o["id"]): o for o in channel.overwrites}
    everyone = overwrites.get(guild.id)
    if everyone is not None:
        perms &= ~int(everyone.get("deny", 0))
        perms |= int(everyone.get("allow", 0))
    member = guild.members.get(user_id)
    allow = deny = 0
    for rid in member.roles if member else []:
        ow = overwrites.get(rid)
        if ow is not None and int(ow.get("type", 0)) == 0:
            allow |= int(ow.get("allow", 0))
            deny |= int(ow.get("deny", 0))
    perms &= ~deny
    perms |= allow
    mow = overwrites.get(user_id)
    if mow is not None and int(mow.get("type", 1)) == 1:
        perms &= ~int(mow.get("deny", 0))
        perms |= int(mow.get("allow", 0))
    if not perms & VIEW_CHANNEL:
        return 0
    return perms


def object_id(obj: Any) -> int:
    """The snowflake of a Fake object, a member, a message dict, or an id."""
    if isinstance(obj, FakeMember):
        return obj.user.id
    if hasattr(obj, "id"):
        return int(obj.id)
    if isinstance(obj, dict):
        return int(obj["id"])
    return int(obj)


class WorldMixin(FakeDiscordBase):
    """Building and changing the world; each change dispatches the gateway event Discord would."""

    # ------------------------------------------------------------------ world building
    def add_user(self, name: str, *, bot: bool = False) -> FakeUser:
        user = FakeUser(self._snowflake(), name, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, *, owner: FakeUser | None = None, locale: str = "en-US",
                  shard: tuple[int, int] | None = None) -> FakeGuild:
        """A guild (with its owner); `shard=(id, count)` gives it an id Discord would put on that shard."""
        gid = self._snowflake() if shard is None else self._snowflake.on_shard(*shard)
        if owner is None:
            owner = self.add_user(f"{name}-owner")
        guild = FakeGuild(gid, name, owner.id, preferred_locale=locale)
        guild.roles[gid] = FakeRole(gid, gid, "@everyone", DEFAULT_EVERYONE_PERMISSIONS, position=0)
        bot_role = FakeRole(self._snowflake(), gid, self.bot_user.name, 0, position=1, bot_id=self.bot_user.id)
        guild.roles[bot_role.id] = bot_role
        guild.bot_role_id = bot_role.id
        guild.members[owner.id] = FakeMember(owner, gid)
        guild.members[self.bot_user.id] = FakeMember(self.bot_user, gid, roles=[bot_role.id])
        self.guilds[gid] = guild
        for sess in self._ready_sessions():
            if sess.wants_guild(gid):
                sess.dispatch("GUILD_CREATE", guild.to_dict(full=True, bot_user=self.bot_user))
        return guild

    def add_role(
        self, guild: FakeGuild, name: str, permissions: discord.Permissions | int | None = None
    ) -> FakeRole:
        position = max(r.position for r in guild.roles.values()) + 1
        role = FakeRole(self._snowflake(), guild.id, name, perm_value(permissions), position=position)
        guild.roles[role.id] = role
        self._guild_event(guild, "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.to_dict()})
        return role

    def add_text_channel(
        self,
        guild: FakeGuild,
        name: str,
        overwrites: Any = None,
        *,
        topic: str | None = None,
        type: int = TEXT_CHANNEL,
    ) -> FakeChannel:
        """``overwrites``: Discord-shaped list of ``{"id","type","allow","deny"}`` or a dict mapping a
        FakeGuild (its @everyone), FakeRole or FakeUser to a ``discord.PermissionOverwrite`` or
        ``(allow, deny)`` pair of Permissions/ints."""
        chan = FakeChannel(
            self._snowflake(), name, type, guild_id=guild.id, position=len(guild.channels), topic=topic
        )
        chan.overwrites = self._normalize_overwrites(overwrites)
        guild.channels[chan.id] = chan
        self.channels[chan.id] = chan
        self._channel_order[chan.id] = []
        self._guild_event(guild, "CHANNEL_CREATE", chan.to_dict())
        return chan

    def remove_channel(self, channel: FakeChannel) -> None:
        """A moderator deletes the channel: CHANNEL_DELETE, and REST answers 10003 Unknown Channel from then on."""
        guild = self.guilds[channel.guild_id] if channel.guild_id else None
        self.channels.pop(channel.id, None)
        if guild is not None:
            guild.channels.pop(channel.id, None)
            self._guild_event(guild, "CHANNEL_DELETE", channel.to_dict())

    def set_channel_overwrites(self, channel: FakeChannel, overwrites: Any) -> None:
        channel.overwrites = self._normalize_overwrites(overwrites)
        guild = self.guilds[channel.guild_id] if channel.guild_id else None
        if guild is not None:
            self._guild_event(guild, "CHANNEL_UPDATE", channel.to_dict())

    def add_member(
        self,
        guild: FakeGuild,
        name: str | FakeUser,
        *,
        permissions: discord.Permissions | int | None = None,
        roles: Iterable[FakeRole] = (),
        nick: str | None = None,
    ) -> FakeUser:
        """Add a member (a new user, or an existing FakeUser). ``permissions`` creates a personal role."""
        user = name if isinstance(name, FakeUser) else self.add_user(name)
        role_ids = [r.id for r in roles]
        if permissions is not None:
            role_ids.append(self.add_role(guild, f"{user.name}-role", permissions).id)
        member = FakeMember(user, guild.id, roles=role_ids, nick=nick)
        guild.members[user.id] = member
        data = member.to_dict()
        data["guild_id"] = str(guild.id)
        self._guild_event(guild, "GUILD_MEMBER_ADD", data, intent=INTENT_GUILD_MEMBERS)
        return user

    def remove_member(self, guild: FakeGuild, user: FakeUser) -> None:
        """The member leaves the server (or is kicked): GUILD_MEMBER_REMOVE, and REST no longer finds them."""
        del guild.members[user.id]
        self._guild_event(guild, "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": user.to_dict()},
                          intent=INTENT_GUILD_MEMBERS)

    def set_member_roles(self, guild: FakeGuild, user: FakeUser, roles: Iterable[FakeRole]) -> None:
        member = guild.members[user.id]
        member.roles = [r.id for r in roles]
        data = member.to_dict()
        data["guild_id"] = str(guild.id)
        self._guild_event(guild, "GUILD_MEMBER_UPDATE", data, intent=INTENT_GUILD_MEMBERS)

    def set_role_permissions(self, role: FakeRole, permissions: discord.Permissions | int) -> None:
        role.permissions = perm_value(permissions)
        guild = self.guilds[role.guild_id]
        self._guild_event(guild, "GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role.to_dict()})

    def set_everyone_permissions(self, guild: FakeGuild, permissions: discord.Permissions | int) -> None:
        self.set_role_permissions(guild.everyone_role, permissions)

    def set_bot_permissions(self, guild: FakeGuild, permissions: discord.Permissions | int) -> None:
        """Set the permissions of the bot's own (managed) role in ``guild``."""
        assert guild.bot_role_id is not None
        self.set_role_permissions(guild.roles[guild.bot_role_id], permissions)

    def set_dms_closed(self, user: FakeUser | int, closed: bool = True) -> None:
        uid = object_id(user)
        if closed:
            self.dms_closed.add(uid)
        else:
            self.dms_closed.discard(uid)

    def member_permissions(self, guild: FakeGuild, user: FakeUser | int, channel: FakeChannel | None = None) -> int:
        return compute_channel_permissions(guild, channel, object_id(user))

    def bot_permissions(self, channel: FakeChannel) -> int:
        if channel.guild_id is None:
            return discord.Permissions(
                view_channel=True, send_messages=True, embed_links=True, attach_files=True,
                read_message_history=True, add_reactions=True, use_external_emojis=True,
            ).value
        return compute_channel_permissions(self.guilds[channel.guild_id], channel, self.bot_user.id)

    def _normalize_overwrites(self, overwrites: Any) -> list[JSONDict]:
        if not overwrites:
            return []
        if isinstance(overwrites, list):
            return [
                {"id": str(o["id"]), "type": int(o.get("type", 0)), "allow": str(o.get("allow", 0)),
                 "deny": str(o.get("deny", 0))}
                for o in overwrites
            ]
        result: list[JSONDict] = []
        for target, value in overwrites.items():
            if isinstance(value, discord.PermissionOverwrite):
                allow, deny = (p.value for p in value.pair())
            else:
                allow, deny = (perm_value(v) for v in value)
            if isinstance(target, FakeGuild | FakeRole):
                tid, ttype = target.id, 0
            elif isinstance(target, FakeUser | FakeMember):
                tid, ttype = (target.id if isinstance(target, FakeUser) else target.user.id), 1
            else:
                raise TypeError(f"unsupported overwrite target {target!r}")
            result.append({"id": str(tid), "type": ttype, "allow": str(allow), "deny": str(deny)})
        return result

    def registered_commands(self, guild: FakeGuild | int | None = None) -> list[JSONDict]:
        if guild is None:
            return copy.deepcopy(self.global_commands)
        return copy.deepcopy(self.guild_commands.get(object_id(guild), []))

    # ------------------------------------------------------------------ interaction internals
    def _dm_channel_for(self, user: FakeUser | int) -> FakeChannel:
        uid = object_id(user)
        chan = self.dm_channels.get(uid)
        if chan is None:
            recipient = self.users.get(uid)
            if recipient is None:
                raise HTTPError(404, 10013, "Unknown User")
            chan = FakeChannel(self._snowflake(), "", DM_CHANNEL, recipient=recipient)
            self.dm_channels[uid] = chan
            self.channels[chan.id] = chan
            self._channel_order[chan.id] = []
        return chan

