"""REST: channels and their messages, with the bot's channel permissions enforced."""

from __future__ import annotations

import copy
import time
from typing import Any

from aiohttp import web

from ..base import FakeDiscordBase
from ..errors import HTTPError, JSONDict
from ..http import _Upload
from ..kinds import NEWS_CHANNEL, PINS_ADD_MESSAGE, PUBLIC_THREAD, TEXT_CHANNEL
from ..world import (
    ATTACH_FILES,
    CREATE_PUBLIC_THREADS,
    EPHEMERAL,
    LOADING,
    MANAGE_MESSAGES,
    PIN_MESSAGES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    FakeChannel,
)


class ChannelRoutes(FakeDiscordBase):
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

    # ---- pins: Discord asks Pin Messages (since 2026 Manage Messages no longer grants it), 50 per channel ----------

    MAX_PINS = 50

    def _pinnable(self, cid: str, mid: str) -> tuple[FakeChannel, JSONDict]:
        chan = self._channel(cid)
        if not chan.is_dm:
            self._require(chan, PIN_MESSAGES)
        msg = self.messages.get(int(mid))
        if msg is None or int(msg["channel_id"]) != chan.id or msg["flags"] & EPHEMERAL:
            raise HTTPError(404, 10008, "Unknown Message")
        return chan, msg

    def pinned_messages(self, channel: FakeChannel | int) -> list[JSONDict]:
        """The channel's pinned messages, most recently pinned first (as GET .../messages/pins lists them)."""
        cid = channel.id if isinstance(channel, FakeChannel) else int(channel)
        pinned = [m for m in self._channel_order.get(cid, []) if self.messages[m].get("pinned")]
        pinned.sort(key=lambda m: self._pin_order.get(m, 0), reverse=True)
        return [copy.deepcopy(self.messages[m]) for m in pinned]

    def _pins_changed(self, chan: FakeChannel) -> None:
        if chan.guild_id is not None:
            self._guild_event(self.guilds[chan.guild_id], "CHANNEL_PINS_UPDATE",
                              {"guild_id": str(chan.guild_id), "channel_id": str(chan.id),
                               "last_pin_timestamp": self.now().isoformat()})
        self._notify()

    async def _pin_message(self, request: web.Request, cid: str, mid: str, **_: Any) -> None:
        chan, msg = self._pinnable(cid, mid)
        if msg.get("pinned"):
            return
        if len(self.pinned_messages(chan)) >= self.MAX_PINS:
            raise HTTPError(400, 30003, "Maximum number of pins reached (50)")
        self._pin_order[int(mid)] = len(self._pin_order) + 1
        msg["pinned"] = True
        self._pins_changed(chan)
        # Discord announces a pin with a system message that refers to the pinned one
        notice = self._make_message(chan, {}, [], mtype=PINS_ADD_MESSAGE)
        notice["message_reference"] = {"message_id": str(msg["id"]), "channel_id": str(chan.id)}
        if chan.guild_id is not None:
            notice["message_reference"]["guild_id"] = str(chan.guild_id)
        self._store_message(notice, chan)
        self._dispatch_message("MESSAGE_CREATE", notice, chan)

    async def _unpin_message(self, request: web.Request, cid: str, mid: str, **_: Any) -> None:
        chan, msg = self._pinnable(cid, mid)
        if msg.get("pinned"):
            msg["pinned"] = False
            self._pins_changed(chan)

    async def _get_pins(self, request: web.Request, cid: str, **_: Any) -> Any:
        chan = self._channel(cid)
        if not chan.is_dm:
            self._require(chan, VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        items = [{"pinned_at": self.now().isoformat(), "message": m} for m in self.pinned_messages(chan)]
        return {"items": items, "has_more": False}

    async def _create_thread(self, request: web.Request, cid: str, body: Any, **_: Any) -> Any:
        """POST /channels/{id}/threads: a public thread without a starter message (the bot needs Create Public
        Threads); it keeps its parent's overwrites, is known by id (not listed in the guild) and is announced
        with THREAD_CREATE."""
        parent = self._channel(cid)
        if parent.guild_id is None or parent.type not in (TEXT_CHANNEL, NEWS_CHANNEL):  # DMs have no guild
            raise HTTPError(400, 50024, "Cannot execute action on this channel type")
        self._require(parent, CREATE_PUBLIC_THREADS)
        name = str((body or {}).get("name") or "")
        if not 1 <= len(name) <= 100:
            raise HTTPError(400, 50035, "Invalid Form Body", {"name": {"_errors": [
                {"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}]}})
        thread = FakeChannel(self._snowflake(), name, PUBLIC_THREAD, guild_id=parent.guild_id, parent_id=parent.id,
                             overwrites=copy.deepcopy(parent.overwrites), owner_id=self.bot_user.id)
        self.channels[thread.id] = thread
        self._guild_event(self.guilds[parent.guild_id], "THREAD_CREATE", {**thread.to_dict(), "newly_created": True})
        return thread.to_dict()

    def threads_of(self, channel: FakeChannel) -> list[FakeChannel]:
        """The threads the bot opened under a channel, oldest first."""
        return sorted((c for c in self.channels.values() if c.is_thread and c.parent_id == channel.id),
                      key=lambda c: c.id)
