"""Interactions: acting as a member (slash commands, autocomplete, buttons, selects, modals), the payloads
Discord would send, the bot's callbacks (with the 3-second deadline and the single acknowledgement) and
follow-ups, and what a test reads back (`InteractionResult`)."""

# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import copy
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .base import FakeDiscordBase
from .errors import FakeDiscordError, JSONDict
from .http import _Upload
from .kinds import (
    ACTION_ROW,
    AUTOCOMPLETE,
    CHAT_INPUT,
    CHOICES,
    COMMAND,
    COMPONENT,
    DEFERRED,
    DEFERRED_UPDATE,
    LABEL,
    MODAL_SUBMIT,
    OPT_ATTACHMENT,
    OPT_BOOLEAN,
    OPT_CHANNEL,
    OPT_INTEGER,
    OPT_NUMBER,
    OPT_ROLE,
    OPT_STRING,
    OPT_USER,
    SELECTS,
    STRING_SELECT,
    SUBCOMMANDS,
    TEXT_INPUT,
    UPDATE,
)
from .world import (
    ALL_PERMISSIONS,
    EPHEMERAL,
    LOADING,
    VIEW_CHANNEL,
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    compute_base_permissions,
    compute_channel_permissions,
    object_id,
)


@dataclass
class InteractionState:
    id: int
    token: str
    type: int  # a discord.InteractionType value (kinds.COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT)
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


class InteractionResult:
    """What the bot answered to one interaction. Properties always read the fake's *current* state."""

    def __init__(self, fake: FakeDiscordBase, state: InteractionState) -> None:
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
        if st.response_type in (DEFERRED_UPDATE, UPDATE) and st.source_message_id is not None:
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





def _fill_modal_component(comp: JSONDict, values: dict[str, Any]) -> JSONDict | None:
    t = comp.get("type")
    if t == ACTION_ROW:
        children = [_fill_modal_component(c, values) for c in comp.get("components") or []]
        kept = [c for c in children if c is not None]
        return {"type": ACTION_ROW, "components": kept} if kept else None
    if t == LABEL:
        child = _fill_modal_component(comp["component"], values)
        if child is None:
            return None
        out: JSONDict = {"type": LABEL, "component": child}
        if "id" in comp:
            out["id"] = comp["id"]
        return out
    cid = comp.get("custom_id")
    if cid is None:
        return None
    if t == TEXT_INPUT:
        value = values.pop(cid, comp.get("value") or "")
        if not isinstance(value, str):
            raise FakeDiscordError(f"text input {cid!r} takes a str")
        if comp.get("required", True) and not value:
            raise FakeDiscordError(f"text input {cid!r} is required")
        if value and "min_length" in comp and len(value) < comp["min_length"]:
            raise FakeDiscordError(f"text input {cid!r} is shorter than {comp['min_length']}")
        if "max_length" in comp and len(value) > comp["max_length"]:
            raise FakeDiscordError(f"text input {cid!r} is longer than {comp['max_length']}")
        return {"type": TEXT_INPUT, "custom_id": cid, "value": value}
    if t in SELECTS:
        picked = values.pop(cid, [])
        picked = [picked] if isinstance(picked, str) else list(picked)
        return {"type": t, "custom_id": cid, "values": [str(object_id(v)) if t != STRING_SELECT else v for v in picked]}
    values.pop(cid, None)
    return None



