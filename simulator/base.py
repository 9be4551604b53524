"""What every surface of FakeDiscord may use: the shared state, declared once with its types, the waiting, and
the methods one surface calls on another.

FakeDiscord (server.py) is one object made of mixins, a surface each (world.py, messages.py, interactions.py,
gateway.py, http.py, routes/*.py); they read and change the same state and call each other. Every mixin derives
from FakeDiscordBase, so each sees the whole object with its types. ``FakeDiscord.__init__`` gives the state its
first values; the methods under TYPE_CHECKING are implemented by the mixin named above each group, and the type
checker holds each implementation to the signature declared here.
"""

# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import FakeDiscordError

if TYPE_CHECKING:
    import datetime as dt
    import re
    from collections import deque

    import discord
    from aiohttp import web

    from .errors import JSONDict
    from .gateway import _Session
    from .http import RequestRecord, RouteHandler, _Failure, _Upload
    from .interactions import InteractionState
    from .kinds import DEFAULT_MESSAGE
    from .world import FakeChannel, FakeGuild, FakeUser, SnowflakeFactory


class FakeDiscordBase:
    """The state and the cross-surface methods of FakeDiscord, for its mixins."""

    # ------------------------------------------------------------------ options (FakeDiscord's arguments)
    interaction_deadline: float
    #: False for load runs only: checking every message body against Discord's limits costs the fake more CPU
    #: than the bot spends on the interaction, so the fake, not the bot, would be what is measured
    validate_bodies: bool
    followup_window: float
    guild_ready_timeout: float | None
    enforce_default_member_permissions: bool
    deferred_timeout: float
    _patch: bool

    # ------------------------------------------------------------------ the world (world.py)
    #: every id the fake hands out; the sandbox swaps in one that makes the same ids every run for its world
    _snowflake: SnowflakeFactory
    bot_user: FakeUser
    application_id: int
    app_owner: FakeUser
    users: dict[int, FakeUser]
    guilds: dict[int, FakeGuild]
    channels: dict[int, FakeChannel]
    dm_channels: dict[int, FakeChannel]  # user id -> DM channel
    dms_closed: set[int]  # user ids whose DMs fail with 50007
    global_commands: list[JSONDict]
    guild_commands: dict[int, list[JSONDict]]
    command_overwrites: list[tuple[int | None, float]]  # (guild id or None, monotonic time)

    # ------------------------------------------------------------------ messages (messages.py, routes/channels.py)
    messages: dict[int, JSONDict]
    deleted_messages: dict[int, JSONDict]
    _channel_order: dict[int, list[int]]  # channel id -> its messages' ids, oldest first
    _attachments: dict[int, bytes]  # attachment id -> its bytes
    #: enforce_nonce memory: (channel id, nonce) -> (message id, monotonic time); Discord keeps it minutes
    nonce_window_seconds: float
    _nonces_seen: dict[tuple[int, str], tuple[int, float]]
    _pin_order: dict[int, int]  # message id -> the how-manyth pin it was (routes/channels.py)
    #: the time messages are stamped with; the sandbox points it at the bot's simulated clock
    now: Callable[[], dt.datetime]

    # ------------------------------------------------------------------ interactions (interactions.py)
    interactions: dict[int, InteractionState]
    _interactions_by_token: dict[str, InteractionState]

    # ------------------------------------------------------------------ HTTP (http.py)
    accepted_tokens: set[str] | None  # None: any token is accepted
    request_log: list[RequestRecord]
    unknown_routes: list[tuple[str, str]]
    rejected_requests: list[tuple[str, str, int, JSONDict]]
    _failures: list[_Failure]
    _rate_limit: float | None
    #: seconds every REST answer waits, as a round trip to Discord would (0: answer at once)
    response_delay: float
    _rl_windows: dict[str, deque[float]]
    _routes: list[tuple[str, re.Pattern[str], RouteHandler]]

    # ------------------------------------------------------------------ gateway and bots (gateway.py)
    _sessions: list[_Session]
    _resumable: dict[str, _Session]
    identify_count: int
    #: what GET /gateway/bot recommends; a bot started without a shard count runs this many shards
    recommended_shards: int
    identified_shards: list[tuple[int, int]]  # (shard id, shard count) of every IDENTIFY
    _bot_tasks: dict[int, tuple[discord.Client, asyncio.Task[None]]]

    # ------------------------------------------------------------------ the server (server.py)
    _change: asyncio.Event
    _runner: web.AppRunner | None
    _restore: Callable[[], None] | None
    port: int

    # ------------------------------------------------------------------ waiting
    def _notify(self) -> None:
        """Something changed: wake everyone waiting in _wait_until (and the sandbox page's event stream)."""
        self._change.set()
        self._change = asyncio.Event()

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

    if TYPE_CHECKING:
        # ---------------------------------------------------------------- server.py
        @property
        def root_url(self) -> str: ...
        @property
        def gateway_url(self) -> str: ...

        # ---------------------------------------------------------------- world.py
        def bot_permissions(self, channel: FakeChannel) -> int: ...
        def registered_commands(self, guild: FakeGuild | int | None = None) -> list[JSONDict]: ...
        def _dm_channel_for(self, user: FakeUser | int) -> FakeChannel: ...

        # ---------------------------------------------------------------- messages.py
        def message(self, message_id: int | str) -> JSONDict: ...
        def attachment_bytes(self, attachment_id: int) -> bytes: ...
        def find_component(self, message: Any, custom_id: str) -> JSONDict: ...
        def _resolve_message(self, message: Any) -> JSONDict: ...
        def _validate(self, body: JSONDict, files: list[_Upload], *, is_edit: bool = False) -> None: ...
        def _store_attachment(self, channel_id: int, up: _Upload, *, description: str | None = None,
                              ephemeral: bool = False) -> JSONDict: ...
        def _make_message(self, chan: FakeChannel, body: JSONDict, files: list[_Upload], *,
                          author: FakeUser | None = None, mtype: int = DEFAULT_MESSAGE) -> JSONDict: ...
        def _interaction_message(self, st: InteractionState, body: JSONDict, files: list[_Upload], *,
                                 followup: bool = False) -> JSONDict: ...
        def _store_message(self, msg: JSONDict, chan: FakeChannel) -> None: ...
        def _apply_edit(self, msg: JSONDict, body: JSONDict, files: list[_Upload], *,
                        clear_loading: bool = False, mark_edited: bool = True) -> None: ...
        def _remove_message(self, mid: int) -> None: ...

        # ---------------------------------------------------------------- interactions.py
        def _snapshot(self, st: InteractionState) -> str: ...

        # ---------------------------------------------------------------- gateway.py
        async def _session_for(self, guild: FakeGuild | None, timeout: float = 5.0) -> _Session: ...
        def _ready_sessions(self) -> list[_Session]: ...
        def _guild_event(self, guild: FakeGuild, event: str, data: JSONDict, intent: int | None = None) -> None: ...
        def _dispatch_message(self, event: str, msg: JSONDict, channel: FakeChannel) -> None: ...
