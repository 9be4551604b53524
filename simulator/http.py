"""HTTP plumbing: the route table, authorization, injected failures, the rate limit and request bodies.

Every request under /api/v10 is recorded (`request_log`), checked against injected failures and the per-token
rate limit, then dispatched to the first route whose method and pattern match; an unknown route gets
Discord's 404 and is remembered so a test can fail on it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from .base import FakeDiscordBase
from .errors import FakeDiscordError, HTTPError

log = logging.getLogger("simulator")

API_PREFIX = "/api/v10"

RouteHandler = Callable[..., Awaitable[Any]]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly "application/json": discord.py's json_or_text compares the header verbatim.
    hdrs = {"Content-Type": "application/json"}
    if headers:
        hdrs.update(headers)
    return web.Response(status=status, body=json.dumps(data).encode(), headers=hdrs)


@dataclass
class RequestRecord:
    method: str
    path: str  # relative to /api/v10, e.g. "/channels/1/messages"
    time: float  # time.monotonic()
    status: int = 0
    authorized: bool = False
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None  # parsed JSON body (payload_json for multipart)


@dataclass
class _Failure:
    method: str | None
    pattern: re.Pattern[str]
    status: int
    body: Any
    times: int
    headers: dict[str, str]


@dataclass
class _Upload:
    filename: str
    data: bytes
    content_type: str | None




_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout"}


def _rate_limit_headers(retry: float, *, limit: int, scope: str, bucket: str) -> dict[str, str]:
    return {
        "Via": "1.1 google",
        "Retry-After": str(max(1, int(retry + 0.999))),
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry:.3f}",
        "X-RateLimit-Reset-After": f"{retry:.3f}",
        "X-RateLimit-Bucket": bucket,
        "X-RateLimit-Scope": scope,
    }



async def _read_body(request: web.Request) -> tuple[Any, list[_Upload]]:
    if not request.body_exists:
        return None, []
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        reader = await request.multipart()
        payload: Any = None
        uploads: list[tuple[int, _Upload]] = []
        while True:
            part = await reader.next()
            if part is None:
                break
            assert isinstance(part, BodyPartReader), "discord.py sends no nested multipart"
            name = part.name or ""
            raw = await part.read()
            if name == "payload_json":
                payload = json.loads(raw.decode())
            else:
                m = re.fullmatch(r"files?\[(\d+)\]|file(\d*)", name)
                idx = int(next((g for g in m.groups() if g), len(uploads))) if m else len(uploads)
                uploads.append(
                    (idx, _Upload(part.filename or f"file{idx}", bytes(raw), part.headers.get("Content-Type")))
                )
        uploads.sort(key=lambda x: x[0])
        return payload, [u for _, u in uploads]
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError as e:
        raise HTTPError(400, 50109, "The request body contains invalid JSON.") from e


class HttpMixin(FakeDiscordBase):
    """The HTTP side of the simulator: routes, failure injection, rate limits, request log."""

    def assert_no_unknown_routes(self) -> None:
        if self.unknown_routes:
            routes = ", ".join(f"{m} {p}" for m, p in self.unknown_routes)
            raise FakeDiscordError(f"the bot called routes FakeDiscord does not implement: {routes}")

    # ------------------------------------------------------------------ failure injection / rate limits
    def fail_next(
        self,
        method: str | None,
        path_regex: str,
        status: int,
        body: Any = None,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """The next ``times`` requests whose method matches (``None``/``"*"`` = any) and whose path (relative to
        /api/v10, e.g. ``/channels/1/messages``) matches ``path_regex`` (re.search) get ``status``."""
        hdrs: dict[str, str] = {}
        if status == 429:
            retry = 0.05
            if isinstance(body, dict) and "retry_after" in body:
                retry = float(body["retry_after"])
            hdrs = _rate_limit_headers(retry, limit=5, scope="user", bucket="fake-injected")
            if body is None:
                body = {"message": "You are being rate limited.", "retry_after": retry, "global": False}
        elif body is None:
            body = {"message": f"{status}: {_REASONS.get(status, 'Error')}", "code": 0}
        hdrs.update(headers or {})
        m = None if method in (None, "*") else method.upper()
        self._failures.append(_Failure(m, re.compile(path_regex), status, body, times, hdrs))

    def set_rate_limit(self, requests_per_second: float | None = 50) -> None:
        """Global-ish limit per bot token over a sliding one-second window (``None`` turns it off).
        Interaction callbacks and interaction webhooks are exempt, as on Discord."""
        self._rate_limit = requests_per_second
        self._rl_windows.clear()

    def global_429s(self) -> int:
        """How many requests the global rate limit refused (see set_rate_limit)."""
        return sum(1 for _, what, status, _ in self.rejected_requests if what == "rate-limit" and status == 429)

    def peak_requests_per_second(self, since: float = 0.0) -> int:
        """The most requests counted against the global limit (interaction callbacks and webhooks are exempt,
        as on Discord) in any one-second window of `request_log` from `since` (time.monotonic()) on, for every
        bot process together: what a test compares with Discord's 50."""
        times = [r.time for r in self.request_log
                 if r.time >= since and not r.path.startswith(("/interactions/", "/webhooks/"))]
        times.sort()
        peak, start = 0, 0
        for end, instant in enumerate(times):
            while times[start] <= instant - 1.0:
                start += 1
            peak = max(peak, end - start + 1)
        return peak

    def requests(self, method: str | None = None, path_regex: str | None = None) -> list[RequestRecord]:
        pat = re.compile(path_regex) if path_regex else None
        return [
            r for r in self.request_log
            if (method is None or r.method == method.upper()) and (pat is None or pat.search(r.path))
        ]

    def _route(self, method: str, pattern: str, handler: RouteHandler) -> None:
        self._routes.append((method, re.compile(pattern + r"/?$"), handler))

    async def _http_handler(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/attachments/"):
            return self._serve_attachment(path)
        if not path.startswith(API_PREFIX):
            self.unknown_routes.append((request.method, path))
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        api_path = path[len(API_PREFIX):] or "/"
        auth = request.headers.get("Authorization")
        rec = RequestRecord(request.method, api_path, time.monotonic(), authorized=auth is not None,
                            query=dict(request.query))
        self.request_log.append(rec)
        if self.response_delay:
            await asyncio.sleep(self.response_delay)
        try:
            resp = await self._dispatch_http(request, api_path, auth, rec)
        except HTTPError as e:
            self.rejected_requests.append((request.method, api_path, e.status, e.body))
            resp = json_response(e.body, e.status)
        rec.status = resp.status
        self._notify()
        return resp

    async def _dispatch_http(
        self, request: web.Request, api_path: str, auth: str | None, rec: RequestRecord
    ) -> web.StreamResponse:
        for failure in self._failures:
            if (failure.method is None or failure.method == request.method) and failure.pattern.search(api_path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return json_response(failure.body, failure.status, failure.headers)
        exempt = api_path.startswith(("/interactions/", "/webhooks/"))
        if not exempt:
            token = (auth or "").removeprefix("Bot ")
            if not auth or (self.accepted_tokens is not None and token not in self.accepted_tokens):
                raise HTTPError(401, 0, "401: Unauthorized")
            if self._rate_limit:
                limited = self._check_rate_limit(token)
                if limited is not None:
                    return limited
        for method, pattern, handler in self._routes:
            m = pattern.fullmatch(api_path)
            if m and method == request.method:
                body, files = await _read_body(request)
                rec.body = body
                result = await handler(request, body=body, files=files, **m.groupdict())
                if isinstance(result, web.StreamResponse):
                    return result
                if result is None:
                    return web.Response(status=204)
                return json_response(result)
        self.unknown_routes.append((request.method, api_path))
        log.warning("fakediscord: unknown route %s %s", request.method, api_path)
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    def _check_rate_limit(self, key: str) -> web.Response | None:
        assert self._rate_limit is not None
        now = time.monotonic()
        window = self._rl_windows.setdefault(key, deque())
        while window and window[0] <= now - 1.0:
            window.popleft()
        limit = int(self._rate_limit)
        if len(window) >= limit:
            retry = max(window[0] + 1.0 - now, 0.001)
            body = {"message": "You are being rate limited.", "retry_after": round(retry, 3), "global": True,
                    "code": 0}
            hdrs = _rate_limit_headers(retry, limit=limit, scope="global", bucket="fake-global")
            hdrs["X-RateLimit-Global"] = "true"
            self.rejected_requests.append(("*", "rate-limit", 429, body))
            return json_response(body, 429, hdrs)
        window.append(now)
        return None

    def _serve_attachment(self, path: str) -> web.Response:
        m = re.fullmatch(r"/attachments/\d+/(\d+)/[^/]+", path)
        if not m or int(m.group(1)) not in self._attachments:
            return web.Response(status=404, text="Not Found")
        data = self._attachments[int(m.group(1))]
        ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return web.Response(body=data, headers={"Content-Type": ctype})