class InteractionsMixin(FakeDiscordBase):
    """Members acting through the bot's commands and components."""

    async def wait_for_commands(
        self, guild: FakeGuild | int | None = None, *, timeout: float = 10.0, new: bool = False
    ) -> list[JSONDict]:
        """Wait until a bulk overwrite of app commands arrived: for ``guild`` if given, else any (global or
        guild). ``new=True`` ignores overwrites received before this call. Returns the registered commands."""
        start = time.monotonic() if new else -1.0
        gid = None if guild is None else object_id(guild)

        def ok() -> bool:
            return any(t >= start and (gid is None or g == gid) for g, t in self.command_overwrites)

        await self._wait_until(ok, timeout, "an application command bulk overwrite")
        if gid is not None:
            return self.registered_commands(gid)
        last = [g for g, t in self.command_overwrites if t >= start][-1]
        return self.registered_commands(last)

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
        st = self._new_interaction(COMMAND, user, channel, g, data, locale=locale)
        return await self._run_interaction(st)

    async def slash_dm(
        self, user: FakeUser, name: str, /, *, locale: str = "en-US", options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> InteractionResult:
        chan = self._dm_channel_for(user)
        values = {**kwargs, **(options or {})}
        data = self._command_data(name, user, chan, None, values, focused=None)
        st = self._new_interaction(COMMAND, user, chan, None, data, locale=locale)
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
        st = self._new_interaction(AUTOCOMPLETE, user, channel, g, data)
        result = await self._run_interaction(st)
        if result.type != CHOICES:
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
        if ctype not in SELECTS:
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
        if ctype == STRING_SELECT:
            allowed = [o["value"] for o in comp.get("options", [])]
            for v in values:
                if v not in allowed:
                    raise FakeDiscordError(f"{v!r} is not an option of select {custom_id!r} ({allowed})")
            data["values"] = values
        else:
            resolved: JSONDict = {}
            data["values"] = [str(object_id(v)) for v in values]
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
        st = self._new_interaction(MODAL_SUBMIT, user, chan, guild, data)
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

    def _find_command(self, name: str, guild: FakeGuild | None) -> tuple[JSONDict, list[str]]:
        parts = name.split()
        pools: list[list[JSONDict]] = []
        if guild is not None:
            pools.append(self.guild_commands.get(guild.id, []))
        pools.append(self.global_commands)
        for pool in pools:
            for cmd in pool:
                if cmd["name"] == parts[0] and cmd.get("type", CHAT_INPUT) == CHAT_INPUT:
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
            sub = next((o for o in defs if o["name"] == part and o["type"] in SUBCOMMANDS), None)
            if sub is None:
                subs = [o["name"] for o in defs if o["type"] in SUBCOMMANDS]
                raise FakeDiscordError(f"/{' '.join([cmd['name'], *path[:i]])} has no subcommand {part!r}: {subs}")
            node: JSONDict = {"name": part, "type": sub["type"], "options": []}
            holder.append(node)
            holder = node["options"]
            defs = sub.get("options") or []
        if any(o["type"] in SUBCOMMANDS for o in defs):
            subs = [o["name"] for o in defs if o["type"] in SUBCOMMANDS]
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
        data: JSONDict = {"id": cmd["id"], "name": cmd["name"], "type": CHAT_INPUT, "options": top_options}
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

        if t == OPT_STRING:
            if not isinstance(value, str):
                raise bad(f"expected str, got {value!r}")
            if "min_length" in opt and len(value) < opt["min_length"]:
                raise bad(f"shorter than {opt['min_length']}")
            if "max_length" in opt and len(value) > opt["max_length"]:
                raise bad(f"longer than {opt['max_length']}")
        elif t == OPT_INTEGER:
            if isinstance(value, bool) or not isinstance(value, int):
                raise bad(f"expected int, got {value!r}")
        elif t == OPT_NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise bad(f"expected number, got {value!r}")
        elif t == OPT_BOOLEAN and not isinstance(value, bool):
            raise bad(f"expected bool, got {value!r}")
        if t in (OPT_INTEGER, OPT_NUMBER):
            if "min_value" in opt and value < opt["min_value"]:
                raise bad(f"{value} < min_value {opt['min_value']}")
            if "max_value" in opt and value > opt["max_value"]:
                raise bad(f"{value} > max_value {opt['max_value']}")
        if t in (OPT_STRING, OPT_INTEGER, OPT_NUMBER) and opt.get("choices"):
            allowed = [c["value"] for c in opt["choices"]]
            if value not in allowed:
                raise bad(f"{value!r} is not one of the choices {allowed}")
        if t in (OPT_STRING, OPT_INTEGER, OPT_BOOLEAN, OPT_NUMBER):
            return value
        if t == OPT_ATTACHMENT:
            if isinstance(value, tuple | list):
                filename, raw = value[0], value[1]
                ctype = value[2] if len(value) > 2 else None
            else:
                raise bad("attachment options take (filename, bytes[, content_type])")
            att = self._store_attachment(channel.id, _Upload(filename, bytes(raw), ctype), ephemeral=True)
            resolved.setdefault("attachments", {})[att["id"]] = att
            return att["id"]
        if t == OPT_USER and not isinstance(value, FakeUser | int):
            raise bad(f"expected a FakeUser, got {value!r}")
        if t == OPT_CHANNEL and not isinstance(value, FakeChannel | int):
            raise bad(f"expected a FakeChannel, got {value!r}")
        if t == OPT_CHANNEL and opt.get("channel_types"):
            chan = value if isinstance(value, FakeChannel) else self.channels[int(value)]
            if chan.type not in opt["channel_types"]:
                raise bad(f"channel type {chan.type} not in {opt['channel_types']}")
        if t == OPT_ROLE and not isinstance(value, FakeRole | int):
            raise bad(f"expected a FakeRole, got {value!r}")
        self._resolve_into(resolved, value, guild, channel)
        return str(object_id(value))

    def _resolve_into(self, resolved: JSONDict, value: Any, guild: FakeGuild | None, channel: FakeChannel) -> None:
        vid = object_id(value)
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
        st = self._new_interaction(COMPONENT, user, chan, guild, data)
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
        if st.response_type == DEFERRED:
            def done() -> bool:
                orig = self.messages.get(st.original_id or 0)
                return bool(st.followup_ids) or (orig is not None and not orig["flags"] & LOADING)

            await self._wait_until(done, self.deferred_timeout, "the edit/follow-up after a deferred response")
        return result

    def _snapshot(self, st: InteractionState) -> str:
        ids = [st.original_id, *st.followup_ids, st.source_message_id]
        return json.dumps(
            [st.response_type, st.modal, st.choices, [self.messages.get(i or 0) for i in ids]], sort_keys=True
        )

