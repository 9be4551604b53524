"""The sandbox page's HTTP and push API: a person in a browser acts as a member of the simulated server.

Served by the simulator's own aiohttp app (`FakeDiscord.start(setup_app=WebUI(...).add_routes)`), beside the
Discord API the bot talks to. The page is static (simulator/static/: HTML, CSS, JS; no build step, nothing
fetched from elsewhere). It reads JSON from /ui/..., acts through the same calls the tests use (slash,
autocomplete, click, select, submit_modal), and learns of every change through server-sent events on
/ui/events, after which it reads again what it shows.

What the page may see follows Discord: the channel's messages, the picked member's own ephemeral replies,
their DMs with the bot, and the commands their permissions show them. Interactions run in the background so
a deferred reply shows "thinking…" until the bot edits it; an interaction the bot never answers becomes a
notice for that member. The clock belongs to whoever runs the bot: the page only asks it to move forward.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import datetime as dt
import json
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import discord
from aiohttp import web

from .errors import FakeDiscordError, HTTPError, JSONDict
from .interactions import InteractionResult
from .kinds import (
    AUTOCOMPLETE,
    CHAT_INPUT,
    MODAL,
    OPT_ATTACHMENT,
    OPT_BOOLEAN,
    OPT_CHANNEL,
    OPT_INTEGER,
    OPT_NUMBER,
    OPT_ROLE,
    OPT_USER,
)
from .server import FakeDiscord
from .world import ALL_PERMISSIONS, EPHEMERAL, FakeChannel, FakeGuild, FakeUser, compute_base_permissions

MANAGE_GUILD = discord.Permissions(manage_guild=True).value
STATIC = Path(__file__).resolve().parent / "static"
MESSAGE_LIMIT = 100  # the last messages of a channel the page shows


class ClockControl(Protocol):
    """The simulated time as the page sees it. Moving it never goes back."""

    def now(self) -> dt.datetime: ...

    async def advance(self, step: str) -> str:
        """Move forward by `step` ("hour", "day" or "next": to the next thing the bot has scheduled);
        return one line saying what happened."""
        ...

    async def next_scheduled(self) -> dt.datetime | None:
        """When the bot has something to do next (None: nothing scheduled)."""
        ...


@dataclass
class Notice:
    user_id: int
    text: str
    at: dt.datetime


@dataclass
class WebUI:
    """The page's API over one simulated server (`guild`) and the members a person may act as."""

    fake: FakeDiscord
    guild: FakeGuild
    members: list[FakeUser]
    clock: ClockControl
    title: str = "Sandbox"
    notices: list[Notice] = field(default_factory=list)
    _closed_modals: set[int] = field(default_factory=set)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    _closing: asyncio.Event = field(default_factory=asyncio.Event)
    version: int = 0

    # ------------------------------------------------------------------ wiring
    def add_routes(self, app: web.Application) -> None:
        app.middlewares.append(_errors)
        app.router.add_get("/", self._index)
        app.router.add_get("/favicon.ico", self._no_icon)
        app.router.add_static("/static/", STATIC, show_index=False)
        app.router.add_get("/ui/state", self._state)
        app.router.add_get("/ui/messages", self._messages)
        app.router.add_get("/ui/events", self._events)
        app.router.add_post("/ui/command", self._command)
        app.router.add_post("/ui/autocomplete", self._autocomplete)
        app.router.add_post("/ui/click", self._click)
        app.router.add_post("/ui/select", self._select)
        app.router.add_post("/ui/modal", self._modal)
        app.router.add_post("/ui/modal/close", self._modal_close)
        app.router.add_post("/ui/clock", self._clock)

    async def close(self) -> None:
        """End the push streams and wait for interactions still running (the server is about to stop)."""
        self._closing.set()
        self.fake._notify()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def changed(self) -> None:
        """Something the page shows changed outside the simulator (the clock): push it."""
        self.fake._notify()

    # ------------------------------------------------------------------ reading
    async def _index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def _no_icon(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=204)

    def _member(self, raw: Any) -> FakeUser:
        try:
            uid = int(raw)
        except (TypeError, ValueError):
            raise HTTPError(400, 0, "pick a member") from None
        for user in self.members:
            if user.id == uid:
                return user
        raise HTTPError(400, 0, "not a sandbox member")

    def _channel_for(self, raw: Any, user: FakeUser) -> FakeChannel:
        if raw in (None, "", "dm"):
            return self.fake._dm_channel_for(user)
        chan = self.fake.channels.get(int(raw))
        if chan is None:
            raise HTTPError(404, 10003, "Unknown Channel")
        if chan.is_dm and (chan.recipient is None or chan.recipient.id != user.id):
            raise HTTPError(403, 50001, "that DM belongs to another member")
        return chan

    def _hidden_commands(self, user: FakeUser) -> list[str]:
        """Commands Discord would not show this member (default_member_permissions they lack)."""
        have = compute_base_permissions(self.guild, user.id)
        hidden = []
        for cmd in self._commands():
            needed = cmd.get("default_member_permissions")
            if needed is None or have == ALL_PERMISSIONS:
                continue
            if int(needed) == 0 or int(needed) & have != int(needed):
                hidden.append(cmd["name"])
        return hidden

    def _commands(self) -> list[JSONDict]:
        commands = self.fake.registered_commands(self.guild) + self.fake.registered_commands()
        return sorted((c for c in commands if c.get("type", CHAT_INPUT) == CHAT_INPUT), key=lambda c: c["name"])

    async def _state(self, request: web.Request) -> web.Response:
        g = self.guild
        members = []
        for user in self.members:
            member = g.members[user.id]
            perms = compute_base_permissions(g, user.id)
            members.append({
                "id": str(user.id), "name": member.nick or user.global_name or user.name,
                "organizer": perms == ALL_PERMISSIONS or bool(perms & MANAGE_GUILD),
                "hidden_commands": self._hidden_commands(user),
            })
        names = {str(u.id): (g.members[u.id].nick or u.global_name or u.name) if u.id in g.members else u.name
                 for u in self.fake.users.values()}
        return _json({
            "title": self.title,
            "guild": {"id": str(g.id), "name": g.name},
            "bot": {"id": str(self.fake.bot_user.id), "name": self.fake.bot_user.name},
            "channels": [{"id": str(c.id), "name": c.name, "topic": c.topic} for c in g.text_channels],
            "roles": [{"id": str(r.id), "name": r.name} for r in g.roles.values() if r.id != g.id and not r.bot_id],
            "members": members,
            "names": names,
            "commands": self._commands(),
            "clock": await self._clock_json(),
        })

    async def _clock_json(self) -> JSONDict:
        now = self.clock.now()
        upcoming = await self.clock.next_scheduled()
        return {"now": now.isoformat(), "label": now.strftime("%a %Y-%m-%d %H:%M UTC"),
                "next": None if upcoming is None else upcoming.isoformat(),
                "next_label": None if upcoming is None else upcoming.strftime("%a %H:%M UTC")}

    async def _messages(self, request: web.Request) -> web.Response:
        user = self._member(request.query.get("viewer"))
        chan = self._channel_for(request.query.get("channel"), user)
        visible = [m for m in self.fake.messages.values()
                   if int(m["channel_id"]) == chan.id and _visible_to(m, user.id)]
        visible.sort(key=lambda m: int(m["id"]))
        modals = []
        for st in self.fake.interactions.values():
            if (st.user.id == user.id and st.response_type == MODAL and st.modal is not None
                    and st.id not in self._closed_modals):
                modals.append({"interaction": str(st.id), "modal": st.modal})
        notices = [{"text": n.text, "at": n.at.isoformat()} for n in self.notices if n.user_id == user.id][-5:]
        return _json({
            "channel": {"id": str(chan.id), "name": chan.name or "DM", "dm": chan.is_dm},
            "messages": visible[-MESSAGE_LIMIT:],
            "modals": modals,
            "notices": notices,
            "clock": await self._clock_json(),
        })

    async def _events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: one `change` event whenever the simulator's state moved (debounced by the page)."""
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
        await resp.prepare(request)
        try:
            await resp.write(b"event: change\ndata: {}\n\n")
            while not self._closing.is_set():
                event = self.fake._change
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), 15)
                if self._closing.is_set():
                    break
                self.version += 1
                await resp.write(f"event: change\ndata: {json.dumps({'v': self.version})}\n\n".encode())
                await asyncio.sleep(0.05)  # a burst of changes becomes one event
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return resp

    # ------------------------------------------------------------------ acting
    async def _body(self, request: web.Request) -> JSONDict:
        try:
            body = await request.json()
        except ValueError:
            raise HTTPError(400, 50109, "The request body contains invalid JSON.") from None
        if not isinstance(body, dict):
            raise HTTPError(400, 50109, "The request body contains invalid JSON.")
        return body

    async def _start(self, user: FakeUser, what: str,
                     coro_factory: Callable[[], Coroutine[Any, Any, Any]]) -> web.Response:
        """Run an interaction in the background; refuse at once what Discord's client would refuse."""
        task = asyncio.ensure_future(coro_factory())
        for _ in range(3):  # let it run up to its first wait for the bot, where checks have happened
            await asyncio.sleep(0)
        if task.done():
            error = task.exception()
            if error is not None:
                return _json({"error": _short(error)}, 400)
            return _json({"ok": True})
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if t.cancelled():
                return
            error = t.exception()
            if error is not None:
                self.notices.append(Notice(user.id, f"{what}: {_short(error)}", self.clock.now()))
                self.fake._notify()

        task.add_done_callback(done)
        return _json({"ok": True})

    def _option_values(self, cmd_name: str, channel: FakeChannel, raw: JSONDict) -> JSONDict:
        """The page sends strings; type them by the registered option, as Discord's client does."""
        definition = self._leaf_options(cmd_name, channel)
        values: JSONDict = {}
        for name, value in raw.items():
            opt = definition.get(name)
            if opt is None or value is None or value == "":
                continue
            kind = opt["type"]
            try:
                if kind == OPT_INTEGER:
                    values[name] = int(value)
                elif kind == OPT_NUMBER:
                    values[name] = float(value)
                elif kind == OPT_BOOLEAN:
                    values[name] = value in (True, "true", "True", "1", "yes")
                elif kind in (OPT_USER, OPT_CHANNEL, OPT_ROLE):
                    values[name] = int(value)
                elif kind == OPT_ATTACHMENT:
                    values[name] = (str(value["filename"]), base64.b64decode(value["data"]),
                                    value.get("content_type") or None)
                else:
                    values[name] = str(value)
            except (TypeError, ValueError, KeyError, binascii.Error):
                raise HTTPError(400, 0, f"option {name}: not a valid {_KIND_NAMES.get(kind, 'value')}") from None
        return values

    def _leaf_options(self, cmd_name: str, channel: FakeChannel) -> dict[str, JSONDict]:
        guild = self.guild if channel.guild_id else None
        try:
            cmd, path = self.fake._find_command(cmd_name, guild)
        except FakeDiscordError as error:
            raise HTTPError(400, 0, _short(error)) from None
        defs = cmd.get("options") or []
        for part in path:
            sub = next((o for o in defs if o["name"] == part), None)
            if sub is None:
                break
            defs = sub.get("options") or []
        return {o["name"]: o for o in defs}

    async def _command(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self._member(body.get("viewer"))
        chan = self._channel_for(body.get("channel"), user)
        name = str(body.get("name") or "").strip().lstrip("/")
        values = self._option_values(name, chan, body.get("options") or {})
        if chan.is_dm:
            return await self._start(user, f"/{name}", lambda: self.fake.slash_dm(user, name, options=values))
        return await self._start(user, f"/{name}", lambda: self.fake.slash(user, chan, name, options=values))

    async def _autocomplete(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self._member(body.get("viewer"))
        chan = self._channel_for(body.get("channel"), user)
        name = str(body.get("name") or "").strip().lstrip("/")
        focused = str(body.get("focused") or "")
        options = dict(body.get("options") or {})
        value = str(options.pop(focused, "") or "")
        values = self._option_values(name, chan, options)
        try:
            guild = self.guild if chan.guild_id else None
            data = self.fake._command_data(name, user, chan, guild, {**values, focused: value}, focused=focused)
            st = self.fake._new_interaction(AUTOCOMPLETE, user, chan, guild, data)
            result = await self.fake._run_interaction(st)
        except FakeDiscordError as error:
            return _json({"error": _short(error), "choices": []}, 400)
        return _json({"choices": result.choices or []})

    async def _click(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self._member(body.get("viewer"))
        self._check_visible(body.get("message"), user)
        message, custom_id = body.get("message"), str(body.get("custom_id"))
        return await self._start(user, "button", lambda: self.fake.click(user, message, custom_id))

    async def _select(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self._member(body.get("viewer"))
        self._check_visible(body.get("message"), user)
        message, custom_id = body.get("message"), str(body.get("custom_id"))
        picked = [str(v) for v in body.get("values") or []]
        return await self._start(user, "menu", lambda: self.fake.select(user, message, custom_id, values=picked))

    def _check_visible(self, message_id: Any, user: FakeUser) -> None:
        msg = self.fake.messages.get(int(message_id or 0))
        if msg is None or not _visible_to(msg, user.id):
            raise HTTPError(404, 10008, "Unknown Message")

    async def _modal(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self._member(body.get("viewer"))
        st = self.fake.interactions.get(int(body.get("interaction") or 0))
        if st is None or st.user.id != user.id or st.modal is None or st.id in self._closed_modals:
            raise HTTPError(404, 10062, "Unknown interaction")
        values = {str(k): v for k, v in (body.get("values") or {}).items()}
        result = InteractionResult(self.fake, st)

        async def submit() -> InteractionResult:
            outcome = await self.fake.submit_modal(user, result, values)
            return outcome

        response = await self._start(user, st.modal.get("title") or "form", submit)
        if response.status == 200:
            self._closed_modals.add(st.id)
            self.fake._notify()
        return response

    async def _modal_close(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self._member(body.get("viewer"))
        st = self.fake.interactions.get(int(body.get("interaction") or 0))
        if st is not None and st.user.id == user.id:
            self._closed_modals.add(st.id)
            self.fake._notify()
        return _json({"ok": True})

    async def _clock(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        step = str(body.get("step") or "")
        if step not in ("hour", "day", "next"):
            raise HTTPError(400, 0, "step: hour, day or next")
        said = await self.clock.advance(step)
        self.changed()
        return _json({"said": said, "clock": await self._clock_json()})

@web.middleware
async def _errors(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                  ) -> web.StreamResponse:
    """An HTTPError raised by a page handler is answered as JSON, like the API answers the bot."""
    try:
        return await handler(request)
    except HTTPError as error:
        return _json({"error": error.body["message"], "code": error.body["code"]}, error.status)


def _visible_to(msg: JSONDict, user_id: int) -> bool:
    if not msg["flags"] & EPHEMERAL:
        return True
    meta = msg.get("interaction_metadata") or {}
    return str((meta.get("user") or {}).get("id")) == str(user_id)


def _short(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "…"


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(), content_type="application/json",
                        headers={"Cache-Control": "no-store"})


_KIND_NAMES = {OPT_INTEGER: "whole number", OPT_NUMBER: "number", OPT_BOOLEAN: "true/false", OPT_USER: "member",
               OPT_CHANNEL: "channel", OPT_ROLE: "role", OPT_ATTACHMENT: "file"}
