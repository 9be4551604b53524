"""FakeDiscord: the simulator as one object, an in-process fake of Discord's REST API and gateway that the real
discord.py 2.7 client talks to, on 127.0.0.1. Each surface lives in its own module (see README.md); this
module holds the shared state, the lifecycle and the waiting."""

# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import re
from collections import deque
from collections.abc import Callable

import discord
from aiohttp import web

from .errors import FakeDiscordError, JSONDict
from .gateway import GATEWAY_PATH, GatewayMixin, _Session
from .http import API_PREFIX, HttpMixin, RequestRecord, RouteHandler, _Failure
from .interactions import InteractionsMixin, InteractionState
from .messages import MessagesMixin
from .patching import patch_discord
from .routes.channels import ChannelRoutes
from .routes.commands import CommandRoutes
from .routes.guilds import GuildRoutes
from .routes.interactions import InteractionRoutes
from .routes.users import UserRoutes
from .world import FakeChannel, FakeGuild, FakeUser, SnowflakeFactory, WorldMixin


class FakeDiscord(WorldMixin, MessagesMixin, InteractionsMixin, GatewayMixin, HttpMixin,
                  UserRoutes, CommandRoutes, GuildRoutes, ChannelRoutes, InteractionRoutes):
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
        validate_bodies: bool = True,
    ) -> None:
        self.interaction_deadline = interaction_deadline
        # False for load runs only: checking every message body against Discord's limits costs the fake more
        # CPU than the bot spends on the interaction, so the fake, not the bot, would be what is measured
        self.validate_bodies = validate_bodies
        self.followup_window = followup_window
        self.guild_ready_timeout = guild_ready_timeout
        self.enforce_default_member_permissions = enforce_default_member_permissions
        self.deferred_timeout = deferred_timeout
        self._patch = patch
        self._snowflake: Callable[[], int] = SnowflakeFactory()  # the sandbox swaps in fixed ids for its world

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
        self._pin_order: dict[int, int] = {}  # message id -> when it was pinned (routes/channels.py)
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
        #: seconds every REST answer waits, as a round trip to Discord would (0: answer at once)
        self.response_delay = 0.0
        self._rl_windows: dict[str, deque[float]] = {}

        self._sessions: list[_Session] = []
        self._resumable: dict[str, _Session] = {}
        self.identify_count = 0
        #: what GET /gateway/bot recommends; a bot started without a shard count runs this many shards
        self.recommended_shards = 1
        self.identified_shards: list[tuple[int, int]] = []  # (shard id, shard count) of every IDENTIFY
        self._bot_tasks: dict[int, tuple[discord.Client, asyncio.Task[None]]] = {}
        self._change = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._restore: Callable[[], None] | None = None
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], RouteHandler]] = []
        #: the time messages are stamped with; the sandbox points it at the bot's simulated clock
        self.now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
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

    async def start(self, port: int = 0, *, setup_app: Callable[[web.Application], None] | None = None) -> None:
        """Serve on 127.0.0.1:`port` (0: any free port). `setup_app` may add routes (the sandbox's page) before
        the catch-all that answers like Discord."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        if setup_app is not None:
            setup_app(app)
        app.router.add_get(GATEWAY_PATH, self._gateway_handler)
        app.router.add_get(GATEWAY_PATH + "/", self._gateway_handler)
        app.router.add_route("*", "/{tail:.*}", self._http_handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
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

    # ------------------------------------------------------------------ waiting
    def _notify(self) -> None:
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
        r("GET", r"/channels/(?P<cid>\d+)/messages/pins", self._get_pins)
        r("PUT", r"/channels/(?P<cid>\d+)/messages/pins/(?P<mid>\d+)", self._pin_message)
        r("DELETE", r"/channels/(?P<cid>\d+)/messages/pins/(?P<mid>\d+)", self._unpin_message)
        r("POST", r"/channels/(?P<cid>\d+)/typing", self._typing)
        r("POST", r"/channels/(?P<cid>\d+)/threads", self._create_thread)
        r("GET", r"/guilds/(?P<gid>\d+)", self._get_guild)
        r("GET", r"/guilds/(?P<gid>\d+)/channels", self._get_guild_channels)
        r("GET", r"/guilds/(?P<gid>\d+)/roles", self._get_guild_roles)
        r("GET", r"/guilds/(?P<gid>\d+)/members", self._get_guild_members)
        r("GET", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)", self._get_guild_member)
        r("PUT", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)/roles/(?P<rid>\d+)", self._put_member_role)
        r("DELETE", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)/roles/(?P<rid>\d+)", self._delete_member_role)
        r("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", self._interaction_callback)
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        r("POST", hook, self._webhook_execute)
        r("GET", hook + r"/messages/(?P<mid>@original|\d+)", self._webhook_get)
        r("PATCH", hook + r"/messages/(?P<mid>@original|\d+)", self._webhook_edit)
        r("DELETE", hook + r"/messages/(?P<mid>@original|\d+)", self._webhook_delete)

