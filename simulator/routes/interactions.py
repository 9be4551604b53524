"""REST: interaction callbacks (deadline, one acknowledgement, callback types by interaction type) and the
interaction webhooks (follow-ups, @original edits) within the follow-up window."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from aiohttp import web

from ..base import FakeDiscordBase
from ..checks import FormErrors
from ..errors import HTTPError, JSONDict
from ..http import _Upload
from ..interactions import InteractionState
from ..kinds import (
    ALLOWED_CALLBACKS,
    CHOICES,
    DEFERRED,
    DEFERRED_UPDATE,
    MODAL,
    MODAL_SUBMIT,
    REPLY,
    UPDATE,
)
from ..world import EPHEMERAL, LOADING


class InteractionRoutes(FakeDiscordBase):
    async def _interaction_callback(self, request: web.Request, iid: str, token: str, body: Any,
                                    files: list[_Upload], **_: Any) -> Any:
        st = self.interactions.get(int(iid))
        if st is None or st.token != token:
            raise HTTPError(404, 10062, "Unknown interaction")
        try:
            return await self._handle_callback(request, st, body or {}, files)
        except HTTPError as e:
            st.errors.append({"status": e.status, **e.body})
            raise

    async def _handle_callback(self, request: web.Request, st: InteractionState, body: JSONDict,
                               files: list[_Upload]) -> Any:
        now = asyncio.get_running_loop().time()
        if now - st.dispatched_at > self.interaction_deadline and not st.responded:
            raise HTTPError(404, 10062, "Unknown interaction")
        if st.responded:
            raise HTTPError(400, 40060, "Interaction has already been acknowledged.")
        ctype = int(body.get("type", 0))
        data: JSONDict = body.get("data") or {}
        allowed = ALLOWED_CALLBACKS[st.type]
        if st.type == MODAL_SUBMIT and st.source_message_id is None:
            allowed = frozenset({REPLY, DEFERRED})
        if ctype not in allowed:
            raise HTTPError(400, 50035, "Invalid Form Body",
                            {"type": {"_errors": [{"code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                                   "message": f"Interaction response type {ctype} is invalid "
                                                              f"for interaction type {st.type}"}]}})
        message: JSONDict | None = None
        if ctype == REPLY:
            self._validate(data, files)
            message = self._interaction_message(st, data, files)
            st.original_id = int(message["id"])
        elif ctype == DEFERRED:
            flags = int(data.get("flags") or 0) & EPHEMERAL
            message = self._interaction_message(st, {"content": "", "flags": flags | LOADING}, [])
            st.original_id = int(message["id"])
        elif ctype == UPDATE:
            assert st.source_message_id is not None
            self._validate(data, files, is_edit=True)
            msg = self.messages[st.source_message_id]
            self._apply_edit(msg, data, files)
            self._dispatch_message("MESSAGE_UPDATE", msg, st.channel)
            message = msg
        elif ctype == CHOICES:
            choices = data.get("choices") or []
            if len(choices) > 25:
                raise HTTPError(400, 50035, "Invalid Form Body",
                                {"data": {"choices": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                                                                   "message": "Must be 25 or fewer in length."}]}}})
            st.choices = choices
        elif ctype == MODAL:
            errors = FormErrors()
            errors.max_len(["data", "title"], data.get("title"), 45)
            errors.max_len(["data", "custom_id"], data.get("custom_id"), 100)
            if not 1 <= len(data.get("components") or []) <= 5:
                errors.add(["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
            if errors:
                raise HTTPError(400, 50035, "Invalid Form Body", errors.tree)
            st.modal = copy.deepcopy(data)
        st.response_type = ctype
        st.responded_at = now
        self._notify()
        if request.query.get("with_response") not in ("1", "true", "True"):
            return None
        interaction: JSONDict = {"id": str(st.id), "type": st.type}
        if message is not None:
            interaction.update(
                response_message_id=message["id"],
                response_message_loading=bool(message["flags"] & LOADING),
                response_message_ephemeral=bool(message["flags"] & EPHEMERAL),
            )
        resp: JSONDict = {"interaction": interaction, "resource": {"type": ctype}}
        if message is not None:
            resp["resource"]["message"] = copy.deepcopy(message)
        return resp

    def _interaction_for_webhook(self, app: str, token: str) -> InteractionState:
        st = self._interactions_by_token.get(token)
        if st is None or int(app) != self.application_id:
            raise HTTPError(404, 10015, "Unknown Webhook")
        if asyncio.get_running_loop().time() - st.dispatched_at > self.followup_window:
            raise HTTPError(401, 50027, "Invalid Webhook Token")
        return st

    def _webhook_message(self, st: InteractionState, mid: str) -> JSONDict:
        if mid == "@original":
            # component interactions: @original is the message the component is attached to
            src = st.source_message_id
            if (st.original_id is None and st.response_type in (DEFERRED_UPDATE, UPDATE) and src is not None
                    and src in self.messages):
                return self.messages[src]
            if st.original_id is None or st.original_id not in self.messages:
                raise HTTPError(404, 10008, "Unknown Message")
            return self.messages[st.original_id]
        if int(mid) not in (st.original_id, st.source_message_id) and int(mid) not in st.followup_ids:
            raise HTTPError(404, 10008, "Unknown Message")
        if int(mid) not in self.messages:
            raise HTTPError(404, 10008, "Unknown Message")
        return self.messages[int(mid)]

    async def _webhook_execute(self, request: web.Request, app: str, token: str, body: Any,
                               files: list[_Upload], **_: Any) -> Any:
        st = self._interaction_for_webhook(app, token)
        try:
            if not st.responded:
                raise HTTPError(404, 10015, "Unknown Webhook")
            body = body or {}
            self._validate(body, files)
            orig = self.messages.get(st.original_id or 0)
            if orig is not None and orig["flags"] & LOADING:
                # Discord: the first follow-up after a deferred response replaces the "thinking…" message.
                body = {**body, "flags": (orig["flags"] & EPHEMERAL) | (int(body.get("flags") or 0) & ~EPHEMERAL)}
                self._apply_edit(orig, body, files, clear_loading=True, mark_edited=False)
                self._dispatch_message("MESSAGE_UPDATE", orig, st.channel)
                msg = orig
            else:
                msg = self._interaction_message(st, body, files, followup=True)
                st.followup_ids.append(int(msg["id"]))
        except HTTPError as e:
            st.errors.append({"status": e.status, **e.body})
            raise
        self._notify()
        if request.query.get("wait") in ("true", "True", "1"):
            return copy.deepcopy(msg)
        return None

    async def _webhook_get(self, request: web.Request, app: str, token: str, mid: str, **_: Any) -> Any:
        st = self._interaction_for_webhook(app, token)
        return copy.deepcopy(self._webhook_message(st, mid))

    async def _webhook_edit(self, request: web.Request, app: str, token: str, mid: str, body: Any,
                            files: list[_Upload], **_: Any) -> Any:
        st = self._interaction_for_webhook(app, token)
        try:
            msg = self._webhook_message(st, mid)
            self._validate(body or {}, files, is_edit=True)
        except HTTPError as e:
            st.errors.append({"status": e.status, **e.body})
            raise
        was_loading = bool(msg["flags"] & LOADING)
        self._apply_edit(msg, body or {}, files, clear_loading=True, mark_edited=not was_loading)
        self._dispatch_message("MESSAGE_UPDATE", msg, self.channels[int(msg["channel_id"])])
        self._notify()
        return copy.deepcopy(msg)

    async def _webhook_delete(self, request: web.Request, app: str, token: str, mid: str, **_: Any) -> None:
        st = self._interaction_for_webhook(app, token)
        msg = self._webhook_message(st, mid)
        self._remove_message(int(msg["id"]))

