"""The two ways the simulator says no: to a test or page driving it, and to the bot over HTTP."""

from __future__ import annotations

from typing import Any

JSONDict = dict[str, Any]


class FakeDiscordError(AssertionError):
    """A test drove the fake in a way real Discord would not allow (or the bot did not answer)."""


class HTTPError(Exception):
    """Raised inside route handlers; turned into a Discord-shaped JSON error response."""

    def __init__(self, status: int, code: int, message: str, errors: JSONDict | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body: JSONDict = {"message": message, "code": code}
        if errors is not None:
            self.body["errors"] = errors

