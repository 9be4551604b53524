"""FakeDiscord: an in-process fake of Discord's REST API and gateway, good enough for discord.py 2.7.

See README.md in this directory for the harness API.
"""

# The public API takes ``timeout=`` arguments on purpose (it mirrors asyncio.wait_for-style helpers).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import mimetypes
import os
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import discord
from aiohttp import WSMsgType, web

from .models import (
    ALL_PERMISSIONS,
    ATTACH_FILES,
    DEFAULT_EVERYONE_PERMISSIONS,
    MANAGE_MESSAGES,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    SnowflakeFactory,
    compute_base_permissions,
    compute_channel_permissions,
    iso_now,
    perm_value,
)
from .patching import patch_discord
from .validation import FormErrors, is_empty_message, validate_message

log = logging.getLogger("fakediscord")

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"

INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15

EPHEMERAL = 1 << 6
LOADING = 1 << 7

JSONDict = dict[str, Any]


class FakeDiscordError(AssertionError):
    """A test drove the fake in a way real Discord would not allow (or the bot did not answer)."""


class HTTPError(Exception):
    """Raised inside route handlers; turned into a Discord-shaped JSON error response."""

    def __init__(self, status: int, code: int, message: str, errors: JSONDict | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body: JSONDict = {"message": message, "code": code}
        if errors is not None:
            self.body["errors"] = errors


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly "application/json": discord.py's json_or_text compares the header verbatim.
    hdrs = {"Content-Type": "application/json"}
    if headers:
        hdrs.update(headers)
    return web.Response(status=status, body=json.dumps(data).encode(), headers=hdrs)


@dataclass
class RequestRecord:
    method: str
    path: str  # relative to /api/v10, e.g. "/channels/1/messages"
    time: float  # time.monotonic()
    status: int = 0
    authorized: bool = False
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None  # parsed JSON body (payload_json for multipart)


@dataclass
class _Failure:
    method: str | None
    pattern: re.Pattern[str]
    status: int
    body: Any
    times: int
    headers: dict[str, str]


@dataclass
class _Upload:
    filename: str
    data: bytes
    content_type: str | None


@dataclass
class InteractionState:
    id: int
    token: str
    type: int  # 2 command, 3 component, 4 autocomplete, 5 modal submit
    user: FakeUser
    channel: FakeChannel
    guild: FakeGuild | None
    payload: JSONDict
    dispatched_at: float = 0.0  # loop.time()
    response_type: int | None = None
    responded_at: float | None = None
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    source_message_id: int | None = None
    modal: JSONDict | None = None
    choices: list[JSONDict] | None = None
    errors: list[JSONDict] = field(default_factory=list)  # rejected callback/webhook attempts

    @property
    def responded(self) -> bool:
        return self.response_type is not None


class _Session:
    def __init__(self, fake: FakeDiscord, ws: web.WebSocketResponse) -> None:
        self.fake = fake
        self.ws = ws
        self.session_id = secrets.token_hex(16)
        self.seq = 0
        self.token: str | None = None
        self.intents = 0
        self.shard: tuple[int, int] = (0, 1)
        self.ready = False
        self.closed = False
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.writer: asyncio.Task[None] | None = None

    def send(self, op: int, d: Any, t: str | None = None) -> None:
        s = None
        if op == 0:
            self.seq += 1
            s = self.seq
        self.queue.put_nowait(json.dumps({"op": op, "d": d, "s": s, "t": t}))

    def dispatch(self, event: str, data: Any) -> None:
        self.send(0, data, event)

    async def write_loop(self) -> None:
        while True:
            item = await self.queue.get()
            if item is None:
                return
            if self.ws.closed:
                return
            try:
                await self.ws.send_str(item)
            except (ConnectionError, RuntimeError):
                return

    def wants_guild(self, guild_id: int) -> bool:
        shard_id, count = self.shard
        return (guild_id >> 22) % max(count, 1) == shard_id


class InteractionResult:
    """What the bot answered to one interaction. Properties always read the fake's *current* state."""

    def __init__(self, fake: FakeDiscord, state: InteractionState) -> None:
        self._fake = fake
        self.state = state

    def __repr__(self) -> str:
        return (
            f"<InteractionResult type={self.type} ephemeral={self.ephemeral} content={self.content!r} "
            f"followups={len(self.followups)} modal={bool(self.modal)}>"
        )

    @property
    def interaction_id(self) -> int:
        return self.state.id

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def type(self) -> int | None:
        return self.state.response_type

    @property
    def original(self) -> JSONDict | None:
        if self.state.original_id is None:
            return None
        return self._fake.message(self.state.original_id)

    @property
    def message(self) -> JSONDict | None:
        """The message this interaction produced: the original response (once not loading), otherwise the
        last follow-up; for component updates (types 6/7) the component's message."""
        st = self.state
        if st.response_type in (6, 7) and st.source_message_id is not None:
            return self._fake.message(st.source_message_id)
        orig = self.original
        if orig is not None and not orig["flags"] & LOADING:
            return orig
        if st.followup_ids:
            return self._fake.message(st.followup_ids[-1])
        return orig

    @property
    def ephemeral(self) -> bool:
        msg = self.message
        return bool(msg and msg["flags"] & EPHEMERAL)

    @property
    def content(self) -> str | None:
        msg = self.message
        return None if msg is None else msg["content"]

    @property
    def embeds(self) -> list[JSONDict]:
        msg = self.message
        return [] if msg is None else msg["embeds"]

    @property
    def components(self) -> list[JSONDict]:
        msg = self.message
        return [] if msg is None else msg["components"]

    @property
    def attachments(self) -> list[tuple[str, bytes]]:
        msg = self.message
        if msg is None:
            return []
        return [(a["filename"], self._fake.attachment_bytes(int(a["id"]))) for a in msg["attachments"]]

    @property
    def followups(self) -> list[JSONDict]:
        return [self._fake.message(mid) for mid in self.state.followup_ids]

    @property
    def modal(self) -> JSONDict | None:
        return self.state.modal

    @property
    def choices(self) -> list[JSONDict] | None:
        return self.state.choices

    @property
    def errors(self) -> list[JSONDict]:
        """Callbacks/webhook calls for this interaction that the fake rejected (status, code, message)."""
        return self.state.errors

    async def wait_for_followups(self, count: int = 1, timeout: float = 10.0) -> list[JSONDict]:
        await self._fake._wait_until(
            lambda: len(self.state.followup_ids) >= count, timeout, f"{count} follow-up(s) to {self!r}"
        )
        return self.followups

    async def wait_for_update(self, timeout: float = 10.0) -> InteractionResult:
        """Wait until anything about this interaction (original, follow-ups, source message) changes."""
        before = self._fake._snapshot(self.state)
        await self._fake._wait_until(
            lambda: self._fake._snapshot(self.state) != before, timeout, f"an update of {self!r}"
        )
        return self


RouteHandler = Callable[..., Awaitable[Any]]


class FakeDiscord:
    """A fake Discord (REST + gateway) on 127.0.0.1:random-port.  Use ``async with FakeDiscord() as fake``."""

    def __init__(
        self,
        *,
        interaction_deadline: float = 3.0,
        followup_window: float = 15 * 60,
        guild_ready_timeout: float | None = 0.1,
        bot_name: str = "TestBot",
        enforce_default_member_permissions: bool = True,
        deferred_timeout: float = 10.0,
        patch: bool = True,
    ) -> None:
        self.interaction_deadline = interaction_deadline
        self.followup_window = followup_window
        self.guild_ready_timeout = guild_ready_timeout
        self.enforce_default_member_permissions = enforce_default_member_permissions
        self.deferred_timeout = deferred_timeout
        self._patch = patch
        self._snowflake = SnowflakeFactory()

        self.bot_user = FakeUser(self._snowflake(), bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.app_owner = FakeUser(self._snowflake(), "app-owner")
        self.users: dict[int, FakeUser] = {self.bot_user.id: self.bot_user, self.app_owner.id: self.app_owner}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.dm_channels: dict[int, FakeChannel] = {}  # user id -> DM channel
        self.messages: dict[int, JSONDict] = {}
        # enforce_nonce memory: (channel id, nonce) -> (message id, monotonic time); Discord keeps it minutes
        self.nonce_window_seconds = 5 * 60.0
        self._nonces_seen: dict[tuple[int, str], tuple[int, float]] = {}
        self._channel_order: dict[int, list[int]] = {}
        self.deleted_messages: dict[int, JSONDict] = {}
        self._attachments: dict[int, bytes] = {}
        self.global_commands: list[JSONDict] = []
        self.guild_commands: dict[int, list[JSONDict]] = {}
        self.command_overwrites: list[tuple[int | None, float]] = []  # (guild id or None, monotonic time)
        self.interactions: dict[int, InteractionState] = {}
        self._interactions_by_token: dict[str, InteractionState] = {}
        self.dms_closed: set[int] = set()
        self.accepted_tokens: set[str] | None = None  # None: any token is accepted

        self.request_log: list[RequestRecord] = []
        self.unknown_routes: list[tuple[str, str]] = []
        self.rejected_requests: list[tuple[str, str, int, JSONDict]] = []
        self._failures: list[_Failure] = []
        self._rate_limit: float | None = None
        self._rl_windows: dict[str, deque[float]] = {}

        self._sessions: list[_Session] = []
        self._resumable: dict[str, _Session] = {}
        self.identify_count = 0
        self._bot_tasks: dict[int, tuple[discord.Client, asyncio.Task[None]]] = {}
        self._change = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._restore: Callable[[], None] | None = None
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], RouteHandler]] = []
        self._build_routes()

    # ------------------------------------------------------------------ lifecycle
    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get(GATEWAY_PATH, self._gateway_handler)
        app.router.add_get(GATEWAY_PATH + "/", self._gateway_handler)
        app.router.add_route("*", "/{tail:.*}", self._http_handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        if self._patch:
            self._restore = patch_discord(
                self.base_url,
                self.gateway_url,
                cdn_url=f"{self.root_url}/cdn",
                guild_ready_timeout=self.guild_ready_timeout,
            )

    async def close(self) -> None:
        for bot, _task in list(self._bot_tasks.values()):
            with contextlib.suppress(Exception):
                await self.stop_bot(bot)
        for sess in list(self._sessions) + list(self._resumable.values()):
            await self._close_session(sess, code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._restore is not None:
            self._restore()
            self._restore = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def subprocess_env(self, token: str = "test-token") -> dict[str, str]:
        """Environment for ``run_bot.py`` (merged with os.environ)."""
        env = dict(os.environ)
        env.update(
            FAKE_DISCORD_API=self.base_url,
            FAKE_DISCORD_GATEWAY=self.gateway_url,
            FAKE_DISCORD_CDN=f"{self.root_url}/cdn",
            FAKE_DISCORD_GUILD_READY_TIMEOUT=str(self.guild_ready_timeout or 0.1),
            FAKE_DISCORD_TOKEN=token,
        )
        return env

    def assert_no_unknown_routes(self) -> None:
        if self.unknown_routes:
            routes = ", ".join(f"{m} {p}" for m, p in self.unknown_routes)
            raise FakeDiscordError(f"the bot called routes FakeDiscord does not implement: {routes}")

    # ------------------------------------------------------------------ world building
    def add_user(self, name: str, *, bot: bool = False) -> FakeUser:
        user = FakeUser(self._snowflake(), name, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, *, owner: FakeUser | None = None, locale: str = "en-US") -> FakeGuild:
        gid = self._snowflake()
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
        type: int = 0,
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
        uid = _id(user)
        if closed:
            self.dms_closed.add(uid)
        else:
            self.dms_closed.discard(uid)

    def member_permissions(self, guild: FakeGuild, user: FakeUser | int, channel: FakeChannel | None = None) -> int:
        return compute_channel_permissions(guild, channel, _id(user))

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

    # ------------------------------------------------------------------ inspection
    def channel_messages(self, channel_id: int | FakeChannel) -> list[JSONDict]:
        """Current (edited) non-ephemeral messages of a channel, oldest first."""
        return [copy.deepcopy(self.messages[m]) for m in self._channel_order.get(_id(channel_id), [])]

    def dm_messages(self, user_id: int | FakeUser) -> list[JSONDict]:
        chan = self.dm_channels.get(_id(user_id))
        return [] if chan is None else self.channel_messages(chan.id)

    def message(self, message_id: int | str) -> JSONDict:
        mid = int(message_id)
        if mid in self.messages:
            return copy.deepcopy(self.messages[mid])
        if mid in self.deleted_messages:
            raise KeyError(f"message {mid} was deleted")
        raise KeyError(f"unknown message {mid}")

    def attachment_bytes(self, attachment_id: int) -> bytes:
        return self._attachments[int(attachment_id)]

    def message_attachments(self, message: JSONDict | int) -> list[tuple[str, bytes]]:
        msg = self.message(message["id"] if isinstance(message, dict) else message)
        return [(a["filename"], self._attachments[int(a["id"])]) for a in msg["attachments"]]

    def registered_commands(self, guild: FakeGuild | int | None = None) -> list[JSONDict]:
        if guild is None:
            return copy.deepcopy(self.global_commands)
        return copy.deepcopy(self.guild_commands.get(_id(guild), []))

    def find_component(self, message: Any, custom_id: str) -> JSONDict:
        msg = self._resolve_message(message)
        for comp in _walk_components(msg["components"]):
            if comp.get("custom_id") == custom_id:
                return comp
        ids = [c.get("custom_id") for c in _walk_components(msg["components"]) if c.get("custom_id")]
        raise FakeDiscordError(f"no component with custom_id {custom_id!r} on message {msg['id']} (has {ids})")

    def find_button(self, message: Any, label: str | None = None, *, emoji: str | None = None) -> str:
        """custom_id of the first button whose label equals ``label`` (or contains it, as a fallback)."""
        msg = self._resolve_message(message)
        buttons = [c for c in _walk_components(msg["components"]) if c.get("type") == 2]
        for exact in (True, False):
            for b in buttons:
                blabel = b.get("label") or ""
                if label is not None and not (blabel == label if exact else label in blabel):
                    continue
                if emoji is not None and (b.get("emoji") or {}).get("name") != emoji:
                    continue
                if b.get("custom_id"):
                    return str(b["custom_id"])
        labels = [b.get("label") for b in buttons]
        raise FakeDiscordError(f"no button labelled {label!r} on message {msg['id']} (buttons: {labels})")

    # ------------------------------------------------------------------ failure injection / rate limits
    def fail_next(
        self,
        method: str | None,
        path_regex: str,
        status: int,
        body: Any = None,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """The next ``times`` requests whose method matches (``None``/``"*"`` = any) and whose path (relative to
        /api/v10, e.g. ``/channels/1/messages``) matches ``path_regex`` (re.search) get ``status``."""
        hdrs: dict[str, str] = {}
        if status == 429:
            retry = 0.05
            if isinstance(body, dict) and "retry_after" in body:
                retry = float(body["retry_after"])
            hdrs = _rate_limit_headers(retry, limit=5, scope="user", bucket="fake-injected")
            if body is None:
                body = {"message": "You are being rate limited.", "retry_after": retry, "global": False}
        elif body is None:
            body = {"message": f"{status}: {_REASONS.get(status, 'Error')}", "code": 0}
        hdrs.update(headers or {})
        m = None if method in (None, "*") else method.upper()
        self._failures.append(_Failure(m, re.compile(path_regex), status, body, times, hdrs))

    def set_rate_limit(self, requests_per_second: float | None = 50) -> None:
        """Global-ish limit per bot token over a sliding one-second window (``None`` turns it off).
        Interaction callbacks and interaction webhooks are exempt, as on Discord."""
        self._rate_limit = requests_per_second
        self._rl_windows.clear()

    def requests(self, method: str | None = None, path_regex: str | None = None) -> list[RequestRecord]:
        pat = re.compile(path_regex) if path_regex else None
        return [
            r for r in self.request_log
            if (method is None or r.method == method.upper()) and (pat is None or pat.search(r.path))
        ]

    # ------------------------------------------------------------------ bots
    async def start_bot(self, bot: discord.Client, token: str = "test-token", *, timeout: float = 10.0) -> None:
        """Run ``bot.start(token)`` as a task; return once READY was processed and ``on_ready`` dispatched."""
        task = asyncio.create_task(bot.start(token), name=f"fakediscord-bot-{id(bot)}")
        self._bot_tasks[id(bot)] = (bot, task)
        deadline = time.monotonic() + timeout
        while not bot.is_ready():
            if task.done():
                self._bot_tasks.pop(id(bot), None)
                await bot.close()  # a failed login leaves discord.py's HTTP session open
                exc = task.exception()
                if exc is not None:
                    raise exc
                raise FakeDiscordError("bot.start() returned before the bot became ready")
            if time.monotonic() > deadline:
                await self.stop_bot(bot)
                raise FakeDiscordError(f"bot not ready after {timeout}s (did the login or gateway fail?)")
            await asyncio.sleep(0.01)
        for _ in range(5):  # let on_ready listeners start
            await asyncio.sleep(0)

    async def stop_bot(self, bot: discord.Client) -> None:
        entry = self._bot_tasks.pop(id(bot), None)
        await bot.close()
        if entry is not None:
            task = entry[1]
            try:
                await asyncio.wait_for(task, 10)
            except asyncio.CancelledError:
                if not task.cancelled():
                    raise

    async def wait_for_commands(
        self, guild: FakeGuild | int | None = None, *, timeout: float = 10.0, new: bool = False
    ) -> list[JSONDict]:
        """Wait until a bulk overwrite of app commands arrived: for ``guild`` if given, else any (global or
        guild). ``new=True`` ignores overwrites received before this call. Returns the registered commands."""
        start = time.monotonic() if new else -1.0
        gid = None if guild is None else _id(guild)

        def ok() -> bool:
            return any(t >= start and (gid is None or g == gid) for g, t in self.command_overwrites)

        await self._wait_until(ok, timeout, "an application command bulk overwrite")
        if gid is not None:
            return self.registered_commands(gid)
        last = [g for g, t in self.command_overwrites if t >= start][-1]
        return self.registered_commands(last)

    async def wait_for_session(self, timeout: float = 10.0) -> None:
        """Wait until some bot (maybe in another process) identified and got READY + GUILD_CREATEs."""
        await self._wait_until(lambda: bool(self._ready_sessions()), timeout, "a gateway session")

    async def wait_for_message(
        self,
        predicate: Callable[[JSONDict], bool] | None = None,
        *,
        channel: FakeChannel | int | None = None,
        timeout: float = 10.0,
    ) -> JSONDict:
        """Wait for a (new or existing) stored message matching ``predicate`` (optionally in ``channel``)."""
        found: list[JSONDict] = []

        def ok() -> bool:
            for msg in self.messages.values():
                if channel is not None and int(msg["channel_id"]) != _id(channel):
                    continue
                if predicate is None or predicate(msg):
                    found.append(copy.deepcopy(msg))
                    return True
            return False

        await self._wait_until(ok, timeout, "a matching message")
        return found[0]

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close every gateway connection with ``code`` (4000 → the client tries to RESUME)."""
        for sess in list(self._sessions):
            self._resumable[sess.session_id] = sess
            await self._close_session(sess, code=code)

    # ------------------------------------------------------------------ simulating users
    async def slash(
        self,
        user: FakeUser,
        channel: FakeChannel | None,
        name: str,
        /,
        *,
        guild: FakeGuild | None = None,
        locale: str = "en-US",
        options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> InteractionResult:
        """Invoke slash command ``name`` ("group sub" for subcommands) as ``user`` in ``channel``.
        Options come from ``kwargs`` (or ``options=`` for names clashing with parameters)."""
        if channel is None:
            if guild is None:
                raise FakeDiscordError("slash(): give a channel or guild=")
            if not guild.text_channels:
                raise FakeDiscordError(f"guild {guild.name!r} has no text channel")
            channel = guild.text_channels[0]
        g = self.guilds.get(channel.guild_id) if channel.guild_id else None
        values = {**kwargs, **(options or {})}
        data = self._command_data(name, user, channel, g, values, focused=None)
        st = self._new_interaction(2, user, channel, g, data, locale=locale)
        return await self._run_interaction(st)

    async def slash_dm(
        self, user: FakeUser, name: str, /, *, locale: str = "en-US", options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> InteractionResult:
        chan = self._dm_channel_for(user)
        values = {**kwargs, **(options or {})}
        data = self._command_data(name, user, chan, None, values, focused=None)
        st = self._new_interaction(2, user, chan, None, data, locale=locale)
        return await self._run_interaction(st)

    async def autocomplete(
        self,
        user: FakeUser,
        channel: FakeChannel | None,
        name: str,
        /,
        *,
        focused: str,
        value: Any = "",
        guild: FakeGuild | None = None,
        options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[JSONDict]:
        if channel is None:
            channel = self._dm_channel_for(user) if guild is None else guild.text_channels[0]
        g = self.guilds.get(channel.guild_id) if channel.guild_id else None
        values = {**kwargs, **(options or {}), focused: value}
        data = self._command_data(name, user, channel, g, values, focused=focused)
        st = self._new_interaction(4, user, channel, g, data)
        result = await self._run_interaction(st)
        if result.type != 8:
            raise FakeDiscordError(f"autocomplete answered with callback type {result.type}, expected 8")
        return copy.deepcopy(result.choices or [])

    async def click(self, user: FakeUser, message: Any, custom_id: str, /) -> InteractionResult:
        msg = self._resolve_message(message)
        comp = self.find_component(msg, custom_id)
        if comp.get("type") != 2:
            raise FakeDiscordError(f"component {custom_id!r} is not a button (type {comp.get('type')})")
        if comp.get("disabled"):
            raise FakeDiscordError(f"button {custom_id!r} is disabled")
        return await self._component_interaction(user, msg, {"custom_id": custom_id, "component_type": 2})

    async def select(
        self, user: FakeUser, message: Any, custom_id: str, /, values: list[Any] | None = None
    ) -> InteractionResult:
        msg = self._resolve_message(message)
        comp = self.find_component(msg, custom_id)
        ctype = comp.get("type")
        if ctype not in (3, 5, 6, 7, 8):
            raise FakeDiscordError(f"component {custom_id!r} is not a select menu (type {ctype})")
        if comp.get("disabled"):
            raise FakeDiscordError(f"select {custom_id!r} is disabled")
        values = list(values or [])
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not lo <= len(values) <= hi:
            raise FakeDiscordError(f"select {custom_id!r} takes {lo}..{hi} values, got {len(values)}")
        chan = self.channels[int(msg["channel_id"])]
        guild = self.guilds.get(chan.guild_id) if chan.guild_id else None
        data: JSONDict = {"custom_id": custom_id, "component_type": ctype}
        if ctype == 3:
            allowed = [o["value"] for o in comp.get("options", [])]
            for v in values:
                if v not in allowed:
                    raise FakeDiscordError(f"{v!r} is not an option of select {custom_id!r} ({allowed})")
            data["values"] = values
        else:
            resolved: JSONDict = {}
            data["values"] = [str(_id(v)) for v in values]
            for v in values:
                self._resolve_into(resolved, v, guild, chan)
            data["resolved"] = resolved
        return await self._component_interaction(user, msg, data)

    async def submit_modal(
        self, user: FakeUser, result: InteractionResult | JSONDict, values: dict[str, Any], /
    ) -> InteractionResult:
        if isinstance(result, InteractionResult):
            modal = result.modal
            if modal is None:
                raise FakeDiscordError(f"{result!r} did not show a modal")
            src = result.state
            chan, guild, source_message_id = src.channel, src.guild, src.source_message_id
        else:
            raise FakeDiscordError("submit_modal() needs the InteractionResult that showed the modal")
        values = dict(values)
        components = [_fill_modal_component(c, values) for c in modal["components"]]
        components = [c for c in components if c is not None]
        if values:
            raise FakeDiscordError(f"modal {modal['custom_id']!r} has no inputs {sorted(values)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        st = self._new_interaction(5, user, chan, guild, data)
        if source_message_id is not None:
            st.source_message_id = source_message_id
            st.payload["message"] = copy.deepcopy(self.messages[source_message_id])
        return await self._run_interaction(st)

    async def user_message(
        self, user: FakeUser, channel: FakeChannel, content: str = "", *, embeds: list[JSONDict] | None = None
    ) -> JSONDict:
        """A user (not the bot) posts a message; dispatched as MESSAGE_CREATE respecting intents."""
        msg = self._make_message(channel, {"content": content, "embeds": embeds or []}, [], author=user)
        self._store_message(msg, channel)
        self._dispatch_message("MESSAGE_CREATE", msg, channel)
        return copy.deepcopy(msg)

    # ------------------------------------------------------------------ interaction internals
    def _dm_channel_for(self, user: FakeUser | int) -> FakeChannel:
        uid = _id(user)
        chan = self.dm_channels.get(uid)
        if chan is None:
            recipient = self.users.get(uid)
            if recipient is None:
                raise HTTPError(404, 10013, "Unknown User")
            chan = FakeChannel(self._snowflake(), "", 1, recipient=recipient)
            self.dm_channels[uid] = chan
            self.channels[chan.id] = chan
            self._channel_order[chan.id] = []
        return chan

    def _resolve_message(self, message: Any) -> JSONDict:
        if isinstance(message, InteractionResult):
            message = message.message
            if message is None:
                raise FakeDiscordError("that interaction result has no message")
        mid = int(message["id"]) if isinstance(message, dict) else int(message)
        if mid not in self.messages:
            raise FakeDiscordError(f"unknown or deleted message {mid}")
        return self.messages[mid]

    def _find_command(self, name: str, guild: FakeGuild | None) -> tuple[JSONDict, list[str]]:
        parts = name.split()
        pools: list[list[JSONDict]] = []
        if guild is not None:
            pools.append(self.guild_commands.get(guild.id, []))
        pools.append(self.global_commands)
        for pool in pools:
            for cmd in pool:
                if cmd["name"] == parts[0] and cmd.get("type", 1) == 1:
                    return cmd, parts[1:]
        known = sorted({c["name"] for p in pools for c in p})
        where = f"guild {guild.name!r}" if guild else "DMs (global commands)"
        raise FakeDiscordError(f"no slash command {parts[0]!r} registered for {where}; registered: {known}")

    def _command_data(
        self,
        name: str,
        user: FakeUser,
        channel: FakeChannel,
        guild: FakeGuild | None,
        values: dict[str, Any],
        focused: str | None,
    ) -> JSONDict:
        cmd, path = self._find_command(name, guild)
        ctx = 0 if guild is not None else 1
        contexts = cmd.get("contexts")
        if contexts is not None and ctx not in contexts:
            raise FakeDiscordError(f"command {cmd['name']!r} is not available in context {ctx} ({contexts})")
        if guild is None and contexts is None and cmd.get("dm_permission") is False:
            raise FakeDiscordError(f"command {cmd['name']!r} is not available in DMs (dm_permission=false)")
        if guild is not None and self.enforce_default_member_permissions:
            needed = cmd.get("default_member_permissions")
            if needed is not None:
                have = compute_base_permissions(guild, user.id)
                if have != ALL_PERMISSIONS and (int(needed) == 0 or (int(needed) & have) != int(needed)):
                    raise FakeDiscordError(
                        f"{user.name} lacks default_member_permissions={needed} for /{cmd['name']} "
                        "(Discord would not show the command)"
                    )
        defs = cmd.get("options") or []
        top_options: list[JSONDict] = []
        holder = top_options
        for i, part in enumerate(path):
            sub = next((o for o in defs if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                subs = [o["name"] for o in defs if o["type"] in (1, 2)]
                raise FakeDiscordError(f"/{' '.join([cmd['name'], *path[:i]])} has no subcommand {part!r}: {subs}")
            node: JSONDict = {"name": part, "type": sub["type"], "options": []}
            holder.append(node)
            holder = node["options"]
            defs = sub.get("options") or []
        if any(o["type"] in (1, 2) for o in defs):
            subs = [o["name"] for o in defs if o["type"] in (1, 2)]
            raise FakeDiscordError(f"/{name} needs a subcommand: {subs}")
        resolved: JSONDict = {}
        by_name = {o["name"]: o for o in defs}
        for key in values:
            if key not in by_name:
                raise FakeDiscordError(f"/{name} has no option {key!r}; options: {sorted(by_name)}")
        for opt in defs:
            oname = opt["name"]
            if oname not in values or values[oname] is None:
                if opt.get("required") and focused is None:
                    raise FakeDiscordError(f"/{name}: required option {oname!r} missing")
                continue
            if oname == focused:
                if not opt.get("autocomplete"):
                    raise FakeDiscordError(f"/{name}: option {oname!r} has no autocomplete")
                holder.append({"name": oname, "type": opt["type"], "value": str(values[oname]), "focused": True})
                continue
            value = self._option_value(name, opt, values[oname], resolved, guild, channel)
            holder.append({"name": oname, "type": opt["type"], "value": value})
        data: JSONDict = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": top_options}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(
        self,
        cmd_name: str,
        opt: JSONDict,
        value: Any,
        resolved: JSONDict,
        guild: FakeGuild | None,
        channel: FakeChannel,
    ) -> Any:
        t = opt["type"]
        oname = opt["name"]

        def bad(msg: str) -> FakeDiscordError:
            return FakeDiscordError(f"/{cmd_name} option {oname!r}: {msg}")

        if t == 3:
            if not isinstance(value, str):
                raise bad(f"expected str, got {value!r}")
            if "min_length" in opt and len(value) < opt["min_length"]:
                raise bad(f"shorter than {opt['min_length']}")
            if "max_length" in opt and len(value) > opt["max_length"]:
                raise bad(f"longer than {opt['max_length']}")
        elif t == 4:
            if isinstance(value, bool) or not isinstance(value, int):
                raise bad(f"expected int, got {value!r}")
        elif t == 10:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise bad(f"expected number, got {value!r}")
        elif t == 5 and not isinstance(value, bool):
            raise bad(f"expected bool, got {value!r}")
        if t in (4, 10):
            if "min_value" in opt and value < opt["min_value"]:
                raise bad(f"{value} < min_value {opt['min_value']}")
            if "max_value" in opt and value > opt["max_value"]:
                raise bad(f"{value} > max_value {opt['max_value']}")
        if t in (3, 4, 10) and opt.get("choices"):
            allowed = [c["value"] for c in opt["choices"]]
            if value not in allowed:
                raise bad(f"{value!r} is not one of the choices {allowed}")
        if t in (3, 4, 5, 10):
            return value
        if t == 11:
            if isinstance(value, tuple | list):
                filename, raw = value[0], value[1]
                ctype = value[2] if len(value) > 2 else None
            else:
                raise bad("attachment options take (filename, bytes[, content_type])")
            att = self._store_attachment(channel.id, _Upload(filename, bytes(raw), ctype), ephemeral=True)
            resolved.setdefault("attachments", {})[att["id"]] = att
            return att["id"]
        if t == 6 and not isinstance(value, FakeUser | int):
            raise bad(f"expected a FakeUser, got {value!r}")
        if t == 7 and not isinstance(value, FakeChannel | int):
            raise bad(f"expected a FakeChannel, got {value!r}")
        if t == 7 and opt.get("channel_types"):
            chan = value if isinstance(value, FakeChannel) else self.channels[int(value)]
            if chan.type not in opt["channel_types"]:
                raise bad(f"channel type {chan.type} not in {opt['channel_types']}")
        if t == 8 and not isinstance(value, FakeRole | int):
            raise bad(f"expected a FakeRole, got {value!r}")
        self._resolve_into(resolved, value, guild, channel)
        return str(_id(value))

    def _resolve_into(self, resolved: JSONDict, value: Any, guild: FakeGuild | None, channel: FakeChannel) -> None:
        vid = _id(value)
        if isinstance(value, FakeUser) or vid in self.users:
            user = self.users[vid]
            resolved.setdefault("users", {})[str(vid)] = user.to_dict()
            if guild is not None and vid in guild.members:
                mdata = guild.members[vid].to_dict(with_user=False)
                mdata["permissions"] = str(compute_channel_permissions(guild, channel, vid))
                resolved.setdefault("members", {})[str(vid)] = mdata
        elif isinstance(value, FakeChannel) or vid in self.channels:
            chan = self.channels[vid]
            cdata = chan.to_dict()
            cdata["permissions"] = str(
                compute_channel_permissions(guild, chan, self.bot_user.id) if guild else ALL_PERMISSIONS
            )
            resolved.setdefault("channels", {})[str(vid)] = cdata
        elif isinstance(value, FakeRole) or (guild is not None and vid in guild.roles):
            role = value if isinstance(value, FakeRole) else guild.roles[vid]  # type: ignore[union-attr]
            resolved.setdefault("roles", {})[str(vid)] = role.to_dict()
        else:
            raise FakeDiscordError(f"cannot resolve {value!r}")

    async def _component_interaction(self, user: FakeUser, msg: JSONDict, data: JSONDict) -> InteractionResult:
        chan = self.channels[int(msg["channel_id"])]
        guild = self.guilds.get(chan.guild_id) if chan.guild_id else None
        st = self._new_interaction(3, user, chan, guild, data)
        st.source_message_id = int(msg["id"])
        st.payload["message"] = copy.deepcopy(msg)
        return await self._run_interaction(st)

    def _new_interaction(
        self,
        itype: int,
        user: FakeUser,
        channel: FakeChannel,
        guild: FakeGuild | None,
        data: JSONDict,
        *,
        locale: str = "en-US",
    ) -> InteractionState:
        iid = self._snowflake()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
        payload: JSONDict = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "app_permissions": str(self.bot_permissions(channel)),
        }
        if guild is not None:
            if user.id not in guild.members:
                raise FakeDiscordError(f"{user.name} is not a member of guild {guild.name!r}")
            member = guild.members[user.id].to_dict()
            perms = compute_channel_permissions(guild, channel, user.id)
            member["permissions"] = str(perms)
            if not perms & VIEW_CHANNEL:
                raise FakeDiscordError(f"{user.name} cannot see channel {channel.name!r}")
            cdata = channel.to_dict()
            cdata["permissions"] = str(perms)
            payload.update(
                {
                    "guild_id": str(guild.id),
                    "guild": {"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                    "guild_locale": guild.preferred_locale,
                    "member": member,
                    "channel": cdata,
                    "channel_id": str(channel.id),
                    "context": 0,
                    "authorizing_integration_owners": {"0": str(guild.id)},
                }
            )
        else:
            cdata = channel.to_dict()
            cdata["permissions"] = str(self.bot_permissions(channel))
            payload.update(
                {
                    "user": user.to_dict(),
                    "channel": cdata,
                    "channel_id": str(channel.id),
                    "context": 1,
                    "authorizing_integration_owners": {"0": "0"},
                }
            )
        st = InteractionState(iid, token, itype, user, channel, guild, payload)
        self.interactions[iid] = st
        self._interactions_by_token[token] = st
        return st

    async def _run_interaction(self, st: InteractionState) -> InteractionResult:
        sess = await self._session_for(st.guild)
        st.dispatched_at = asyncio.get_running_loop().time()
        sess.dispatch("INTERACTION_CREATE", st.payload)
        result = InteractionResult(self, st)
        grace = self.interaction_deadline + 0.5
        try:
            await self._wait_until(lambda: st.responded, grace, "the interaction response")
        except FakeDiscordError as e:
            detail = f"; rejected attempts: {st.errors}" if st.errors else ""
            raise FakeDiscordError(
                f"the bot did not acknowledge interaction {st.payload['data'].get('name') or st.payload['data']}"
                f" within {self.interaction_deadline}s{detail}"
            ) from e
        if st.response_type == 5:
            def done() -> bool:
                orig = self.messages.get(st.original_id or 0)
                return bool(st.followup_ids) or (orig is not None and not orig["flags"] & LOADING)

            await self._wait_until(done, self.deferred_timeout, "the edit/follow-up after a deferred response")
        return result

    async def _session_for(self, guild: FakeGuild | None, timeout: float = 5.0) -> _Session:
        def pick() -> _Session | None:
            for sess in reversed(self._ready_sessions()):
                if guild is None or sess.wants_guild(guild.id):
                    return sess
            return None

        await self._wait_until(lambda: pick() is not None, timeout, "a connected bot (gateway session)")
        sess = pick()
        assert sess is not None
        return sess

    def _ready_sessions(self) -> list[_Session]:
        return [s for s in self._sessions if s.ready and not s.closed]

    # ------------------------------------------------------------------ waiting
    def _notify(self) -> None:
        self._change.set()
        self._change = asyncio.Event()

    def _snapshot(self, st: InteractionState) -> str:
        ids = [st.original_id, *st.followup_ids, st.source_message_id]
        return json.dumps(
            [st.response_type, st.modal, st.choices, [self.messages.get(i or 0) for i in ids]], sort_keys=True
        )

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            for _bot, task in list(self._bot_tasks.values()):
                if task.done() and not task.cancelled() and task.exception() is not None:
                    raise FakeDiscordError(f"the bot task died while waiting for {what}") from task.exception()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise FakeDiscordError(f"timed out after {timeout}s waiting for {what}")
            ev = self._change
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ev.wait(), min(remaining, 0.25))

    # ------------------------------------------------------------------ gateway
    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        sess = _Session(self, ws)
        sess.writer = asyncio.create_task(sess.write_loop(), name="fakediscord-gateway-writer")
        self._sessions.append(sess)
        sess.send(10, {"heartbeat_interval": 41250, "_trace": ["fakediscord"]})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    if msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                        break
                    continue
                try:
                    payload = json.loads(msg.data)
                except ValueError:
                    await ws.close(code=4002, message=b"Decode error")
                    break
                await self._gateway_op(sess, payload)
        finally:
            sess.closed = True
            if sess in self._sessions:
                self._sessions.remove(sess)
            sess.queue.put_nowait(None)
            if sess.writer is not None:
                with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                    await sess.writer
            self._notify()
        return ws

    async def _gateway_op(self, sess: _Session, payload: JSONDict) -> None:
        op = payload.get("op")
        d = payload.get("d")
        if op == 1:
            sess.send(11, None)
        elif op == 2:
            token = str(d.get("token", "")).removeprefix("Bot ")
            if self.accepted_tokens is not None and token not in self.accepted_tokens:
                await sess.ws.close(code=4004, message=b"Authentication failed.")
                return
            self.identify_count += 1
            sess.token = token
            sess.intents = int(d.get("intents", 0))
            if d.get("shard"):
                sess.shard = (int(d["shard"][0]), int(d["shard"][1]))
            guilds = [g for g in self.guilds.values() if sess.wants_guild(g.id)]
            sess.dispatch(
                "READY",
                {
                    "v": 10,
                    "user": {**self.bot_user.to_dict(), "verified": True, "mfa_enabled": False, "email": None},
                    "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                    "session_id": sess.session_id,
                    "session_type": "normal",
                    "resume_gateway_url": self.gateway_url,
                    "shard": list(sess.shard),
                    "application": {"id": str(self.application_id), "flags": 0},
                    "private_channels": [],
                    "relationships": [],
                    "presences": [],
                    "guild_join_requests": [],
                    "geo_ordered_rtc_regions": ["fake"],
                    "user_settings": {},
                    "auth": {},
                    "_trace": ["fakediscord"],
                },
            )
            for g in guilds:
                sess.dispatch("GUILD_CREATE", g.to_dict(full=True, bot_user=self.bot_user))
            sess.ready = True
            self._notify()
        elif op == 6:
            old = self._resumable.pop(str(d.get("session_id")), None)
            if old is None or old.token != str(d.get("token", "")).removeprefix("Bot "):
                sess.send(9, False)
                return
            sess.session_id, sess.token, sess.intents, sess.shard = old.session_id, old.token, old.intents, old.shard
            sess.seq = max(old.seq, int(d.get("seq") or 0))
            sess.dispatch("RESUMED", {"_trace": ["fakediscord"]})
            sess.ready = True
            self._notify()
        elif op == 8:
            gid = int(d.get("guild_id"))
            guild = self.guilds.get(gid)
            members = list(guild.members.values()) if guild else []
            if d.get("user_ids"):
                wanted = {int(u) for u in d["user_ids"]}
                members = [m for m in members if m.user.id in wanted]
            query = d.get("query") or ""
            members = [m for m in members if m.user.name.lower().startswith(query.lower())]
            chunk: JSONDict = {
                "guild_id": str(gid),
                "members": [m.to_dict() for m in members],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if d.get("nonce") is not None:
                chunk["nonce"] = d["nonce"]
            sess.dispatch("GUILD_MEMBERS_CHUNK", chunk)
        # op 3 presence, 4 voice state and others are accepted silently

    async def _close_session(self, sess: _Session, code: int) -> None:
        sess.closed = True
        sess.ready = False
        if sess in self._sessions:
            self._sessions.remove(sess)
        if not sess.ws.closed:
            with contextlib.suppress(Exception):
                await sess.ws.close(code=code, message=b"fakediscord")
        sess.queue.put_nowait(None)
        if sess.writer is not None and not sess.writer.done():
            sess.writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sess.writer
        self._notify()

    def _guild_event(self, guild: FakeGuild, event: str, data: JSONDict, intent: int | None = None) -> None:
        for sess in self._ready_sessions():
            if sess.wants_guild(guild.id) and (intent is None or sess.intents & intent):
                sess.dispatch(event, data)

    def _dispatch_message(self, event: str, msg: JSONDict, channel: FakeChannel) -> None:
        if msg["flags"] & EPHEMERAL:
            return
        data = copy.deepcopy(msg)
        intent = INTENT_DIRECT_MESSAGES if channel.is_dm else INTENT_GUILD_MESSAGES
        if channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
            guild = self.guilds[channel.guild_id]
            author_id = int(msg["author"]["id"])
            if author_id in guild.members and not msg.get("webhook_id"):
                data["member"] = guild.members[author_id].to_dict(with_user=False)
        for sess in self._ready_sessions():
            if not sess.intents & intent:
                continue
            if channel.guild_id is not None and not sess.wants_guild(channel.guild_id):
                continue
            out = data
            author_id = int(msg["author"]["id"])
            mentioned = any(int(u["id"]) == self.bot_user.id for u in msg.get("mentions", []))
            if (
                event != "MESSAGE_DELETE"
                and not sess.intents & INTENT_MESSAGE_CONTENT
                and author_id != self.bot_user.id
                and not channel.is_dm
                and not mentioned
            ):
                out = {**data, "content": "", "embeds": [], "attachments": [], "components": []}
            sess.dispatch(event, out)

    # ------------------------------------------------------------------ HTTP plumbing
    def _build_routes(self) -> None:
        r = self._route
        r("GET", r"/users/@me", self._get_me)
        r("GET", r"/users/(?P<uid>\d+)", self._get_user)
        r("POST", r"/users/@me/channels", self._create_dm)
        r("GET", r"/oauth2/applications/@me", self._get_app)
        r("GET", r"/applications/@me", self._get_app)
        r("GET", r"/gateway", self._get_gateway)
        r("GET", r"/gateway/bot", self._get_gateway_bot)
        cmds = r"/applications/(?P<app>\d+)(?:/guilds/(?P<gid>\d+))?/commands"
        r("GET", cmds, self._get_commands)
        r("PUT", cmds, self._put_commands)
        r("POST", cmds, self._post_command)
        r("GET", cmds + r"/(?P<cmd>\d+)", self._get_command)
        r("PATCH", cmds + r"/(?P<cmd>\d+)", self._patch_command)
        r("DELETE", cmds + r"/(?P<cmd>\d+)", self._delete_command)
        r("GET", r"/applications/(?P<app>\d+)/guilds/(?P<gid>\d+)/commands/permissions", self._empty_list)
        r("GET", r"/applications/(?P<app>\d+)/entitlements", self._empty_list)
        r("GET", r"/channels/(?P<cid>\d+)", self._get_channel)
        r("GET", r"/channels/(?P<cid>\d+)/messages", self._get_messages)
        r("POST", r"/channels/(?P<cid>\d+)/messages", self._post_message)
        r("GET", r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)", self._get_message)
        r("PATCH", r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)", self._patch_message)
        r("DELETE", r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)", self._delete_message)
        r("POST", r"/channels/(?P<cid>\d+)/typing", self._typing)
        r("GET", r"/guilds/(?P<gid>\d+)", self._get_guild)
        r("GET", r"/guilds/(?P<gid>\d+)/channels", self._get_guild_channels)
        r("GET", r"/guilds/(?P<gid>\d+)/roles", self._get_guild_roles)
        r("GET", r"/guilds/(?P<gid>\d+)/members", self._get_guild_members)
        r("GET", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)", self._get_guild_member)
        r("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", self._interaction_callback)
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        r("POST", hook, self._webhook_execute)
        r("GET", hook + r"/messages/(?P<mid>@original|\d+)", self._webhook_get)
        r("PATCH", hook + r"/messages/(?P<mid>@original|\d+)", self._webhook_edit)
        r("DELETE", hook + r"/messages/(?P<mid>@original|\d+)", self._webhook_delete)

    def _route(self, method: str, pattern: str, handler: RouteHandler) -> None:
        self._routes.append((method, re.compile(pattern + r"/?$"), handler))

    async def _http_handler(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/attachments/"):
            return self._serve_attachment(path)
        if not path.startswith(API_PREFIX):
            self.unknown_routes.append((request.method, path))
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        api_path = path[len(API_PREFIX):] or "/"
        auth = request.headers.get("Authorization")
        rec = RequestRecord(request.method, api_path, time.monotonic(), authorized=auth is not None,
                            query=dict(request.query))
        self.request_log.append(rec)
        try:
            resp = await self._dispatch_http(request, api_path, auth, rec)
        except HTTPError as e:
            self.rejected_requests.append((request.method, api_path, e.status, e.body))
            resp = json_response(e.body, e.status)
        rec.status = resp.status
        self._notify()
        return resp

    async def _dispatch_http(
        self, request: web.Request, api_path: str, auth: str | None, rec: RequestRecord
    ) -> web.StreamResponse:
        for failure in self._failures:
            if (failure.method is None or failure.method == request.method) and failure.pattern.search(api_path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return json_response(failure.body, failure.status, failure.headers)
        exempt = api_path.startswith(("/interactions/", "/webhooks/"))
        if not exempt:
            token = (auth or "").removeprefix("Bot ")
            if not auth or (self.accepted_tokens is not None and token not in self.accepted_tokens):
                raise HTTPError(401, 0, "401: Unauthorized")
            if self._rate_limit:
                limited = self._check_rate_limit(token)
                if limited is not None:
                    return limited
        for method, pattern, handler in self._routes:
            m = pattern.fullmatch(api_path)
            if m and method == request.method:
                body, files = await _read_body(request)
                rec.body = body
                result = await handler(request, body=body, files=files, **m.groupdict())
                if isinstance(result, web.StreamResponse):
                    return result
                if result is None:
                    return web.Response(status=204)
                return json_response(result)
        self.unknown_routes.append((request.method, api_path))
        log.warning("fakediscord: unknown route %s %s", request.method, api_path)
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    def _check_rate_limit(self, key: str) -> web.Response | None:
        assert self._rate_limit is not None
        now = time.monotonic()
        window = self._rl_windows.setdefault(key, deque())
        while window and window[0] <= now - 1.0:
            window.popleft()
        limit = int(self._rate_limit)
        if len(window) >= limit:
            retry = max(window[0] + 1.0 - now, 0.001)
            body = {"message": "You are being rate limited.", "retry_after": round(retry, 3), "global": True,
                    "code": 0}
            hdrs = _rate_limit_headers(retry, limit=limit, scope="global", bucket="fake-global")
            hdrs["X-RateLimit-Global"] = "true"
            self.rejected_requests.append(("*", "rate-limit", 429, body))
            return json_response(body, 429, hdrs)
        window.append(now)
        return None

    def _serve_attachment(self, path: str) -> web.Response:
        m = re.fullmatch(r"/attachments/\d+/(\d+)/[^/]+", path)
        if not m or int(m.group(1)) not in self._attachments:
            return web.Response(status=404, text="Not Found")
        data = self._attachments[int(m.group(1))]
        ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return web.Response(body=data, headers={"Content-Type": ctype})

    # ------------------------------------------------------------------ REST handlers: users/app
    async def _get_me(self, request: web.Request, **_: Any) -> JSONDict:
        return {**self.bot_user.to_dict(), "verified": True, "mfa_enabled": False, "locale": "en-US",
                "email": None}

    async def _get_user(self, request: web.Request, uid: str, **_: Any) -> JSONDict:
        user = self.users.get(int(uid))
        if user is None:
            raise HTTPError(404, 10013, "Unknown User")
        return user.to_dict()

    async def _get_app(self, request: web.Request, **_: Any) -> JSONDict:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.name,
            "icon": None,
            "description": "FakeDiscord test application",
            "summary": "",
            "type": None,
            "hook": True,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": self.app_owner.to_dict(),
            "team": None,
            "bot": self.bot_user.to_dict(),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "tags": [],
            "integration_types_config": {"0": {}, "1": {}},
            "approximate_guild_count": len(self.guilds),
            "approximate_user_install_count": 0,
            "explicit_content_filter": 0,
            "rpc_origins": [],
        }

    async def _get_gateway(self, request: web.Request, **_: Any) -> JSONDict:
        return {"url": self.gateway_url}

    async def _get_gateway_bot(self, request: web.Request, **_: Any) -> JSONDict:
        return {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
        }

    async def _create_dm(self, request: web.Request, body: Any, **_: Any) -> JSONDict:
        rid = int((body or {}).get("recipient_id", 0))
        user = self.users.get(rid)
        if user is None:
            raise HTTPError(400, 50035, "Invalid Form Body",
                            {"recipient_id": {"_errors": [{"code": "NUMBER_TYPE_COERCE",
                                                           "message": f"Value \"{rid}\" is not snowflake."}]}})
        return self._dm_channel_for(user).to_dict()

    async def _empty_list(self, request: web.Request, **_: Any) -> list[Any]:
        return []

    # ------------------------------------------------------------------ REST handlers: app commands
    def _check_app(self, app: str) -> None:
        if int(app) != self.application_id:
            raise HTTPError(403, 50001, "Missing Access")

    def _cmd_pool(self, gid: str | None) -> list[JSONDict]:
        if gid is None:
            return self.global_commands
        if int(gid) not in self.guilds:
            raise HTTPError(403, 50001, "Missing Access")
        return self.guild_commands.setdefault(int(gid), [])

    def _normalize_command(self, cmd: JSONDict, gid: str | None, existing: list[JSONDict]) -> JSONDict:
        errors = FormErrors()
        name = cmd.get("name", "")
        ctype = int(cmd.get("type", 1))
        if not isinstance(name, str) or not re.fullmatch(r"[-_\w]{1,32}", name) or (
            ctype == 1 and name != name.lower()
        ):
            errors.add(["name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if ctype == 1:
            desc = cmd.get("description") or ""
            if not 1 <= len(desc) <= 100:
                errors.add(["description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if len(cmd.get("options") or []) > 25:
            errors.add(["options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        if errors:
            raise HTTPError(400, 50035, "Invalid Form Body", errors.tree)
        prev = next((c for c in existing if c["name"] == name and c.get("type", 1) == ctype), None)
        out = {
            "id": prev["id"] if prev else str(self._snowflake()),
            "application_id": str(self.application_id),
            "version": str(self._snowflake()),
            "default_member_permissions": None,
            "type": ctype,
            "name": name,
            "name_localizations": None,
            "description": cmd.get("description", ""),
            "description_localizations": None,
            "dm_permission": True,
            "contexts": None,
            "integration_types": [0],
            "nsfw": False,
        }
        out.update({k: v for k, v in cmd.items() if k not in ("id", "application_id", "version", "guild_id")})
        if out.get("default_member_permissions") is not None:
            out["default_member_permissions"] = str(out["default_member_permissions"])
        if gid is not None:
            out["guild_id"] = str(gid)
            out.pop("dm_permission", None)
        return out

    async def _get_commands(self, request: web.Request, app: str, gid: str | None = None, **_: Any) -> Any:
        self._check_app(app)
        return copy.deepcopy(self._cmd_pool(gid))

    async def _put_commands(self, request: web.Request, app: str, body: Any, gid: str | None = None,
                            **_: Any) -> Any:
        self._check_app(app)
        pool = self._cmd_pool(gid)
        if not isinstance(body, list) or len(body) > 100:
            raise HTTPError(400, 50035, "Invalid Form Body")
        new = [self._normalize_command(c, gid, pool) for c in body]
        names = [(c["name"], c["type"]) for c in new]
        if len(set(names)) != len(names):
            raise HTTPError(400, 50035, "Invalid Form Body",
                            {"_errors": [{"code": "APPLICATION_COMMANDS_DUPLICATE_NAME",
                                          "message": "Application command names must be unique"}]})
        pool[:] = new
        self.command_overwrites.append((int(gid) if gid else None, time.monotonic()))
        return copy.deepcopy(new)

    async def _post_command(self, request: web.Request, app: str, body: Any, gid: str | None = None,
                            **_: Any) -> Any:
        self._check_app(app)
        pool = self._cmd_pool(gid)
        cmd = self._normalize_command(body, gid, pool)
        pool[:] = [c for c in pool if c["id"] != cmd["id"]] + [cmd]
        return copy.deepcopy(cmd)

    def _command(self, pool: list[JSONDict], cmd: str) -> JSONDict:
        for c in pool:
            if c["id"] == cmd:
                return c
        raise HTTPError(404, 10063, "Unknown application command")

    async def _get_command(self, request: web.Request, app: str, cmd: str, gid: str | None = None,
                           **_: Any) -> Any:
        self._check_app(app)
        return copy.deepcopy(self._command(self._cmd_pool(gid), cmd))

    async def _patch_command(self, request: web.Request, app: str, cmd: str, body: Any, gid: str | None = None,
                             **_: Any) -> Any:
        self._check_app(app)
        pool = self._cmd_pool(gid)
        current = self._command(pool, cmd)
        current.update({k: v for k, v in (body or {}).items() if k not in ("id", "application_id")})
        return copy.deepcopy(current)

    async def _delete_command(self, request: web.Request, app: str, cmd: str, gid: str | None = None,
                              **_: Any) -> None:
        self._check_app(app)
        pool = self._cmd_pool(gid)
        pool.remove(self._command(pool, cmd))

    # ------------------------------------------------------------------ REST handlers: guilds
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

    # ------------------------------------------------------------------ REST handlers: channels/messages
    def _channel(self, cid: str) -> FakeChannel:
        chan = self.channels.get(int(cid))
        if chan is None:
            raise HTTPError(404, 10003, "Unknown Channel")
        return chan

    def _require(self, chan: FakeChannel, perms: int) -> None:
        have = self.bot_permissions(chan)
        if not have & VIEW_CHANNEL:
            raise HTTPError(403, 50001, "Missing Access")
        if have & perms != perms:
            raise HTTPError(403, 50013, "Missing Permissions")

    async def _get_channel(self, request: web.Request, cid: str, **_: Any) -> JSONDict:
        chan = self._channel(cid)
        if not chan.is_dm:
            self._require(chan, VIEW_CHANNEL)
        return chan.to_dict()

    async def _typing(self, request: web.Request, cid: str, **_: Any) -> None:
        chan = self._channel(cid)
        if not chan.is_dm:
            self._require(chan, SEND_MESSAGES)

    async def _get_messages(self, request: web.Request, cid: str, **_: Any) -> Any:
        chan = self._channel(cid)
        if not chan.is_dm:
            self._require(chan, VIEW_CHANNEL)
        limit = max(1, min(int(request.query.get("limit", 50)), 100))
        ids = list(self._channel_order.get(chan.id, []))
        if "before" in request.query:
            ids = [i for i in ids if i < int(request.query["before"])]
        if "after" in request.query:
            ids = [i for i in ids if i > int(request.query["after"])]
            ids = ids[:limit]
        if "around" in request.query:
            around = int(request.query["around"])
            ids.sort(key=lambda i: abs(i - around))
            ids = sorted(ids[:limit])
        ids = sorted(ids, reverse=True)[:limit]
        return [copy.deepcopy(self.messages[i]) for i in ids]

    async def _get_message(self, request: web.Request, cid: str, mid: str, **_: Any) -> Any:
        chan = self._channel(cid)
        if not chan.is_dm:
            self._require(chan, VIEW_CHANNEL)
        msg = self.messages.get(int(mid))
        if msg is None or int(msg["channel_id"]) != chan.id or msg["flags"] & EPHEMERAL:
            raise HTTPError(404, 10008, "Unknown Message")
        return copy.deepcopy(msg)

    async def _post_message(self, request: web.Request, cid: str, body: Any, files: list[_Upload],
                            **_: Any) -> Any:
        chan = self._channel(cid)
        body = body or {}
        if chan.is_dm:
            assert chan.recipient is not None
            if chan.recipient.id in self.dms_closed or chan.recipient.bot:
                raise HTTPError(403, 50007, "Cannot send messages to this user")
        else:
            self._require(chan, SEND_MESSAGES | (ATTACH_FILES if files else 0))
        self._validate(body, files)
        if body.get("enforce_nonce") and body.get("nonce") is not None:
            # Discord: with enforce_nonce, a nonce already used by the same author in this channel within the
            # last few minutes returns that message instead of creating a second one. Older nonces are
            # forgotten (nonce_window_seconds of real time), so a resend after a long outage does post again.
            seen = self._nonces_seen.get((chan.id, str(body["nonce"])))
            if seen is not None and time.monotonic() - seen[1] <= self.nonce_window_seconds:
                existing = self.messages.get(seen[0])
                if existing is not None:
                    return copy.deepcopy(existing)
        body = {**body, "flags": int(body.get("flags") or 0) & ~(EPHEMERAL | LOADING)}
        msg = self._make_message(chan, body, files)
        if body.get("enforce_nonce") and body.get("nonce") is not None:
            self._nonces_seen[(chan.id, str(body["nonce"]))] = (int(msg["id"]), time.monotonic())
        self._store_message(msg, chan)
        self._dispatch_message("MESSAGE_CREATE", msg, chan)
        return copy.deepcopy(msg)

    async def _patch_message(self, request: web.Request, cid: str, mid: str, body: Any, files: list[_Upload],
                             **_: Any) -> Any:
        chan = self._channel(cid)
        msg = self.messages.get(int(mid))
        if msg is None or int(msg["channel_id"]) != chan.id or msg["flags"] & EPHEMERAL:
            raise HTTPError(404, 10008, "Unknown Message")
        if int(msg["author"]["id"]) != self.bot_user.id and set(body or {}) - {"flags"}:
            raise HTTPError(403, 50005, "Cannot edit a message authored by another user")
        self._validate(body or {}, files, is_edit=True)
        self._apply_edit(msg, body or {}, files)
        self._dispatch_message("MESSAGE_UPDATE", msg, chan)
        return copy.deepcopy(msg)

    async def _delete_message(self, request: web.Request, cid: str, mid: str, **_: Any) -> None:
        chan = self._channel(cid)
        msg = self.messages.get(int(mid))
        if msg is None or int(msg["channel_id"]) != chan.id or msg["flags"] & EPHEMERAL:
            raise HTTPError(404, 10008, "Unknown Message")
        if int(msg["author"]["id"]) != self.bot_user.id and not chan.is_dm:
            self._require(chan, MANAGE_MESSAGES)
        self._remove_message(int(mid))

    # ------------------------------------------------------------------ REST handlers: interactions
    async def _interaction_callback(self, request: web.Request, iid: str, token: str, body: Any,
                                    files: list[_Upload], **_: Any) -> Any:
        st = self.interactions.get(int(iid))
        if st is None or st.token != token:
            raise HTTPError(404, 10062, "Unknown interaction")
        try:
            return await self._handle_callback(request, st, body or {}, files)
        except HTTPError as e:
            st.errors.append({"status": e.status, **e.body})
            raise

    async def _handle_callback(self, request: web.Request, st: InteractionState, body: JSONDict,
                               files: list[_Upload]) -> Any:
        now = asyncio.get_running_loop().time()
        if now - st.dispatched_at > self.interaction_deadline and not st.responded:
            raise HTTPError(404, 10062, "Unknown interaction")
        if st.responded:
            raise HTTPError(400, 40060, "Interaction has already been acknowledged.")
        ctype = int(body.get("type", 0))
        data: JSONDict = body.get("data") or {}
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}[st.type]
        if st.type == 5 and st.source_message_id is None:
            allowed = {4, 5}
        if ctype not in allowed:
            raise HTTPError(400, 50035, "Invalid Form Body",
                            {"type": {"_errors": [{"code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                                   "message": f"Interaction response type {ctype} is invalid "
                                                              f"for interaction type {st.type}"}]}})
        message: JSONDict | None = None
        if ctype == 4:
            self._validate(data, files)
            message = self._interaction_message(st, data, files)
            st.original_id = int(message["id"])
        elif ctype == 5:
            flags = int(data.get("flags") or 0) & EPHEMERAL
            message = self._interaction_message(st, {"content": "", "flags": flags | LOADING}, [])
            st.original_id = int(message["id"])
        elif ctype == 7:
            assert st.source_message_id is not None
            self._validate(data, files, is_edit=True)
            msg = self.messages[st.source_message_id]
            self._apply_edit(msg, data, files)
            self._dispatch_message("MESSAGE_UPDATE", msg, st.channel)
            message = msg
        elif ctype == 8:
            choices = data.get("choices") or []
            if len(choices) > 25:
                raise HTTPError(400, 50035, "Invalid Form Body",
                                {"data": {"choices": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                                                                   "message": "Must be 25 or fewer in length."}]}}})
            st.choices = choices
        elif ctype == 9:
            errors = FormErrors()
            errors.max_len(["data", "title"], data.get("title"), 45)
            errors.max_len(["data", "custom_id"], data.get("custom_id"), 100)
            if not 1 <= len(data.get("components") or []) <= 5:
                errors.add(["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
            if errors:
                raise HTTPError(400, 50035, "Invalid Form Body", errors.tree)
            st.modal = copy.deepcopy(data)
        st.response_type = ctype
        st.responded_at = now
        self._notify()
        if request.query.get("with_response") not in ("1", "true", "True"):
            return None
        interaction: JSONDict = {"id": str(st.id), "type": st.type}
        if message is not None:
            interaction.update(
                response_message_id=message["id"],
                response_message_loading=bool(message["flags"] & LOADING),
                response_message_ephemeral=bool(message["flags"] & EPHEMERAL),
            )
        resp: JSONDict = {"interaction": interaction, "resource": {"type": ctype}}
        if message is not None:
            resp["resource"]["message"] = copy.deepcopy(message)
        return resp

    def _interaction_for_webhook(self, app: str, token: str) -> InteractionState:
        st = self._interactions_by_token.get(token)
        if st is None or int(app) != self.application_id:
            raise HTTPError(404, 10015, "Unknown Webhook")
        if asyncio.get_running_loop().time() - st.dispatched_at > self.followup_window:
            raise HTTPError(401, 50027, "Invalid Webhook Token")
        return st

    def _webhook_message(self, st: InteractionState, mid: str) -> JSONDict:
        if mid == "@original":
            # component interactions: @original is the message the component is attached to
            src = st.source_message_id
            if st.original_id is None and st.response_type in (6, 7) and src is not None and src in self.messages:
                return self.messages[src]
            if st.original_id is None or st.original_id not in self.messages:
                raise HTTPError(404, 10008, "Unknown Message")
            return self.messages[st.original_id]
        if int(mid) not in (st.original_id, st.source_message_id) and int(mid) not in st.followup_ids:
            raise HTTPError(404, 10008, "Unknown Message")
        if int(mid) not in self.messages:
            raise HTTPError(404, 10008, "Unknown Message")
        return self.messages[int(mid)]

    async def _webhook_execute(self, request: web.Request, app: str, token: str, body: Any,
                               files: list[_Upload], **_: Any) -> Any:
        st = self._interaction_for_webhook(app, token)
        try:
            if not st.responded:
                raise HTTPError(404, 10015, "Unknown Webhook")
            body = body or {}
            self._validate(body, files)
            orig = self.messages.get(st.original_id or 0)
            if orig is not None and orig["flags"] & LOADING:
                # Discord: the first follow-up after a deferred response replaces the "thinking…" message.
                body = {**body, "flags": (orig["flags"] & EPHEMERAL) | (int(body.get("flags") or 0) & ~EPHEMERAL)}
                self._apply_edit(orig, body, files, clear_loading=True, mark_edited=False)
                self._dispatch_message("MESSAGE_UPDATE", orig, st.channel)
                msg = orig
            else:
                msg = self._interaction_message(st, body, files, followup=True)
                st.followup_ids.append(int(msg["id"]))
        except HTTPError as e:
            st.errors.append({"status": e.status, **e.body})
            raise
        self._notify()
        if request.query.get("wait") in ("true", "True", "1"):
            return copy.deepcopy(msg)
        return None

    async def _webhook_get(self, request: web.Request, app: str, token: str, mid: str, **_: Any) -> Any:
        st = self._interaction_for_webhook(app, token)
        return copy.deepcopy(self._webhook_message(st, mid))

    async def _webhook_edit(self, request: web.Request, app: str, token: str, mid: str, body: Any,
                            files: list[_Upload], **_: Any) -> Any:
        st = self._interaction_for_webhook(app, token)
        try:
            msg = self._webhook_message(st, mid)
            self._validate(body or {}, files, is_edit=True)
        except HTTPError as e:
            st.errors.append({"status": e.status, **e.body})
            raise
        was_loading = bool(msg["flags"] & LOADING)
        self._apply_edit(msg, body or {}, files, clear_loading=True, mark_edited=not was_loading)
        self._dispatch_message("MESSAGE_UPDATE", msg, self.channels[int(msg["channel_id"])])
        self._notify()
        return copy.deepcopy(msg)

    async def _webhook_delete(self, request: web.Request, app: str, token: str, mid: str, **_: Any) -> None:
        st = self._interaction_for_webhook(app, token)
        msg = self._webhook_message(st, mid)
        self._remove_message(int(msg["id"]))

    # ------------------------------------------------------------------ message helpers
    def _validate(self, body: JSONDict, files: list[_Upload], *, is_edit: bool = False) -> None:
        errors = validate_message(body, has_files=bool(files), is_edit=is_edit)
        if errors:
            raise HTTPError(400, 50035, "Invalid Form Body", errors.tree)
        if not is_edit and is_empty_message(body, bool(files)):
            raise HTTPError(400, 50006, "Cannot send an empty message")

    def _store_attachment(self, channel_id: int, up: _Upload, *, description: str | None = None,
                          ephemeral: bool = False) -> JSONDict:
        aid = self._snowflake()
        self._attachments[aid] = up.data
        url = f"{self.root_url}/attachments/{channel_id}/{aid}/{up.filename}"
        att: JSONDict = {
            "id": str(aid),
            "filename": up.filename,
            "size": len(up.data),
            "url": url,
            "proxy_url": url,
            "content_type": up.content_type or mimetypes.guess_type(up.filename)[0] or "application/octet-stream",
        }
        if description:
            att["description"] = description
        if ephemeral:
            att["ephemeral"] = True
        return att

    def _new_attachments(self, channel_id: int, body: JSONDict, files: list[_Upload]) -> list[JSONDict]:
        meta = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
        out = []
        for i, up in enumerate(files):
            m = meta.get(str(i), {})
            up.filename = m.get("filename") or up.filename
            out.append(self._store_attachment(channel_id, up, description=m.get("description")))
        return out

    def _make_message(self, chan: FakeChannel, body: JSONDict, files: list[_Upload], *,
                      author: FakeUser | None = None, mtype: int = 0) -> JSONDict:
        author = author or self.bot_user
        content = body.get("content") or ""
        embeds = [{"type": "rich", **e} for e in (body.get("embeds") or ([body["embed"]] if body.get("embed")
                                                                         else []))]
        mentions = []
        for uid in re.findall(r"<@!?(\d+)>", content):
            if int(uid) in self.users:
                mentions.append(self.users[int(uid)].to_dict())
        msg: JSONDict = {
            "id": str(self._snowflake()),
            "type": mtype,
            "channel_id": str(chan.id),
            "author": author.to_dict(),
            "content": content,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": mentions,
            "mention_roles": [],
            "mention_channels": [],
            "attachments": self._new_attachments(chan.id, body, files),
            "embeds": embeds,
            "reactions": [],
            "pinned": False,
            "flags": int(body.get("flags") or 0),
            "components": copy.deepcopy(body.get("components") or []),
            "stickers": [],
            "sticker_items": [],
        }
        if body.get("nonce") is not None:
            msg["nonce"] = body["nonce"]
        if body.get("message_reference"):
            ref = dict(body["message_reference"])
            ref.setdefault("channel_id", str(chan.id))
            msg["message_reference"] = ref
            msg["type"] = 19
            ref_msg = self.messages.get(int(ref.get("message_id", 0)))
            msg["referenced_message"] = copy.deepcopy(ref_msg)
        if body.get("poll"):
            msg["poll"] = body["poll"]
        return msg

    def _interaction_message(self, st: InteractionState, body: JSONDict, files: list[_Upload], *,
                             followup: bool = False) -> JSONDict:
        mtype = 20 if st.type == 2 and not followup else (0 if followup else 19)
        msg = self._make_message(st.channel, body, files, mtype=mtype)
        msg["webhook_id"] = str(self.application_id)
        msg["application_id"] = str(self.application_id)
        meta: JSONDict = {
            "id": str(st.id),
            "type": st.type,
            "user": st.user.to_dict(),
            "authorizing_integration_owners": st.payload.get("authorizing_integration_owners", {}),
        }
        if st.type == 2:
            meta["name"] = st.payload["data"]["name"]
            msg["interaction"] = {"id": str(st.id), "type": 2, "name": meta["name"], "user": st.user.to_dict()}
        if st.source_message_id is not None:
            meta["interacted_message_id"] = str(st.source_message_id)
        if followup and st.original_id is not None:
            meta["original_response_message_id"] = str(st.original_id)
        msg["interaction_metadata"] = meta
        self._store_message(msg, st.channel)
        self._dispatch_message("MESSAGE_CREATE", msg, st.channel)
        return msg

    def _store_message(self, msg: JSONDict, chan: FakeChannel) -> None:
        mid = int(msg["id"])
        self.messages[mid] = msg
        if not msg["flags"] & EPHEMERAL:
            self._channel_order.setdefault(chan.id, []).append(mid)
            chan.last_message_id = mid
        self._notify()

    def _apply_edit(self, msg: JSONDict, body: JSONDict, files: list[_Upload], *, clear_loading: bool = False,
                    mark_edited: bool = True) -> None:
        if "content" in body:
            msg["content"] = body["content"] or ""
        if "embeds" in body:
            msg["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
        elif "embed" in body:
            msg["embeds"] = [{"type": "rich", **body["embed"]}] if body["embed"] else []
        if "components" in body:
            msg["components"] = copy.deepcopy(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            keep = msg["flags"] & (EPHEMERAL | LOADING)
            msg["flags"] = (int(body["flags"]) & ~(EPHEMERAL | LOADING)) | keep
        if "attachments" in body or files:
            if "attachments" in body:
                keep_ids = {str(a.get("id")) for a in body["attachments"] or [] if isinstance(a, dict)}
                kept = [a for a in msg["attachments"] if a["id"] in keep_ids]
            else:
                kept = list(msg["attachments"])
            msg["attachments"] = kept + self._new_attachments(int(msg["channel_id"]), body, files)
        if clear_loading:
            msg["flags"] &= ~LOADING
        if mark_edited:
            msg["edited_timestamp"] = iso_now()
        self._notify()

    def _remove_message(self, mid: int) -> None:
        msg = self.messages.pop(mid)
        self.deleted_messages[mid] = msg
        chan = self.channels[int(msg["channel_id"])]
        order = self._channel_order.get(chan.id, [])
        if mid in order:
            order.remove(mid)
        if not msg["flags"] & EPHEMERAL:
            data = {"id": str(mid), "channel_id": str(chan.id)}
            for sess in self._ready_sessions():
                intent = INTENT_DIRECT_MESSAGES if chan.is_dm else INTENT_GUILD_MESSAGES
                if sess.intents & intent:
                    payload = {**data, "guild_id": str(chan.guild_id)} if chan.guild_id else data
                    sess.dispatch("MESSAGE_DELETE", payload)
        self._notify()


# ---------------------------------------------------------------------- helpers
_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout"}


def _rate_limit_headers(retry: float, *, limit: int, scope: str, bucket: str) -> dict[str, str]:
    return {
        "Via": "1.1 google",
        "Retry-After": str(max(1, int(retry + 0.999))),
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry:.3f}",
        "X-RateLimit-Reset-After": f"{retry:.3f}",
        "X-RateLimit-Bucket": bucket,
        "X-RateLimit-Scope": scope,
    }


def _id(obj: Any) -> int:
    if isinstance(obj, FakeMember):
        return obj.user.id
    if hasattr(obj, "id"):
        return int(obj.id)
    if isinstance(obj, dict):
        return int(obj["id"])
    return int(obj)


def _walk_components(components: list[JSONDict]) -> Iterable[JSONDict]:
    for comp in components:
        yield comp
        yield from _walk_components(comp.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                yield from _walk_components([comp[key]])


def _fill_modal_component(comp: JSONDict, values: dict[str, Any]) -> JSONDict | None:
    t = comp.get("type")
    if t == 1:
        children = [_fill_modal_component(c, values) for c in comp.get("components") or []]
        kept = [c for c in children if c is not None]
        return {"type": 1, "components": kept} if kept else None
    if t == 18:
        child = _fill_modal_component(comp["component"], values)
        if child is None:
            return None
        out: JSONDict = {"type": 18, "component": child}
        if "id" in comp:
            out["id"] = comp["id"]
        return out
    cid = comp.get("custom_id")
    if cid is None:
        return None
    if t == 4:
        value = values.pop(cid, comp.get("value") or "")
        if not isinstance(value, str):
            raise FakeDiscordError(f"text input {cid!r} takes a str")
        if comp.get("required", True) and not value:
            raise FakeDiscordError(f"text input {cid!r} is required")
        if value and "min_length" in comp and len(value) < comp["min_length"]:
            raise FakeDiscordError(f"text input {cid!r} is shorter than {comp['min_length']}")
        if "max_length" in comp and len(value) > comp["max_length"]:
            raise FakeDiscordError(f"text input {cid!r} is longer than {comp['max_length']}")
        return {"type": 4, "custom_id": cid, "value": value}
    if t in (3, 5, 6, 7, 8):
        picked = values.pop(cid, [])
        picked = [picked] if isinstance(picked, str) else list(picked)
        return {"type": t, "custom_id": cid, "values": [str(_id(v)) if t != 3 else v for v in picked]}
    values.pop(cid, None)
    return None


async def _read_body(request: web.Request) -> tuple[Any, list[_Upload]]:
    if not request.body_exists:
        return None, []
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        reader = await request.multipart()
        payload: Any = None
        uploads: list[tuple[int, _Upload]] = []
        while True:
            part = await reader.next()
            if part is None:
                break
            name = part.name or ""  # type: ignore[union-attr]
            raw = await part.read()  # type: ignore[union-attr]
            if name == "payload_json":
                payload = json.loads(raw.decode())
            else:
                m = re.fullmatch(r"files?\[(\d+)\]|file(\d*)", name)
                idx = int(next((g for g in m.groups() if g), len(uploads))) if m else len(uploads)
                uploads.append(
                    (idx, _Upload(part.filename or f"file{idx}", bytes(raw),  # type: ignore[union-attr]
                                  part.headers.get("Content-Type")))  # type: ignore[union-attr]
                )
        uploads.sort(key=lambda x: x[0])
        return payload, [u for _, u in uploads]
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError as e:
        raise HTTPError(400, 50109, "The request body contains invalid JSON.") from e
