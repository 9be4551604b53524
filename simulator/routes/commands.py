"""REST: application commands, global and per guild (bulk overwrite keeps ids stable)."""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from aiohttp import web

from ..base import FakeDiscordBase
from ..checks import FormErrors
from ..errors import HTTPError, JSONDict
from ..kinds import CHAT_INPUT


class CommandRoutes(FakeDiscordBase):
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
        ctype = int(cmd.get("type", CHAT_INPUT))
        if not isinstance(name, str) or not re.fullmatch(r"[-_\w]{1,32}", name) or (
            ctype == CHAT_INPUT and name != name.lower()
        ):
            errors.add(["name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if ctype == CHAT_INPUT:
            desc = cmd.get("description") or ""
            if not 1 <= len(desc) <= 100:
                errors.add(["description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if len(cmd.get("options") or []) > 25:
            errors.add(["options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        if errors:
            raise HTTPError(400, 50035, "Invalid Form Body", errors.tree)
        prev = next((c for c in existing if c["name"] == name and c.get("type", CHAT_INPUT) == ctype), None)
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

