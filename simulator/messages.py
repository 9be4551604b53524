"""The message store: every message and attachment the bot or a member posted, in channel order, with edits,
deletes and the events they dispatch; and reading it back (what tests and the page see)."""

# ruff: noqa: ASYNC109

from __future__ import annotations

import copy
import mimetypes
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .base import FakeDiscordBase
from .checks import is_empty_message, validate_message
from .errors import FakeDiscordError, HTTPError, JSONDict
from .http import _Upload
from .kinds import BUTTON, COMMAND, COMMAND_MESSAGE, DEFAULT_MESSAGE, REPLY_MESSAGE
from .world import (
    EPHEMERAL,
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MESSAGES,
    LOADING,
    FakeChannel,
    FakeUser,
    object_id,
)

if TYPE_CHECKING:
    from .interactions import InteractionState

def _walk_components(components: list[JSONDict]) -> Iterable[JSONDict]:
    for comp in components:
        yield comp
        yield from _walk_components(comp.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                yield from _walk_components([comp[key]])



class MessagesMixin(FakeDiscordBase):
    """Stored messages: create, edit, delete, attachments, and the read side."""

    # ------------------------------------------------------------------ inspection
    def channel_messages(self, channel_id: int | FakeChannel) -> list[JSONDict]:
        """Current (edited) non-ephemeral messages of a channel, oldest first."""
        return [copy.deepcopy(self.messages[m]) for m in self._channel_order.get(object_id(channel_id), [])]

    def dm_messages(self, user_id: int | FakeUser) -> list[JSONDict]:
        chan = self.dm_channels.get(object_id(user_id))
        return [] if chan is None else self.channel_messages(chan.id)

    def message(self, message_id: int | str) -> JSONDict:
        mid = int(message_id)
        if mid in self.messages:
            return copy.deepcopy(self.messages[mid])
        if mid in self.deleted_messages:
            raise KeyError(f"message {mid} was deleted")
        raise KeyError(f"unknown message {mid}")

    def delete_message(self, message_id: int | str) -> None:
        """A member or moderator deletes a message in the client: MESSAGE_DELETE, and 10008 from REST after."""
        self._remove_message(int(message_id))

    def attachment_bytes(self, attachment_id: int) -> bytes:
        return self._attachments[int(attachment_id)]

    def message_attachments(self, message: JSONDict | int) -> list[tuple[str, bytes]]:
        msg = self.message(message["id"] if isinstance(message, dict) else message)
        return [(a["filename"], self._attachments[int(a["id"])]) for a in msg["attachments"]]

    def find_component(self, message: Any, custom_id: str) -> JSONDict:
        msg = self._resolve_message(message)
        for comp in _walk_components(msg["components"]):
            if comp.get("custom_id") == custom_id:
                return comp
        ids = [c.get("custom_id") for c in _walk_components(msg["components"]) if c.get("custom_id")]
        raise FakeDiscordError(f"no component with custom_id {custom_id!r} on message {msg['id']} (has {ids})")

    def find_button(self, message: Any, label: str | None = None, *, emoji: str | None = None) -> str:
        """custom_id of the first button whose label equals ``label`` (or contains it, as a fallback)."""
        msg = self._resolve_message(message)
        buttons = [c for c in _walk_components(msg["components"]) if c.get("type") == BUTTON]
        for exact in (True, False):
            for b in buttons:
                blabel = b.get("label") or ""
                if label is not None and not (blabel == label if exact else label in blabel):
                    continue
                if emoji is not None and (b.get("emoji") or {}).get("name") != emoji:
                    continue
                if b.get("custom_id"):
                    return str(b["custom_id"])
        labels = [b.get("label") for b in buttons]
        raise FakeDiscordError(f"no button labelled {label!r} on message {msg['id']} (buttons: {labels})")

    async def wait_for_message(
        self,
        predicate: Callable[[JSONDict], bool] | None = None,
        *,
        channel: FakeChannel | int | None = None,
        timeout: float = 10.0,
    ) -> JSONDict:
        """Wait for a (new or existing) stored message matching ``predicate`` (optionally in ``channel``)."""
        found: list[JSONDict] = []

        def ok() -> bool:
            for msg in self.messages.values():
                if channel is not None and int(msg["channel_id"]) != object_id(channel):
                    continue
                if predicate is None or predicate(msg):
                    found.append(copy.deepcopy(msg))
                    return True
            return False

        await self._wait_until(ok, timeout, "a matching message")
        return found[0]

    def _resolve_message(self, message: Any) -> JSONDict:
        from .interactions import InteractionResult  # the read side of interactions builds on this module

        if isinstance(message, InteractionResult):
            message = message.message
            if message is None:
                raise FakeDiscordError("that interaction result has no message")
        mid = int(message["id"]) if isinstance(message, dict) else int(message)
        if mid not in self.messages:
            raise FakeDiscordError(f"unknown or deleted message {mid}")
        return self.messages[mid]

    # ------------------------------------------------------------------ message helpers
    def _validate(self, body: JSONDict, files: list[_Upload], *, is_edit: bool = False) -> None:
        if not self.validate_bodies:
            return
        errors = validate_message(body, has_files=bool(files), is_edit=is_edit)
        if errors:
            raise HTTPError(400, 50035, "Invalid Form Body", errors.tree)
        if not is_edit and is_empty_message(body, bool(files)):
            raise HTTPError(400, 50006, "Cannot send an empty message")

    def _store_attachment(self, channel_id: int, up: _Upload, *, description: str | None = None,
                          ephemeral: bool = False) -> JSONDict:
        aid = self._snowflake()
        self._attachments[aid] = up.data
        url = f"{self.root_url}/attachments/{channel_id}/{aid}/{up.filename}"
        att: JSONDict = {
            "id": str(aid),
            "filename": up.filename,
            "size": len(up.data),
            "url": url,
            "proxy_url": url,
            "content_type": up.content_type or mimetypes.guess_type(up.filename)[0] or "application/octet-stream",
        }
        if description:
            att["description"] = description
        if ephemeral:
            att["ephemeral"] = True
        return att

    def _new_attachments(self, channel_id: int, body: JSONDict, files: list[_Upload]) -> list[JSONDict]:
        meta = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
        out = []
        for i, up in enumerate(files):
            m = meta.get(str(i), {})
            up.filename = m.get("filename") or up.filename
            out.append(self._store_attachment(channel_id, up, description=m.get("description")))
        return out

    def _make_message(self, chan: FakeChannel, body: JSONDict, files: list[_Upload], *,
                      author: FakeUser | None = None, mtype: int = DEFAULT_MESSAGE) -> JSONDict:
        author = author or self.bot_user
        content = body.get("content") or ""
        embeds = [{"type": "rich", **e} for e in (body.get("embeds") or ([body["embed"]] if body.get("embed")
                                                                         else []))]
        mentions = []
        for uid in re.findall(r"<@!?(\d+)>", content):
            if int(uid) in self.users:
                mentions.append(self.users[int(uid)].to_dict())
        msg: JSONDict = {
            "id": str(self._snowflake()),
            "type": mtype,
            "channel_id": str(chan.id),
            "author": author.to_dict(),
            "content": content,
            "timestamp": self.now().isoformat(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": mentions,
            "mention_roles": [],
            "mention_channels": [],
            "attachments": self._new_attachments(chan.id, body, files),
            "embeds": embeds,
            "reactions": [],
            "pinned": False,
            "flags": int(body.get("flags") or 0),
            "components": copy.deepcopy(body.get("components") or []),
            "stickers": [],
            "sticker_items": [],
        }
        if body.get("nonce") is not None:
            msg["nonce"] = body["nonce"]
        if body.get("message_reference"):
            ref = dict(body["message_reference"])
            ref.setdefault("channel_id", str(chan.id))
            msg["message_reference"] = ref
            msg["type"] = 19
            ref_msg = self.messages.get(int(ref.get("message_id", 0)))
            msg["referenced_message"] = copy.deepcopy(ref_msg)
        if body.get("poll"):
            msg["poll"] = body["poll"]
        return msg

    def _interaction_message(self, st: InteractionState, body: JSONDict, files: list[_Upload], *,
                             followup: bool = False) -> JSONDict:
        mtype = COMMAND_MESSAGE if st.type == COMMAND and not followup else (
            DEFAULT_MESSAGE if followup else REPLY_MESSAGE)
        msg = self._make_message(st.channel, body, files, mtype=mtype)
        msg["webhook_id"] = str(self.application_id)
        msg["application_id"] = str(self.application_id)
        meta: JSONDict = {
            "id": str(st.id),
            "type": st.type,
            "user": st.user.to_dict(),
            "authorizing_integration_owners": st.payload.get("authorizing_integration_owners", {}),
        }
        if st.type == COMMAND:
            meta["name"] = st.payload["data"]["name"]
            msg["interaction"] = {"id": str(st.id), "type": COMMAND, "name": meta["name"], "user": st.user.to_dict()}
        if st.source_message_id is not None:
            meta["interacted_message_id"] = str(st.source_message_id)
        if followup and st.original_id is not None:
            meta["original_response_message_id"] = str(st.original_id)
        msg["interaction_metadata"] = meta
        self._store_message(msg, st.channel)
        self._dispatch_message("MESSAGE_CREATE", msg, st.channel)
        return msg

    def _store_message(self, msg: JSONDict, chan: FakeChannel) -> None:
        mid = int(msg["id"])
        self.messages[mid] = msg
        if not msg["flags"] & EPHEMERAL:
            self._channel_order.setdefault(chan.id, []).append(mid)
            chan.last_message_id = mid
        self._notify()

    def _apply_edit(self, msg: JSONDict, body: JSONDict, files: list[_Upload], *, clear_loading: bool = False,
                    mark_edited: bool = True) -> None:
        if "content" in body:
            msg["content"] = body["content"] or ""
        if "embeds" in body:
            msg["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
        elif "embed" in body:
            msg["embeds"] = [{"type": "rich", **body["embed"]}] if body["embed"] else []
        if "components" in body:
            msg["components"] = copy.deepcopy(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            keep = msg["flags"] & (EPHEMERAL | LOADING)
            msg["flags"] = (int(body["flags"]) & ~(EPHEMERAL | LOADING)) | keep
        if "attachments" in body or files:
            if "attachments" in body:
                keep_ids = {str(a.get("id")) for a in body["attachments"] or [] if isinstance(a, dict)}
                kept = [a for a in msg["attachments"] if a["id"] in keep_ids]
            else:
                kept = list(msg["attachments"])
            msg["attachments"] = kept + self._new_attachments(int(msg["channel_id"]), body, files)
        if clear_loading:
            msg["flags"] &= ~LOADING
        if mark_edited:
            msg["edited_timestamp"] = self.now().isoformat()
        self._notify()

    def _remove_message(self, mid: int) -> None:
        msg = self.messages.pop(mid)
        self.deleted_messages[mid] = msg
        chan = self.channels[int(msg["channel_id"])]
        order = self._channel_order.get(chan.id, [])
        if mid in order:
            order.remove(mid)
        if not msg["flags"] & EPHEMERAL:
            data = {"id": str(mid), "channel_id": str(chan.id)}
            for sess in self._ready_sessions():
                intent = INTENT_DIRECT_MESSAGES if chan.is_dm else INTENT_GUILD_MESSAGES
                if sess.intents & intent:
                    payload = {**data, "guild_id": str(chan.guild_id)} if chan.guild_id else data
                    sess.dispatch("MESSAGE_DELETE", payload)
        self._notify()


