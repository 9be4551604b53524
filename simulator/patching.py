"""Point discord.py at a :class:`FakeDiscord` server instead of discord.com.

``patch_discord`` is process-global (it edits class attributes) so it is also usable in a subprocess, see
``run_bot.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
import discord.asset
import discord.gateway
import discord.http
import discord.state
import yarl

_ORIGINAL_STATE_INIT = discord.state.ConnectionState.__init__


def patch_discord(
    base_url: str,
    gateway_url: str,
    *,
    cdn_url: str | None = None,
    guild_ready_timeout: float | None = None,
) -> Callable[[], None]:
    """Patch discord.py so REST goes to ``base_url`` (e.g. ``http://127.0.0.1:PORT/api/v10``) and the gateway
    to ``gateway_url`` (``ws://127.0.0.1:PORT/gateway``).

    ``guild_ready_timeout``, when given, becomes the *default* of the ``guild_ready_timeout`` client option
    (a bot that passes its own value keeps it); discord.py's default is 2 s, which makes every ``on_ready``
    two seconds late.

    Returns a function that undoes the patch.
    """
    route_cls = discord.http.Route
    ws_cls = discord.gateway.DiscordWebSocket
    saved: dict[str, Any] = {
        "route": route_cls.__dict__.get("BASE"),
        "gateway": ws_cls.__dict__.get("DEFAULT_GATEWAY"),
        "asset": discord.asset.Asset.__dict__.get("BASE"),
        "state_init": discord.state.ConnectionState.__init__,
    }
    route_cls.BASE = base_url.rstrip("/")
    ws_cls.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    if cdn_url is None:
        cdn_url = str(yarl.URL(base_url).with_path("/cdn"))
    discord.asset.Asset.BASE = cdn_url.rstrip("/")

    if guild_ready_timeout is not None:
        timeout = float(guild_ready_timeout)

        def state_init(self: Any, *args: Any, **options: Any) -> None:
            options.setdefault("guild_ready_timeout", timeout)
            _ORIGINAL_STATE_INIT(self, *args, **options)

        discord.state.ConnectionState.__init__ = state_init  # type: ignore[method-assign]

    def restore() -> None:
        route_cls.BASE = saved["route"]
        ws_cls.DEFAULT_GATEWAY = saved["gateway"]
        discord.asset.Asset.BASE = saved["asset"]
        discord.state.ConnectionState.__init__ = saved["state_init"]  # type: ignore[method-assign]

    return restore
