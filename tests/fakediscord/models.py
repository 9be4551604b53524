"""Plain data objects held by :class:`~tests.fakediscord.FakeDiscord` (guilds, channels, users, roles).

Everything here is shaped after Discord's public API (see the OpenAPI schemas ``UserResponse``,
``GuildRoleResponse``, ``GuildChannelResponse``, ``GuildMemberResponse``).
"""

from __future__ import annotations

import datetime as _dt
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import discord

DISCORD_EPOCH_MS = 1420070400000

Permissions = discord.Permissions
ALL_PERMISSIONS: int = discord.Permissions.all().value
VIEW_CHANNEL: int = discord.Permissions(view_channel=True).value
SEND_MESSAGES: int = discord.Permissions(send_messages=True).value
ATTACH_FILES: int = discord.Permissions(attach_files=True).value
READ_MESSAGE_HISTORY: int = discord.Permissions(read_message_history=True).value
MANAGE_MESSAGES: int = discord.Permissions(manage_messages=True).value
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
    type: int  # 0 text, 1 DM, 4 category, 5 news, 2 voice
    guild_id: int | None = None
    position: int = 0
    overwrites: list[dict[str, Any]] = field(default_factory=list)
    recipient: FakeUser | None = None
    topic: str | None = None
    parent_id: int | None = None
    last_message_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_dm(self) -> bool:
        return self.type == 1

    def to_dict(self, bot_user: FakeUser | None = None) -> dict[str, Any]:
        if self.type == 1:
            recipients = [self.recipient.to_dict()] if self.recipient else []
            return {
                "id": str(self.id),
                "type": 1,
                "last_message_id": str(self.last_message_id) if self.last_message_id else None,
                "flags": 0,
                "recipients": recipients,
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
        return [c for c in self.channels.values() if c.type in (0, 5)]

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
