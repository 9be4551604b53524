"""REST: the bot's user, other users, the application, the gateway URL and DM channels."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..base import FakeDiscordBase
from ..errors import HTTPError, JSONDict


class UserRoutes(FakeDiscordBase):
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
        """The gateway URL, the shard count Discord recommends (`recommended_shards`, 1 unless a test sets it) and
        the identify budget, in the shape of the API's GatewayBotResponse."""
        total = 1000
        return {
            "url": self.gateway_url,
            "shards": self.recommended_shards,
            "session_start_limit": {"total": total, "remaining": max(total - self.identify_count, 0),
                                    "reset_after": 86_400_000, "max_concurrency": 1},
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

