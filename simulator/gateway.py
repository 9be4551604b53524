"""The gateway: HELLO, IDENTIFY, READY and GUILD_CREATE, heartbeats, RESUME, member chunks, and the events
the simulator dispatches to connected bots (by intent and shard). Also running bots in this event loop."""

# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import secrets
import time
from typing import Any

import discord
from aiohttp import WSMsgType, web

from .base import FakeDiscordBase
from .errors import FakeDiscordError, JSONDict
from .world import (
    EPHEMERAL,
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MESSAGES,
    INTENT_MESSAGE_CONTENT,
    FakeChannel,
    FakeGuild,
)

GATEWAY_PATH = "/gateway"



class _Session:
    def __init__(self, fake: FakeDiscordBase, ws: web.WebSocketResponse) -> None:
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



class GatewayMixin(FakeDiscordBase):
    """Gateway sessions and the bots this process runs against the simulator."""

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

    async def wait_for_session(self, timeout: float = 10.0) -> None:
        """Wait until some bot (maybe in another process) identified and got READY + GUILD_CREATEs."""
        await self._wait_until(lambda: bool(self._ready_sessions()), timeout, "a gateway session")

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close every gateway connection with ``code`` (4000 → the client tries to RESUME)."""
        for sess in list(self._sessions):
            self._resumable[sess.session_id] = sess
            await self._close_session(sess, code=code)

    async def _session_for(self, guild: FakeGuild | None, timeout: float = 5.0) -> _Session:
        # a guild's events go to the shard that owns it, (guild_id >> 22) % count; DMs go to shard 0, as on Discord
        owner = 0 if guild is None else guild.id

        def pick() -> _Session | None:
            for sess in reversed(self._ready_sessions()):
                if sess.wants_guild(owner):
                    return sess
            return None

        await self._wait_until(lambda: pick() is not None, timeout, "a connected bot (gateway session)")
        sess = pick()
        assert sess is not None
        return sess

    def _ready_sessions(self) -> list[_Session]:
        return [s for s in self._sessions if s.ready and not s.closed]

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
        d: Any = payload.get("d")  # the op's data: a dict for IDENTIFY, RESUME and member requests
        if op == 1:
            sess.send(11, None)
        elif op == 2:
            token = str(d.get("token", "")).removeprefix("Bot ")
            if self.accepted_tokens is not None and token not in self.accepted_tokens:
                await sess.ws.close(code=4004, message=b"Authentication failed.")
                return
            shard = d.get("shard")
            if shard is not None:
                # Discord closes with 4010 for a shard that is not [id, count] with 0 <= id < count
                valid = (isinstance(shard, list) and len(shard) == 2 and all(isinstance(n, int) for n in shard)
                         and 0 <= shard[0] < shard[1])
                if not valid:
                    await sess.ws.close(code=4010, message=b"Invalid shard.")
                    return
                sess.shard = (shard[0], shard[1])
            self.identify_count += 1
            self.identified_shards.append(sess.shard)
            sess.token = token
            sess.intents = int(d.get("intents", 0))
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

