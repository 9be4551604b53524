"""FakeDiscord: the simulator as one object, an in-process fake of Discord's REST API and gateway that the real
discord.py 2.7 client talks to, on 127.0.0.1. Each surface lives in its own module (see README.md), a mixin
deriving from FakeDiscordBase (base.py), which declares the shared state with its types; this module gives that
state its first values and holds the lifecycle and the route table."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
from collections.abc import Callable

from aiohttp import web

from .gateway import GATEWAY_PATH, GatewayMixin
from .http import API_PREFIX, HttpMixin
from .interactions import InteractionsMixin
from .messages import MessagesMixin
from .patching import patch_discord
from .routes.channels import ChannelRoutes
from .routes.commands import CommandRoutes
from .routes.guilds import GuildRoutes
from .routes.interactions import InteractionRoutes
from .routes.users import UserRoutes
from .world import FakeUser, SnowflakeFactory, WorldMixin


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
        # what each attribute holds, and its type: FakeDiscordBase (base.py)
        self.interaction_deadline = interaction_deadline
        self.validate_bodies = validate_bodies
        self.followup_window = followup_window
        self.guild_ready_timeout = guild_ready_timeout
        self.enforce_default_member_permissions = enforce_default_member_permissions
        self.deferred_timeout = deferred_timeout
        self._patch = patch
        self._snowflake = SnowflakeFactory()

        self.bot_user = FakeUser(self._snowflake(), bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.app_owner = FakeUser(self._snowflake(), "app-owner")
        self.users = {self.bot_user.id: self.bot_user, self.app_owner.id: self.app_owner}
        self.guilds = {}
        self.channels = {}
        self.dm_channels = {}
        self.messages = {}
        self.nonce_window_seconds = 5 * 60.0
        self._nonces_seen = {}
        self._channel_order = {}
        self.deleted_messages = {}
        self._pin_order = {}
        self._attachments = {}
        self.global_commands = []
        self.guild_commands = {}
        self.command_overwrites = []
        self.interactions = {}
        self._interactions_by_token = {}
        self.dms_closed = set()
        self.accepted_tokens = None

        self.request_log = []
        self.unknown_routes = []
        self.rejected_requests = []
        self._failures = []
        self._rate_limit = None
        self.response_delay = 0.0
        self._rl_windows = {}

        self._sessions = []
        self._resumable = {}
        self.identify_count = 0
        self.recommended_shards = 1
        self.identified_shards = []
        self._bot_tasks = {}
        self._change = asyncio.Event()
        self._runner = None
        self._restore = None
        self.port = 0
        self._routes = []
        self.now = lambda: dt.datetime.now(dt.UTC)
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
        self.port = self._runner.addresses[0][1]  # the one site's (host, port)
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

